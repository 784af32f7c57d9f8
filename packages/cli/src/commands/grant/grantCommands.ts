import type { GrantInfo, GrantResult, RotateResult } from '@aidoc/sdk';
import { AidocError } from '@aidoc/sdk/errors';
import type { Address, Hash } from 'viem';
import { requireAccount } from '../../account/resolveAccount';
import { resolveAddress } from '../../account/resolveAddress';
import type { CliContext } from '../../cliContext';
import type { GlobalFlags } from '../../options/globalOptions';
import { connectAidoc } from '../connectAidoc';

/** Options of `aidoc grant create`. */
export interface GrantCreateFlags extends GlobalFlags {
  /** Grantee: address, keystore name or dev:N. */
  to: string;
  scope: string;
  purpose: string;
  /** Seconds from now. */
  expiresIn?: number;
  expiresAt?: Date;
}

/**
 * Grant `--to` read access to a record, records or a category (SMART v2 scope) with a purpose and an expiry;
 * the data keys are wrapped for the grantee's registered encryption key.
 *
 * @example
 * ```ts
 * await grantCreate({ account: 'dev:1', to: '0x3C44…', scope: 'record:1', purpose: 'TREAT', expiresIn: 86_400 }, ctx);
 * ```
 */
export async function grantCreate(flags: GrantCreateFlags, ctx: CliContext): Promise<GrantResult> {
  if (flags.expiresIn !== undefined && flags.expiresAt !== undefined) {
    throw new AidocError('INVALID_INPUT', 'Pass either --expires-in or --expires-at, not both.');
  }
  const account = await requireAccount(flags, ctx, 'Granting access');
  const aidoc = await connectAidoc(flags, ctx, account);
  return aidoc.grants.create({
    grantee: await resolveAddress(flags.to, flags, ctx),
    scope: flags.scope,
    purpose: flags.purpose,
    ...(flags.expiresAt !== undefined
      ? { expiresAt: flags.expiresAt }
      : { expiresIn: flags.expiresIn ?? 30 * 86_400 }),
  });
}

/** A revoked grant. */
export interface GrantRevokeResult {
  grantId: bigint;
  txHash: Hash;
}

/**
 * Revoke one of `--account`'s grants: no key is released for it any more (what was read stays read).
 *
 * @example
 * ```ts
 * await grantRevoke(2n, { account: 'dev:1' }, ctx);
 * ```
 */
export async function grantRevoke(
  grantId: bigint,
  flags: GlobalFlags,
  ctx: CliContext,
): Promise<GrantRevokeResult> {
  const account = await requireAccount(flags, ctx, 'Revoking a grant');
  const aidoc = await connectAidoc(flags, ctx, account);
  const { txHash } = await aidoc.grants.revoke(grantId);
  return { grantId, txHash };
}

/**
 * Rotate a record's data key: re-encrypt it, register the new version and re-wrap the key for live grantees.
 *
 * @example
 * ```ts
 * const { version } = await grantRotate(1n, { account: 'dev:1' }, ctx);
 * ```
 */
export async function grantRotate(
  recordId: bigint,
  flags: GlobalFlags,
  ctx: CliContext,
): Promise<RotateResult> {
  const account = await requireAccount(flags, ctx, 'Rotating a record key');
  const aidoc = await connectAidoc(flags, ctx, account);
  return aidoc.grants.rotate(recordId);
}

/** Options of `aidoc grant list`. */
export interface GrantListFlags extends GlobalFlags {
  received?: boolean;
  all?: boolean;
  /** Address, keystore name or dev:N. */
  of?: string;
}

/** Grants given or received by an account. */
export interface GrantListResult {
  account: Address;
  direction: 'given' | 'received';
  grants: GrantInfo[];
}

/**
 * List the live grants `--account` (or `--of`) gave, or received with `--received`; all statuses with `--all`.
 *
 * @example
 * ```ts
 * const { grants } = await grantList({ account: 'dev:2', received: true }, ctx);
 * ```
 */
export async function grantList(flags: GrantListFlags, ctx: CliContext): Promise<GrantListResult> {
  const account = flags.of ? undefined : await requireAccount(flags, ctx, 'Listing grants');
  const aidoc = await connectAidoc(flags, ctx, account);
  const who = flags.of ? await resolveAddress(flags.of, flags, ctx) : account!.address;
  const direction = flags.received ? 'received' : 'given';
  const grants = await aidoc.grants.list({
    direction,
    account: who,
    ...(flags.all ? { includeInactive: true } : {}),
  });
  return { account: who, direction, grants };
}
