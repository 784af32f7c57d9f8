import { type WalletAccount, walletAccountFromMnemonic } from '@aidoc/sdk';
import { AidocError } from '@aidoc/sdk/errors';
import type { CliContext } from '../cliContext';
import { parseAccountRef } from '../options/dataOptionParsers';
import { fromEnv } from '../options/globalOptions';
import { openKeystores } from './openKeystores';
import { readKeystorePassword } from './readKeystorePassword';

/** The well-known public test mnemonic the devnet (like Anvil and Hardhat) funds its accounts from. */
export const DEV_MNEMONIC = 'test test test test test test test test test test test junk';

/** What selects and unlocks an account. */
export interface AccountFlags {
  account?: string | undefined;
  keystoreDir?: string | undefined;
  passwordFile?: string | undefined;
}

/**
 * The account named by `--account` (or `$AIDOC_ACCOUNT`): `dev:N` derives the devnet's test account N from the
 * public test mnemonic; anything else is a keystore name or address, decrypted with the password from
 * {@link readKeystorePassword}. Undefined when no account is named. The private key joins `ctx.secrets`.
 *
 * @example
 * ```ts
 * const account = await resolveAccount({ account: 'dev:1' }, ctx); // 0x7099…79C8
 * ```
 */
export async function resolveAccount(
  flags: AccountFlags,
  ctx: CliContext,
): Promise<WalletAccount | undefined> {
  const ref = flags.account ?? fromEnv(ctx.io.env, 'AIDOC_ACCOUNT', parseAccountRef);
  if (ref === undefined) return undefined;
  let account: WalletAccount;
  if (ref.startsWith('dev:')) {
    account = walletAccountFromMnemonic(DEV_MNEMONIC, { index: Number(ref.slice(4)) });
  } else {
    const keystores = openKeystores(flags, ctx);
    if (!(await keystores.find(ref))) {
      throw new AidocError('NOT_FOUND', `No keystore "${ref}" in ${keystores.dir}.`, {
        details:
          'List keystores with `aidoc wallet list`, create one with `aidoc wallet new --name NAME`, or use dev:N on a devnet.',
      });
    }
    const password = await readKeystorePassword(ctx, flags, { label: `keystore "${ref}"` });
    account = await keystores.load(ref, password);
  }
  ctx.secrets.add(account.privateKey);
  ctx.secrets.add(account.privateKey.slice(2));
  return account;
}

/**
 * Like {@link resolveAccount}, but a missing `--account` is a usage error naming what needs it.
 *
 * @example
 * ```ts
 * const signer = await requireAccount(flags, ctx, 'Uploading a record');
 * ```
 */
export async function requireAccount(
  flags: AccountFlags,
  ctx: CliContext,
  what: string,
): Promise<WalletAccount> {
  const account = await resolveAccount(flags, ctx);
  if (!account) {
    throw new AidocError('INVALID_INPUT', `${what} needs an account: pass --account NAME (or dev:N).`, {
      details: 'Or set AIDOC_ACCOUNT. `aidoc wallet list` shows the keystores you have.',
    });
  }
  return account;
}
