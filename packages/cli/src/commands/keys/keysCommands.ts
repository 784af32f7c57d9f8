import type { Address, Hash, Hex } from 'viem';
import { requireAccount } from '../../account/resolveAccount';
import { resolveAddress } from '../../account/resolveAddress';
import type { CliContext } from '../../cliContext';
import type { GlobalFlags } from '../../options/globalOptions';
import { connectAidoc } from '../connectAidoc';

/** Options of `aidoc keys register`. */
export interface KeysRegisterFlags extends GlobalFlags {
  force?: boolean;
}

/** The account's encryption key in KeyRegistry after `aidoc keys register`. */
export interface KeysRegisterResult {
  address: Address;
  publicKey: Hex;
  version: number;
  /** Undefined when the same key was already registered (nothing sent). */
  txHash?: Hash;
}

/**
 * Register the account's encryption public key (derived from its private key) in KeyRegistry, so others can
 * grant it records; sends nothing when that key is already registered, unless `force`.
 *
 * @example
 * ```ts
 * const { publicKey, version } = await keysRegister({ account: 'dev:1' }, ctx);
 * ```
 */
export async function keysRegister(flags: KeysRegisterFlags, ctx: CliContext): Promise<KeysRegisterResult> {
  const account = await requireAccount(flags, ctx, 'Registering an encryption key');
  const aidoc = await connectAidoc(flags, ctx, account);
  const result = await aidoc.keys.register(flags.force ? { force: true } : {});
  return {
    address: account.address,
    publicKey: result.publicKey,
    version: result.version,
    ...(result.txHash ? { txHash: result.txHash } : {}),
  };
}

/** An account's registered encryption key, if any. */
export interface KeysShowResult {
  address: Address;
  registered: boolean;
  publicKey?: Hex;
  version?: number;
  updatedAt?: Date;
}

/**
 * Show the encryption key registered for `address` (or `--account`).
 *
 * @example
 * ```ts
 * const { registered } = await keysShow('0x3C44…', {}, ctx);
 * ```
 */
export async function keysShow(
  address: string | undefined,
  flags: GlobalFlags,
  ctx: CliContext,
): Promise<KeysShowResult> {
  const account = address ? undefined : await requireAccount(flags, ctx, 'Showing a key');
  const aidoc = await connectAidoc(flags, ctx, account);
  const who = address ? await resolveAddress(address, flags, ctx) : account!.address;
  const key = await aidoc.keys.get(who);
  return key
    ? {
        address: who,
        registered: true,
        publicKey: key.publicKey,
        version: key.version,
        updatedAt: key.updatedAt,
      }
    : { address: who, registered: false };
}
