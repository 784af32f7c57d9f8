import type { KeysRegisterResult, KeysShowResult } from '../commands/keys/keysCommands';
import type {
  WalletBalanceResult,
  WalletImportResult,
  WalletListResult,
  WalletNewResult,
  WalletTransferResult,
} from '../commands/wallet/walletCommands';
import { formatFields, formatTable } from './formatFields';

/**
 * Text for `aidoc wallet new`: the account, its keystore, and (when revealed) the mnemonic with a warning.
 *
 * @example
 * ```ts
 * process.stdout.write(formatWalletNew(result));
 * ```
 */
export function formatWalletNew(result: WalletNewResult): string {
  let text = formatFields(`Created account "${result.name}"`, [
    ['address', result.address],
    ['path', result.path],
    ['keystore', result.keystore],
  ]);
  if (result.mnemonic !== undefined) {
    text +=
      '\nRecovery phrase (shown once; write it down and keep it offline: anyone with it controls the account):\n\n' +
      `  ${result.mnemonic}\n`;
  } else {
    text += '\nThe recovery phrase was not shown (pass --show-mnemonic to print it).\n';
  }
  return text;
}

/**
 * Text for `aidoc wallet import`.
 *
 * @example
 * ```ts
 * process.stdout.write(formatWalletImport(result));
 * ```
 */
export function formatWalletImport(result: WalletImportResult): string {
  return formatFields(`Imported "${result.name}" (from a ${result.source.replace('-', ' ')})`, [
    ['address', result.address ?? '(known once decrypted)'],
    ['keystore', result.keystore],
  ]);
}

/**
 * Text for `aidoc wallet list`: one line per keystore.
 *
 * @example
 * ```ts
 * process.stdout.write(formatWalletList(result));
 * ```
 */
export function formatWalletList(result: WalletListResult): string {
  if (result.keystores.length === 0) {
    return `No keystores in ${result.dir}. Create one with: aidoc wallet new --name NAME\n`;
  }
  return `Keystores in ${result.dir}\n\n${formatTable(
    ['name', 'address'],
    result.keystores.map((k) => [k.name, k.address ?? '?']),
  )}`;
}

/**
 * Text for `aidoc wallet balance`.
 *
 * @example
 * ```ts
 * process.stdout.write(formatWalletBalance(result));
 * ```
 */
export function formatWalletBalance(result: WalletBalanceResult): string {
  return formatFields(result.address, [
    ['native', result.formatted.native],
    ['AID', result.formatted.aid],
  ]);
}

/**
 * Text for `aidoc wallet transfer`.
 *
 * @example
 * ```ts
 * process.stdout.write(formatWalletTransfer(result, '1.5'));
 * ```
 */
export function formatWalletTransfer(result: WalletTransferResult, amount: string): string {
  return formatFields(`Sent ${amount} ${result.asset === 'AID' ? 'AID' : '(native)'} to ${result.to}`, [
    ['from', result.from],
    ['tx', result.txHash],
  ]);
}

/**
 * Text for `aidoc keys register`.
 *
 * @example
 * ```ts
 * process.stdout.write(formatKeysRegister(result));
 * ```
 */
export function formatKeysRegister(result: KeysRegisterResult): string {
  const title = result.txHash
    ? `Registered the encryption key of ${result.address}`
    : `The encryption key of ${result.address} was already registered (nothing sent)`;
  return formatFields(title, [
    ['public key', result.publicKey],
    ['version', String(result.version)],
    ['tx', result.txHash],
  ]);
}

/**
 * Text for `aidoc keys show`.
 *
 * @example
 * ```ts
 * process.stdout.write(formatKeysShow(result));
 * ```
 */
export function formatKeysShow(result: KeysShowResult): string {
  if (!result.registered) {
    return `${result.address} has no registered encryption key (it can register one with: aidoc keys register).\n`;
  }
  return formatFields(result.address, [
    ['public key', result.publicKey],
    ['version', String(result.version)],
    ['updated', result.updatedAt?.toISOString()],
  ]);
}
