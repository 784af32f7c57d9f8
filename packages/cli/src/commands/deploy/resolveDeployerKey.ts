import { AidocError } from '@aidoc/sdk/errors';
import { resolveAccount } from '../../account/resolveAccount';
import type { CliContext } from '../../cliContext';
import { parseAccountRef } from '../../options/dataOptionParsers';
import type { DeployFlags } from './deployOptions';

/** The deployer key and where it came from (never printed; the key is added to the redaction list). */
export interface DeployerKey {
  privateKey: `0x${string}`;
  source: 'private-key' | 'env' | 'keystore';
  /** The keystore name with `--account`. */
  account?: string;
}

/**
 * Pick the deployer key: `--private-key`, else `--account NAME` (a v3 keystore, decrypted with the password
 * from `--password-file`, `$AIDOC_KEYSTORE_PASSWORD` or a terminal prompt; or `dev:N`, the devnet test account N), else `$AIDOC_PRIVATE_KEY`.
 * Giving both flags, or none and no variable, is a usage error. The key joins `ctx.secrets`.
 *
 * @example
 * ```ts
 * const { privateKey } = await resolveDeployerKey({ rpc, out, privateKey: '0x…' }, ctx);
 * ```
 */
export async function resolveDeployerKey(flags: DeployFlags, ctx: CliContext): Promise<DeployerKey> {
  if (flags.privateKey !== undefined && flags.account !== undefined) {
    throw new AidocError('INVALID_INPUT', 'Pass either --account or --private-key, not both.', {
      details: "Run 'aidoc deploy --help' for usage.",
    });
  }
  let key: DeployerKey;
  if (flags.privateKey !== undefined) {
    key = { privateKey: flags.privateKey, source: 'private-key' };
  } else if (flags.account !== undefined) {
    key = { privateKey: await loadKeystoreKey(flags, ctx), source: 'keystore', account: flags.account };
  } else {
    const fromEnv = ctx.io.env.AIDOC_PRIVATE_KEY?.trim();
    if (!fromEnv) {
      throw new AidocError('INVALID_INPUT', 'No deployer key: pass --account NAME or --private-key KEY.', {
        details: 'Or set the AIDOC_PRIVATE_KEY environment variable (it stays out of your shell history).',
      });
    }
    ctx.secrets.add(fromEnv);
    if (!/^(0x)?[0-9a-fA-F]{64}$/.test(fromEnv)) {
      throw new AidocError('INVALID_INPUT', 'AIDOC_PRIVATE_KEY is not a private key.', {
        details: 'Expected 64 hex digits, with or without 0x.',
      });
    }
    key = {
      privateKey: (fromEnv.startsWith('0x') ? fromEnv : `0x${fromEnv}`) as `0x${string}`,
      source: 'env',
    };
  }
  ctx.secrets.add(key.privateKey);
  ctx.secrets.add(key.privateKey.slice(2));
  return key;
}

async function loadKeystoreKey(flags: DeployFlags, ctx: CliContext): Promise<`0x${string}`> {
  const account = await resolveAccount({ ...flags, account: parseAccount(flags.account!) }, ctx);
  return account!.privateKey;
}

function parseAccount(raw: string): string {
  try {
    return parseAccountRef(raw);
  } catch (cause) {
    throw new AidocError('INVALID_INPUT', `Invalid --account: ${(cause as Error).message}`, { cause });
  }
}
