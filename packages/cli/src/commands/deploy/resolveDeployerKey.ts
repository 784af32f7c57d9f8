import { readFile } from 'node:fs/promises';
import { AidocError } from '@aidoc/sdk/errors';
import type { CliContext } from '../../cliContext';
import { promptPassword } from '../../runtime/promptPassword';
import type { DeployFlags } from './deployOptions';

/** The deployer key and where it came from (never printed; the key is added to the redaction list). */
export interface DeployerKey {
  privateKey: `0x${string}`;
  source: 'private-key' | 'env' | 'keystore';
  /** The keystore name with `--account`. */
  account?: string;
}

interface KeystoreDirectoryLike {
  load(nameOrAddress: string, password: string): Promise<{ privateKey: `0x${string}` }>;
}

/**
 * Pick the deployer key: `--private-key`, else `--account NAME` (a v3 keystore, decrypted with the password
 * from `--password-file`, `$AIDOC_KEYSTORE_PASSWORD` or a terminal prompt), else `$AIDOC_PRIVATE_KEY`.
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
  const sdk = (await import('@aidoc/sdk')) as Record<string, unknown>;
  const create = sdk.createKeystoreDirectory as
    | ((options: { dir?: string }) => KeystoreDirectoryLike)
    | undefined;
  if (typeof create !== 'function') {
    throw new AidocError(
      'UNSUPPORTED',
      '--account needs the keystore support of @aidoc/sdk, which this build lacks.',
      {
        details: 'Use --private-key or the AIDOC_PRIVATE_KEY environment variable meanwhile.',
      },
    );
  }
  const password = await readPassword(flags, ctx);
  ctx.secrets.add(password);
  const directory = create(flags.keystoreDir !== undefined ? { dir: flags.keystoreDir } : {});
  const account = await directory.load(flags.account!, password);
  return account.privateKey;
}

async function readPassword(flags: DeployFlags, ctx: CliContext): Promise<string> {
  if (flags.passwordFile !== undefined) {
    try {
      return (await readFile(flags.passwordFile, 'utf8')).replace(/\r?\n$/, '');
    } catch (cause) {
      throw new AidocError('INVALID_INPUT', `Cannot read the password file ${flags.passwordFile}.`, {
        cause,
      });
    }
  }
  const fromEnv = ctx.io.env.AIDOC_KEYSTORE_PASSWORD;
  if (fromEnv !== undefined) return fromEnv;
  if (process.stdin.isTTY === true && ctx.io.stderr.isTTY === true) {
    return promptPassword(`Password of keystore "${flags.account}": `, ctx.io.stderr);
  }
  throw new AidocError('INVALID_INPUT', `No password for keystore "${flags.account}".`, {
    details: 'Pass --password-file PATH or set AIDOC_KEYSTORE_PASSWORD (no terminal to prompt on).',
  });
}
