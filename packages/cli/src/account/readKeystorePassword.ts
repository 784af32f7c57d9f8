import { readFile } from 'node:fs/promises';
import { AidocError } from '@aidoc/sdk/errors';
import type { CliContext } from '../cliContext';
import { promptPassword } from '../runtime/promptPassword';

/** Where a keystore password may come from. */
export interface PasswordSource {
  /** `--password-file`: the file's content without its final newline. */
  passwordFile?: string | undefined;
}

/**
 * Get a keystore password: `--password-file`, else `$AIDOC_KEYSTORE_PASSWORD` (or `$AIDOC_PASSWORD`), else a
 * hidden prompt when stdin and stderr are terminals (asked twice with `confirm`). The password joins
 * `ctx.secrets`, so no error message can print it.
 *
 * @example
 * ```ts
 * const password = await readKeystorePassword(ctx, flags, { label: 'keystore "alice"' });
 * ```
 */
export async function readKeystorePassword(
  ctx: CliContext,
  source: PasswordSource,
  options: { label: string; confirm?: boolean },
): Promise<string> {
  const password = await obtain(ctx, source, options);
  if (password.length > 0) ctx.secrets.add(password);
  return password;
}

async function obtain(
  ctx: CliContext,
  source: PasswordSource,
  options: { label: string; confirm?: boolean },
): Promise<string> {
  if (source.passwordFile !== undefined) {
    try {
      return (await readFile(source.passwordFile, 'utf8')).replace(/\r?\n$/, '');
    } catch (cause) {
      throw new AidocError('INVALID_INPUT', `Cannot read the password file ${source.passwordFile}.`, {
        cause,
      });
    }
  }
  const fromEnv = ctx.io.env.AIDOC_KEYSTORE_PASSWORD ?? ctx.io.env.AIDOC_PASSWORD;
  if (fromEnv !== undefined) return fromEnv;
  if (process.stdin.isTTY === true && ctx.io.stderr.isTTY === true) {
    const first = await promptPassword(`Password of ${options.label}: `, ctx.io.stderr);
    if (options.confirm) {
      const again = await promptPassword('Repeat the password: ', ctx.io.stderr);
      if (again !== first) throw new AidocError('INVALID_INPUT', 'The passwords do not match.');
    }
    return first;
  }
  throw new AidocError('INVALID_INPUT', `No password for ${options.label}.`, {
    details: 'Pass --password-file PATH or set AIDOC_KEYSTORE_PASSWORD (there is no terminal to prompt on).',
  });
}
