import type { CliContext } from '../../cliContext';
import type { GlobalFlags } from '../../options/globalOptions';
import { printResult } from '../../output/printResult';
import {
  formatKeysRegister,
  formatKeysShow,
  formatWalletBalance,
  formatWalletImport,
  formatWalletList,
  formatWalletNew,
  formatWalletTransfer,
} from '../../views/formatWallet';
import { type KeysRegisterFlags, keysRegister, keysShow } from '../keys/keysCommands';
import {
  type WalletImportFlags,
  type WalletNewFlags,
  type WalletTransferFlags,
  walletBalance,
  walletImport,
  walletList,
  walletNew,
  walletTransfer,
} from './walletCommands';

/**
 * Run `aidoc wallet new`: the mnemonic is shown in text mode on a terminal, or with `--show-mnemonic` (also in JSON).
 *
 * @example
 * ```ts
 * await runWalletNew({ name: 'patient' }, ctx);
 * ```
 */
export async function runWalletNew(flags: WalletNewFlags, ctx: CliContext): Promise<void> {
  const json = flags.json === true || ctx.io.stdout.isTTY !== true;
  const result = await walletNew(flags, ctx, { reveal: flags.showMnemonic === true || !json });
  printResult(ctx, flags, result, formatWalletNew);
}

/**
 * Run `aidoc wallet import`.
 *
 * @example
 * ```ts
 * await runWalletImport({ name: 'lab', privateKeyFile: 'lab.key' }, ctx);
 * ```
 */
export async function runWalletImport(flags: WalletImportFlags, ctx: CliContext): Promise<void> {
  printResult(ctx, flags, await walletImport(flags, ctx), formatWalletImport);
}

/**
 * Run `aidoc wallet list`.
 *
 * @example
 * ```ts
 * await runWalletList({ json: true }, ctx);
 * ```
 */
export async function runWalletList(flags: GlobalFlags, ctx: CliContext): Promise<void> {
  printResult(ctx, flags, await walletList(flags, ctx), formatWalletList);
}

/**
 * Run `aidoc wallet balance [address]`.
 *
 * @example
 * ```ts
 * await runWalletBalance(undefined, { account: 'dev:1' }, ctx);
 * ```
 */
export async function runWalletBalance(
  address: string | undefined,
  flags: GlobalFlags,
  ctx: CliContext,
): Promise<void> {
  printResult(ctx, flags, await walletBalance(address, flags, ctx), formatWalletBalance);
}

/**
 * Run `aidoc wallet transfer <to> <amount>`.
 *
 * @example
 * ```ts
 * await runWalletTransfer('0x3C44…', '1', { account: 'dev:1', asset: 'AID' }, ctx);
 * ```
 */
export async function runWalletTransfer(
  to: string,
  amount: string,
  flags: WalletTransferFlags,
  ctx: CliContext,
): Promise<void> {
  const result = await walletTransfer(to, amount, flags, ctx);
  printResult(ctx, flags, result, (r) => formatWalletTransfer(r, amount));
}

/**
 * Run `aidoc keys register`.
 *
 * @example
 * ```ts
 * await runKeysRegister({ account: 'dev:1' }, ctx);
 * ```
 */
export async function runKeysRegister(flags: KeysRegisterFlags, ctx: CliContext): Promise<void> {
  printResult(ctx, flags, await keysRegister(flags, ctx), formatKeysRegister);
}

/**
 * Run `aidoc keys show [address]`.
 *
 * @example
 * ```ts
 * await runKeysShow('0x3C44…', {}, ctx);
 * ```
 */
export async function runKeysShow(
  address: string | undefined,
  flags: GlobalFlags,
  ctx: CliContext,
): Promise<void> {
  printResult(ctx, flags, await keysShow(address, flags, ctx), formatKeysShow);
}
