import { aidTokenAbi, lifeBankAbi } from '@aidoc/contracts';
import {
  type Address,
  getAddress,
  type Hash,
  isAddress,
  isAddressEqual,
  parseEventLogs,
  parseUnits,
} from 'viem';
import { z } from 'zod';
import type { AidocContext } from '../client/AidocContext';
import { contractErrorToAidocError } from '../client/contractErrorToAidocError';
import { requireSigner } from '../client/requireSigner';
import {
  PLACEHOLDER_CID,
  sendContractTransaction,
  simulateContractCall,
} from '../client/sendContractTransaction';
import { AidocError } from '../errors';
import type { GrantInternals } from '../grants/createGrantsApi';
import { requireGranteeKey, storeKeyBundle } from '../grants/keyBundle';
import {
  fromChainScope,
  type GrantScope,
  type GrantScopeInput,
  parseGrantScope,
  toChainScope,
} from '../grants/parseGrantScope';

const statusNames = ['none', 'pending', 'approved', 'denied', 'withdrawn'] as const;

/** A paid access request. */
export interface AccessRequestInfo {
  requestId: bigint;
  requester: Address;
  owner: Address;
  scope: GrantScope;
  purpose: string;
  /** AID (wei) in escrow while pending. */
  offer: bigint;
  /** Seconds of access the grant gives from approval. */
  grantDuration: bigint;
  /** After this the owner can no longer approve; anyone may trigger the refund. */
  expiresAt: Date;
  /** `expired` is a pending request past its expiry (refundable with `withdraw`). */
  status: 'pending' | 'approved' | 'denied' | 'withdrawn' | 'expired';
  /** The grant an approval created. */
  grantId?: bigint;
}

/** Input of {@link AccessApi.request}. */
export interface AccessRequestInput {
  owner: Address;
  scope: GrantScopeInput;
  purpose: string;
  /** Offer: AID wei as a bigint, or a decimal AID amount as a string (`"12.5"`). Default 0. */
  offer?: bigint | string;
  /** Seconds of access asked for, counted from approval. */
  grantDuration: number;
  /** Seconds from the latest block until the request expires. Default 7 days. */
  expiresIn?: number;
}

/** Paid access requests: ask, approve, deny, refund, list, watch. */
export interface AccessApi {
  /**
   * Asks an owner for access, escrowing `offer` AID (the allowance is approved first when needed).
   *
   * @example
   * ```ts
   * const { requestId } = await aidoc.access.request({ owner, scope: 'patient/*.rs?category=laboratory', purpose: 'Study', offer: '5', grantDuration: 604_800 });
   * ```
   */
  request(input: AccessRequestInput): Promise<{ requestId: bigint; txHash: Hash; approveTxHash?: Hash }>;
  /**
   * Approves a pending request to you: wraps the keys for the requester, creates the grant, takes the payment.
   *
   * @example
   * ```ts
   * const { grantId, paid } = await aidoc.access.approve(1n);
   * ```
   */
  approve(
    requestId: bigint | number,
  ): Promise<{ grantId: bigint; keyBundleCid: string; txHash: Hash; paid: bigint; recordIds: bigint[] }>;
  /**
   * Denies a pending request to you; the escrow goes back to the requester.
   *
   * @example
   * ```ts
   * await aidoc.access.deny(1n);
   * ```
   */
  deny(requestId: bigint | number): Promise<{ txHash: Hash }>;
  /**
   * Withdraws your pending request, or refunds anyone's expired one.
   *
   * @example
   * ```ts
   * const { refunded } = await aidoc.access.withdraw(1n);
   * ```
   */
  withdraw(requestId: bigint | number): Promise<{ txHash: Hash; refunded: bigint }>;
  /**
   * Reads one request.
   *
   * @example
   * ```ts
   * const { status, offer } = await aidoc.access.get(1n);
   * ```
   */
  get(requestId: bigint | number): Promise<AccessRequestInfo>;
  /**
   * Requests to you (`incoming`, default) or by you (`outgoing`); pending ones unless `status: 'all'`.
   *
   * @example
   * ```ts
   * const pending = await aidoc.access.list(); // incoming, pending
   * ```
   */
  list(options?: {
    direction?: 'incoming' | 'outgoing';
    account?: Address;
    status?: AccessRequestInfo['status'] | 'all';
  }): Promise<AccessRequestInfo[]>;
  /**
   * Calls `onRequest` for each new request addressed to the account; returns a function that stops watching.
   *
   * @example
   * ```ts
   * const stop = aidoc.access.watchAccessRequests((r) => console.log(r.requester, r.purpose));
   * ```
   */
  watchAccessRequests(
    onRequest: (request: AccessRequestInfo) => void | Promise<void>,
    options?: { account?: Address; onError?: (error: AidocError) => void },
  ): () => void;
}

const idSchema = z.union([z.bigint().positive(), z.number().int().positive()]).transform((v) => BigInt(v));
const addressSchema = z.string().refine((a) => isAddress(a), 'an address');

function invalid(what: string, error: z.ZodError): AidocError {
  return new AidocError('INVALID_INPUT', `Invalid ${what}.`, {
    details: error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '),
  });
}

/** Builds the access-request API. Internal: use `createAidoc(...).access`. */
export function createAccessApi(ctx: AidocContext, grants: GrantInternals): AccessApi {
  async function fetchRequest(requestId: bigint, now?: bigint): Promise<AccessRequestInfo> {
    let r: Awaited<ReturnType<typeof readRequest>>;
    try {
      r = await readRequest(requestId);
    } catch (error) {
      throw contractErrorToAidocError(error, `Reading request ${requestId}`);
    }
    const at = now ?? (await grants.latestTimestamp());
    let status = statusNames[r.status] as AccessRequestInfo['status'];
    if (status === 'pending' && at > r.expiry) status = 'expired';
    return {
      requestId,
      requester: r.requester,
      owner: r.owner,
      scope: fromChainScope(r.scope),
      purpose: r.purpose,
      offer: r.offer,
      grantDuration: r.grantDuration,
      expiresAt: new Date(Number(r.expiry) * 1000),
      status,
      ...(r.grantId !== 0n ? { grantId: r.grantId } : {}),
    };
  }

  function readRequest(requestId: bigint) {
    return ctx.publicClient.readContract({
      address: ctx.contracts.LifeBank,
      abi: lifeBankAbi,
      functionName: 'getRequest',
      args: [requestId],
    });
  }

  async function get(id: bigint | number) {
    const parsed = idSchema.safeParse(id);
    if (!parsed.success) throw invalid('request id', parsed.error);
    return fetchRequest(parsed.data);
  }

  return {
    get,

    async request(input) {
      const parsed = z
        .object({
          owner: addressSchema,
          scope: z.unknown(),
          purpose: z.string().min(1).max(256),
          offer: z
            .union([z.bigint().nonnegative(), z.string().regex(/^\d+(\.\d{1,18})?$/, 'a decimal AID amount')])
            .optional(),
          grantDuration: z.number().int().positive(),
          expiresIn: z.number().int().positive().optional(),
        })
        .strict()
        .safeParse(input);
      if (!parsed.success) throw invalid('access request', parsed.error);
      const { address: me, account } = requireSigner(ctx, 'Requesting access');
      const scope = parseGrantScope(parsed.data.scope as GrantScopeInput);
      const offer =
        typeof parsed.data.offer === 'string' ? parseUnits(parsed.data.offer, 18) : (parsed.data.offer ?? 0n);
      const expiry = (await grants.latestTimestamp()) + BigInt(parsed.data.expiresIn ?? 7 * 24 * 3600);
      let approveTxHash: Hash | undefined;
      if (offer > 0n) {
        const allowance = await ctx.publicClient.readContract({
          address: ctx.contracts.AidToken,
          abi: aidTokenAbi,
          functionName: 'allowance',
          args: [me, ctx.contracts.LifeBank],
        });
        if (allowance < offer) {
          const balance = await ctx.publicClient.readContract({
            address: ctx.contracts.AidToken,
            abi: aidTokenAbi,
            functionName: 'balanceOf',
            args: [account.address],
          });
          if (balance < offer) {
            throw new AidocError(
              'INSUFFICIENT_FUNDS',
              `The offer (${offer} wei AID) exceeds the balance (${balance}).`,
            );
          }
          approveTxHash = (
            await sendContractTransaction(ctx, 'Approving the AID escrow', {
              address: ctx.contracts.AidToken,
              abi: aidTokenAbi,
              functionName: 'approve',
              args: [ctx.contracts.LifeBank, offer],
            })
          ).hash;
        }
      }
      const sent = await sendContractTransaction(ctx, 'Requesting access', {
        address: ctx.contracts.LifeBank,
        abi: lifeBankAbi,
        functionName: 'requestAccess',
        args: [
          getAddress(parsed.data.owner),
          toChainScope(scope),
          parsed.data.purpose,
          offer,
          BigInt(parsed.data.grantDuration),
          expiry,
        ],
      });
      const event = parseEventLogs({
        abi: lifeBankAbi,
        logs: sent.receipt.logs,
        eventName: 'AccessRequested',
      })[0];
      if (!event) throw new AidocError('INTERNAL', 'The request receipt has no AccessRequested event.');
      return {
        requestId: event.args.requestId,
        txHash: sent.hash,
        ...(approveTxHash ? { approveTxHash } : {}),
      };
    },

    async approve(id) {
      const request = await get(id);
      const { address: me } = requireSigner(ctx, 'Approving a request');
      if (!isAddressEqual(request.owner, me)) {
        throw new AidocError(
          'UNAUTHORIZED',
          `Request ${request.requestId} is addressed to ${request.owner}, not to you.`,
        );
      }
      if (request.status !== 'pending') {
        throw new AidocError(
          request.status === 'expired' ? 'ACCESS_DENIED' : 'INVALID_INPUT',
          `Request ${request.requestId} is ${request.status}.`,
        );
      }
      const granteeKey = await requireGranteeKey(ctx, request.requester);
      const records = await grants.recordsInScope(me, request.scope);
      await simulateContractCall(ctx, 'Approving the request', {
        address: ctx.contracts.LifeBank,
        abi: lifeBankAbi,
        functionName: 'approveRequest',
        args: [request.requestId, PLACEHOLDER_CID],
      });
      const keyBundleCid = await storeKeyBundle(ctx, {
        owner: me,
        grantee: request.requester,
        granteeKey,
        scope: request.scope,
        records,
      });
      let sent: Awaited<ReturnType<typeof sendContractTransaction>>;
      try {
        sent = await sendContractTransaction(ctx, 'Approving the request', {
          address: ctx.contracts.LifeBank,
          abi: lifeBankAbi,
          functionName: 'approveRequest',
          args: [request.requestId, keyBundleCid],
        });
      } catch (error) {
        await ctx.content.unpin(keyBundleCid).catch(() => undefined);
        throw error;
      }
      const event = parseEventLogs({
        abi: lifeBankAbi,
        logs: sent.receipt.logs,
        eventName: 'AccessRequestApproved',
      })[0];
      if (!event)
        throw new AidocError('INTERNAL', 'The approval receipt has no AccessRequestApproved event.');
      return {
        grantId: event.args.grantId,
        keyBundleCid,
        txHash: sent.hash,
        paid: request.offer,
        recordIds: records.map((r) => r.recordId),
      };
    },

    async deny(id) {
      const parsed = idSchema.safeParse(id);
      if (!parsed.success) throw invalid('request id', parsed.error);
      const sent = await sendContractTransaction(ctx, `Denying request ${parsed.data}`, {
        address: ctx.contracts.LifeBank,
        abi: lifeBankAbi,
        functionName: 'denyRequest',
        args: [parsed.data],
      });
      return { txHash: sent.hash };
    },

    async withdraw(id) {
      const request = await get(id);
      const sent = await sendContractTransaction(ctx, `Withdrawing request ${request.requestId}`, {
        address: ctx.contracts.LifeBank,
        abi: lifeBankAbi,
        functionName: 'withdrawRequest',
        args: [request.requestId],
      });
      return { txHash: sent.hash, refunded: request.offer };
    },

    async list(options = {}) {
      const parsed = z
        .object({
          direction: z.enum(['incoming', 'outgoing']).optional(),
          account: addressSchema.optional(),
          status: z.enum(['pending', 'approved', 'denied', 'withdrawn', 'expired', 'all']).optional(),
        })
        .strict()
        .safeParse(options);
      if (!parsed.success) throw invalid('list options', parsed.error);
      const account =
        (parsed.data.account as Address | undefined) ?? requireSigner(ctx, 'Listing requests').address;
      const events = await ctx.publicClient.getContractEvents({
        address: ctx.contracts.LifeBank,
        abi: lifeBankAbi,
        eventName: 'AccessRequested',
        args:
          (parsed.data.direction ?? 'incoming') === 'incoming' ? { owner: account } : { requester: account },
        fromBlock: ctx.fromBlock,
      });
      const now = await grants.latestTimestamp();
      const all = await Promise.all(events.map((e) => fetchRequest(e.args.requestId as bigint, now)));
      const status = parsed.data.status ?? 'pending';
      return status === 'all' ? all : all.filter((r) => r.status === status);
    },

    watchAccessRequests(onRequest, options = {}) {
      if (typeof onRequest !== 'function')
        throw new AidocError('INVALID_INPUT', 'Pass a function to call for each request.');
      const account = options.account ?? requireSigner(ctx, 'Watching requests').address;
      if (!isAddress(account)) throw new AidocError('INVALID_INPUT', 'Invalid account to watch.');
      const seen = new Set<bigint>();
      return ctx.publicClient.watchContractEvent({
        address: ctx.contracts.LifeBank,
        abi: lifeBankAbi,
        eventName: 'AccessRequested',
        args: { owner: account },
        pollingInterval: ctx.pollingIntervalMs,
        onLogs: async (logs) => {
          for (const log of logs) {
            const id = log.args.requestId as bigint;
            if (seen.has(id)) continue;
            seen.add(id);
            try {
              await onRequest(await fetchRequest(id));
            } catch (error) {
              options.onError?.(contractErrorToAidocError(error, 'Handling an access request'));
            }
          }
        },
        onError: (error) => options.onError?.(contractErrorToAidocError(error, 'Watching access requests')),
      });
    },
  };
}
