import { readFile } from 'node:fs/promises';
import {
  generateMnemonic,
  type KeystoreEntry,
  walletAccountFromMnemonic,
  walletAccountFromPrivateKey,
} from '@aidoc/sdk';
import { AidocError } from '@aidoc/sdk/errors';
import { type Address, formatUnits, type Hash, parseUnits } from 'viem';
import { openKeystores } from '../../account/openKeystores';
import { readKeystorePassword } from '../../account/readKeystorePassword';
import { requireAccount } from '../../account/resolveAccount';
import { resolveAddress } from '../../account/resolveAddress';
import type { CliContext } from '../../cliContext';
import type { GlobalFlags } from '../../options/globalOptions';
import { connectAidoc } from '../connectAidoc';

/** Options of `aidoc wallet new`. */
export interface WalletNewFlags extends GlobalFlags {
  name: string;
  words?: 12 | 24;
  scryptN?: number;
  showMnemonic?: boolean;
}

/** What `aidoc wallet new` created. The mnemonic is there only when it may be shown. */
export interface WalletNewResult {
  name: string;
  address: Address;
  /** BIP-44 derivation path of the account in the mnemonic. */
  path: string;
  /** The keystore file (mode 0600). */
  keystore: string;
  /** The recovery phrase: present only with `reveal`. */
  mnemonic?: string;
}

/**
 * Create an account from a fresh BIP-39 mnemonic (account 0, `m/44'/60'/0'/0/0`) and save it as an encrypted
 * v3 keystore `<name>.json`. The mnemonic is returned only when `reveal` is set (a terminal, or `--show-mnemonic`).
 *
 * @example
 * ```ts
 * const { address, keystore } = await walletNew({ name: 'patient' }, ctx, { reveal: false });
 * ```
 */
export async function walletNew(
  flags: WalletNewFlags,
  ctx: CliContext,
  options: { reveal: boolean },
): Promise<WalletNewResult> {
  const keystores = openKeystores(flags, ctx);
  if (await keystores.find(flags.name)) {
    throw new AidocError(
      'INVALID_INPUT',
      `A keystore named "${flags.name}" already exists in ${keystores.dir}.`,
      {
        details: 'Pick another --name.',
      },
    );
  }
  const password = await readKeystorePassword(ctx, flags, {
    label: `the new keystore "${flags.name}"`,
    confirm: true,
  });
  if (password.length === 0) throw new AidocError('INVALID_INPUT', 'Refusing an empty keystore password.');
  const mnemonic = generateMnemonic(flags.words ?? 12);
  ctx.secrets.add(mnemonic);
  const account = walletAccountFromMnemonic(mnemonic);
  const entry = await keystores.save(
    flags.name,
    account,
    password,
    flags.scryptN !== undefined ? { scryptN: flags.scryptN } : {},
  );
  return {
    name: entry.name,
    address: account.address,
    path: account.path ?? "m/44'/60'/0'/0/0",
    keystore: entry.path,
    ...(options.reveal ? { mnemonic } : {}),
  };
}

/** Options of `aidoc wallet import`: a name and exactly one source. */
export interface WalletImportFlags extends GlobalFlags {
  name: string;
  privateKeyFile?: string;
  keystore?: string;
  mnemonicFile?: string;
  index?: number;
  scryptN?: number;
}

/** What `aidoc wallet import` saved. */
export interface WalletImportResult {
  name: string;
  /** Unknown for a keystore file that declares no address (it is copied without decrypting). */
  address?: Address;
  keystore: string;
  source: 'private-key' | 'keystore' | 'mnemonic';
}

/**
 * Import an account into the keystore folder: a private key or mnemonic read from a file (encrypted with a new
 * password), or an existing v3 keystore from geth, `cast wallet` or MetaMask (copied unchanged, no password).
 *
 * @example
 * ```ts
 * await walletImport({ name: 'lab', privateKeyFile: './lab.key' }, ctx);
 * ```
 */
export async function walletImport(flags: WalletImportFlags, ctx: CliContext): Promise<WalletImportResult> {
  const sources = [flags.privateKeyFile, flags.keystore, flags.mnemonicFile].filter((s) => s !== undefined);
  if (sources.length !== 1) {
    throw new AidocError(
      'INVALID_INPUT',
      'Pass exactly one of --private-key-file, --keystore or --mnemonic-file.',
      { details: "Run 'aidoc wallet import --help' for usage." },
    );
  }
  if (flags.index !== undefined && flags.mnemonicFile === undefined) {
    throw new AidocError('INVALID_INPUT', '--index goes with --mnemonic-file.');
  }
  const keystores = openKeystores(flags, ctx);
  if (flags.keystore !== undefined) {
    const text = await readInput(flags.keystore, 'keystore file');
    const entry: KeystoreEntry = await keystores.importKeystore(flags.name, text);
    return {
      name: entry.name,
      ...(entry.address ? { address: entry.address } : {}),
      keystore: entry.path,
      source: 'keystore',
    };
  }
  let account: ReturnType<typeof walletAccountFromPrivateKey>;
  let source: WalletImportResult['source'];
  if (flags.privateKeyFile !== undefined) {
    const key = (await readInput(flags.privateKeyFile, 'private key file')).trim();
    ctx.secrets.add(key);
    account = walletAccountFromPrivateKey(key);
    source = 'private-key';
  } else {
    const phrase = (await readInput(flags.mnemonicFile!, 'mnemonic file')).trim();
    ctx.secrets.add(phrase);
    account = walletAccountFromMnemonic(phrase, { index: flags.index ?? 0 });
    source = 'mnemonic';
  }
  ctx.secrets.add(account.privateKey);
  ctx.secrets.add(account.privateKey.slice(2));
  if (await keystores.find(flags.name)) {
    throw new AidocError(
      'INVALID_INPUT',
      `A keystore named "${flags.name}" already exists in ${keystores.dir}.`,
    );
  }
  const password = await readKeystorePassword(ctx, flags, {
    label: `the new keystore "${flags.name}"`,
    confirm: true,
  });
  if (password.length === 0) throw new AidocError('INVALID_INPUT', 'Refusing an empty keystore password.');
  const entry = await keystores.save(
    flags.name,
    account,
    password,
    flags.scryptN !== undefined ? { scryptN: flags.scryptN } : {},
  );
  return { name: entry.name, address: account.address, keystore: entry.path, source };
}

async function readInput(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (cause) {
    throw new AidocError('INVALID_INPUT', `Cannot read the ${what} ${path}.`, { cause });
  }
}

/** The keystores of a folder. */
export interface WalletListResult {
  dir: string;
  keystores: KeystoreEntry[];
}

/**
 * List the keystores in the keystore folder (name, declared address, file), without decrypting any.
 *
 * @example
 * ```ts
 * const { keystores } = await walletList({}, ctx);
 * ```
 */
export async function walletList(flags: GlobalFlags, ctx: CliContext): Promise<WalletListResult> {
  const keystores = openKeystores(flags, ctx);
  return { dir: keystores.dir, keystores: await keystores.list() };
}

/** Balances of one account, in wei and formatted (18 decimals). */
export interface WalletBalanceResult {
  address: Address;
  native: bigint;
  aid: bigint;
  formatted: { native: string; aid: string };
}

/**
 * Native coin and AID balances of `address`, or of `--account` when no address is given.
 *
 * @example
 * ```ts
 * const { formatted } = await walletBalance(undefined, { account: 'dev:1' }, ctx);
 * ```
 */
export async function walletBalance(
  address: string | undefined,
  flags: GlobalFlags,
  ctx: CliContext,
): Promise<WalletBalanceResult> {
  const account = address ? undefined : await requireAccount(flags, ctx, 'Reading a balance');
  const who = address ? await resolveAddress(address, flags, ctx) : account!.address;
  const aidoc = await connectAidoc(flags, ctx, account);
  const balance = await aidoc.wallet.balance(who);
  return {
    ...balance,
    formatted: { native: formatUnits(balance.native, 18), aid: formatUnits(balance.aid, 18) },
  };
}

/** Options of `aidoc wallet transfer`. */
export interface WalletTransferFlags extends GlobalFlags {
  asset: 'native' | 'AID';
}

/** A confirmed transfer. */
export interface WalletTransferResult {
  from: Address;
  to: Address;
  /** Amount in wei. */
  amount: bigint;
  asset: 'native' | 'AID';
  txHash: Hash;
}

/**
 * Send `amount` (a decimal, 18 decimals) of the native coin or AID from `--account` to `to`.
 *
 * @example
 * ```ts
 * await walletTransfer('0x3C44…', '1.5', { account: 'dev:1', asset: 'AID' }, ctx);
 * ```
 */
export async function walletTransfer(
  toRef: string,
  amount: string,
  flags: WalletTransferFlags,
  ctx: CliContext,
): Promise<WalletTransferResult> {
  const to = await resolveAddress(toRef, flags, ctx);
  const account = await requireAccount(flags, ctx, 'A transfer');
  const aidoc = await connectAidoc(flags, ctx, account);
  const wei = parseUnits(amount, 18);
  const { txHash } = await aidoc.wallet.transfer({ to, amount: wei, asset: flags.asset });
  return { from: account.address, to, amount: wei, asset: flags.asset, txHash };
}
