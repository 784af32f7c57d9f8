import { walletAccountFromMnemonic } from '@aidoc/sdk';
import { AidocError } from '@aidoc/sdk/errors';
import { type Address, getAddress } from 'viem';
import type { CliContext } from '../cliContext';
import { openKeystores } from './openKeystores';
import { DEV_MNEMONIC } from './resolveAccount';

/**
 * The address an argument names: an address as given, `dev:N` (the devnet's test account N), or a keystore
 * name, read from the keystore file without decrypting it.
 *
 * @example
 * ```ts
 * const to = await resolveAddress('patient', flags, ctx); // 0xF9af…9fcE
 * ```
 */
export async function resolveAddress(
  ref: string,
  flags: { keystoreDir?: string | undefined },
  ctx: CliContext,
): Promise<Address> {
  if (/^0x[0-9a-fA-F]{40}$/.test(ref)) return getAddress(ref);
  if (/^dev:\d+$/.test(ref))
    return walletAccountFromMnemonic(DEV_MNEMONIC, { index: Number(ref.slice(4)) }).address;
  const keystores = openKeystores(flags, ctx);
  const entry = await keystores.find(ref);
  if (!entry) {
    throw new AidocError('NOT_FOUND', `"${ref}" is neither an address nor a keystore in ${keystores.dir}.`, {
      details: 'Pass an address (0x…), dev:N, or a name from `aidoc wallet list`.',
    });
  }
  if (!entry.address) {
    throw new AidocError(
      'INVALID_INPUT',
      `Keystore "${ref}" does not declare its address; pass the address.`,
    );
  }
  return entry.address;
}
