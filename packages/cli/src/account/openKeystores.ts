import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { createKeystoreDirectory, type KeystoreDirectory } from '@aidoc/sdk';
import type { CliContext } from '../cliContext';

/**
 * Open the keystore folder: `--keystore-dir`, else `$AIDOC_KEYSTORE_DIR`, else `~/.aidoc/keystores`.
 *
 * @example
 * ```ts
 * const entries = await openKeystores(flags, ctx).list();
 * ```
 */
export function openKeystores(
  flags: { keystoreDir?: string | undefined },
  ctx: CliContext,
): KeystoreDirectory {
  const fromEnv = ctx.io.env.AIDOC_KEYSTORE_DIR?.trim();
  const dir = flags.keystoreDir ?? (fromEnv ? resolve(fromEnv) : join(homedir(), '.aidoc', 'keystores'));
  return createKeystoreDirectory({ dir });
}
