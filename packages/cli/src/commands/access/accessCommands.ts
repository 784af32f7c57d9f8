import type { AccessRequestInfo } from '@aidoc/sdk';
import type { Address, Hash } from 'viem';
import { requireAccount } from '../../account/resolveAccount';
import { resolveAddress } from '../../account/resolveAddress';
import type { CliContext } from '../../cliContext';
import type { GlobalFlags } from '../../options/globalOptions';
import { connectAidoc } from '../connectAidoc';

/** Options of `aidoc access request`. */
export interface AccessRequestFlags extends GlobalFlags {
  /** Address, keystore name or dev:N. */
  owner: string;
  scope: string;
  purpose: string;
  /** Decimal AID amount put in escrow. */
  offer: string;
  /** Seconds of access asked for, from approval. */
  duration: number;
  /** Seconds the owner has to answer. */
  expiresIn?: number;
}

/** A sent access request. */
export interface AccessRequestResult {
  requestId: bigint;
  owner: Address;
  /** Offer in AID wei, held in escrow until approval, denial or expiry. */
  offer: bigint;
  txHash: Hash;
  /** The AID allowance approval sent first, when one was needed. */
  approveTxHash?: Hash;
}

/**
 * Ask `--owner` for access to a scope, escrowing an AID offer that the owner receives on approval.
 *
 * @example
 * ```ts
 * await accessRequest({ account: 'dev:2', owner: '0x7099…', scope: 'record:1', purpose: 'Study', offer: '5', duration: 86_400 }, ctx);
 * ```
 */
export async function accessRequest(
  flags: AccessRequestFlags,
  ctx: CliContext,
): Promise<AccessRequestResult> {
  const account = await requireAccount(flags, ctx, 'Requesting access');
  const aidoc = await connectAidoc(flags, ctx, account);
  const sent = await aidoc.access.request({
    owner: await resolveAddress(flags.owner, flags, ctx),
    scope: flags.scope,
    purpose: flags.purpose,
    offer: flags.offer,
    grantDuration: flags.duration,
    ...(flags.expiresIn !== undefined ? { expiresIn: flags.expiresIn } : {}),
  });
  const request = await aidoc.access.get(sent.requestId);
  return { ...sent, owner: request.owner, offer: request.offer };
}

/** An approved request: the grant it created and the payment taken. */
export interface AccessApproveResult {
  requestId: bigint;
  grantId: bigint;
  keyBundleCid: string;
  txHash: Hash;
  /** AID wei paid to the owner. */
  paid: bigint;
  recordIds: bigint[];
}

/**
 * Approve a pending request to `--account`: wrap the keys for the requester, create the grant, take the offer.
 *
 * @example
 * ```ts
 * const { grantId } = await accessApprove(1n, { account: 'dev:1' }, ctx);
 * ```
 */
export async function accessApprove(
  requestId: bigint,
  flags: GlobalFlags,
  ctx: CliContext,
): Promise<AccessApproveResult> {
  const account = await requireAccount(flags, ctx, 'Approving a request');
  const aidoc = await connectAidoc(flags, ctx, account);
  return { requestId, ...(await aidoc.access.approve(requestId)) };
}

/** A denied or withdrawn request; the escrow went back to the requester. */
export interface AccessCloseResult {
  requestId: bigint;
  txHash: Hash;
  /** AID wei refunded to the requester. */
  refunded: bigint;
}

/**
 * Deny a pending request to `--account`; the requester gets the escrow back.
 *
 * @example
 * ```ts
 * await accessDeny(1n, { account: 'dev:1' }, ctx);
 * ```
 */
export async function accessDeny(
  requestId: bigint,
  flags: GlobalFlags,
  ctx: CliContext,
): Promise<AccessCloseResult> {
  const account = await requireAccount(flags, ctx, 'Denying a request');
  const aidoc = await connectAidoc(flags, ctx, account);
  const request = await aidoc.access.get(requestId);
  const { txHash } = await aidoc.access.deny(requestId);
  return { requestId, txHash, refunded: request.offer };
}

/**
 * Withdraw your pending request, or trigger the refund of anyone's expired one.
 *
 * @example
 * ```ts
 * const { refunded } = await accessWithdraw(1n, { account: 'dev:2' }, ctx);
 * ```
 */
export async function accessWithdraw(
  requestId: bigint,
  flags: GlobalFlags,
  ctx: CliContext,
): Promise<AccessCloseResult> {
  const account = await requireAccount(flags, ctx, 'Withdrawing a request');
  const aidoc = await connectAidoc(flags, ctx, account);
  return { requestId, ...(await aidoc.access.withdraw(requestId)) };
}

/** Options of `aidoc access list`. */
export interface AccessListFlags extends GlobalFlags {
  outgoing?: boolean;
  status?: AccessRequestInfo['status'] | 'all';
  /** Address, keystore name or dev:N. */
  of?: string;
}

/** Requests to or by an account. */
export interface AccessListResult {
  account: Address;
  direction: 'incoming' | 'outgoing';
  requests: AccessRequestInfo[];
}

/**
 * List requests to `--account` (or by it with `--outgoing`); pending ones unless `--status`.
 *
 * @example
 * ```ts
 * const { requests } = await accessList({ account: 'dev:1' }, ctx);
 * ```
 */
export async function accessList(flags: AccessListFlags, ctx: CliContext): Promise<AccessListResult> {
  const account = flags.of ? undefined : await requireAccount(flags, ctx, 'Listing requests');
  const aidoc = await connectAidoc(flags, ctx, account);
  const who = flags.of ? await resolveAddress(flags.of, flags, ctx) : account!.address;
  const direction = flags.outgoing ? 'outgoing' : 'incoming';
  const requests = await aidoc.access.list({ direction, account: who, status: flags.status ?? 'pending' });
  return { account: who, direction, requests };
}
