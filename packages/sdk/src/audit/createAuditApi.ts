import { lifeBankAbi } from '@aidoc/contracts';
import type { Address, Hash } from 'viem';
import { z } from 'zod';
import type { AidocContext } from '../client/AidocContext';
import { contractErrorToAidocError } from '../client/contractErrorToAidocError';
import { sendContractTransaction } from '../client/sendContractTransaction';
import { AidocError } from '../errors';
import { fetchRecordInfo } from '../records/RecordInfo';

/** One event in a record's history. */
export interface RecordHistoryEvent {
  type:
    | 'registered'
    | 'rotated'
    | 'deactivated'
    | 'granted'
    | 'revoked'
    | 'requested'
    | 'approved'
    | 'denied'
    | 'withdrawn'
    | 'read';
  blockNumber: bigint;
  logIndex: number;
  txHash: Hash;
  timestamp: Date;
  /** Who acted: owner for registered/granted/…, grantee for read, requester for requested. */
  actor?: Address;
  /** The other party: grantee of a grant, requester of a request. */
  counterparty?: Address;
  grantId?: bigint;
  requestId?: bigint;
  /** Record version after a rotation. */
  version?: number;
  purpose?: string;
}

/** The audit trail: access logging and a record's full history from chain events. */
export interface AuditApi {
  /**
   * Writes a read of `recordId` by the client's account to the on-chain access log (needs live access).
   *
   * @example
   * ```ts
   * await aidoc.audit.logAccess(12n);
   * ```
   */
  logAccess(recordId: bigint | number): Promise<{ txHash: Hash }>;
  /**
   * Every event that concerns a record, oldest first: registered, granted, requested, approved, read, revoked, rotated…
   *
   * @example
   * ```ts
   * for (const e of await aidoc.audit.history(12n)) console.log(e.type, e.actor);
   * ```
   */
  history(recordId: bigint | number): Promise<RecordHistoryEvent[]>;
}

const idSchema = z.union([z.bigint().positive(), z.number().int().positive()]).transform((v) => BigInt(v));

type ScopeArg = { kind: number; recordIds: readonly bigint[]; category: string };

/** Builds the audit API. Internal: use `createAidoc(...).audit`. */
export function createAuditApi(ctx: AidocContext): AuditApi {
  return {
    async logAccess(id) {
      const parsed = idSchema.safeParse(id);
      if (!parsed.success)
        throw new AidocError('INVALID_INPUT', 'Invalid record id.', { details: parsed.error.message });
      const sent = await sendContractTransaction(ctx, 'Logging the access', {
        address: ctx.contracts.LifeBank,
        abi: lifeBankAbi,
        functionName: 'logAccess',
        args: [parsed.data],
      });
      return { txHash: sent.hash };
    },

    async history(id) {
      const parsed = idSchema.safeParse(id);
      if (!parsed.success)
        throw new AidocError('INVALID_INPUT', 'Invalid record id.', { details: parsed.error.message });
      const record = await fetchRecordInfo(ctx, parsed.data);
      const covers = (scope: ScopeArg) =>
        scope.kind === 2 ? scope.category === record.category : scope.recordIds.includes(record.recordId);
      try {
        const base = { address: ctx.contracts.LifeBank, abi: lifeBankAbi, fromBlock: ctx.fromBlock } as const;
        const [
          registered,
          updated,
          deactivated,
          accessed,
          granted,
          revoked,
          requested,
          approved,
          denied,
          withdrawn,
        ] = await Promise.all([
          ctx.publicClient.getContractEvents({
            ...base,
            eventName: 'RecordRegistered',
            args: { recordId: record.recordId },
          }),
          ctx.publicClient.getContractEvents({
            ...base,
            eventName: 'RecordUpdated',
            args: { recordId: record.recordId },
          }),
          ctx.publicClient.getContractEvents({
            ...base,
            eventName: 'RecordDeactivated',
            args: { recordId: record.recordId },
          }),
          ctx.publicClient.getContractEvents({
            ...base,
            eventName: 'RecordAccessed',
            args: { recordId: record.recordId },
          }),
          ctx.publicClient.getContractEvents({
            ...base,
            eventName: 'GrantCreated',
            args: { owner: record.owner },
          }),
          ctx.publicClient.getContractEvents({
            ...base,
            eventName: 'GrantRevoked',
            args: { owner: record.owner },
          }),
          ctx.publicClient.getContractEvents({
            ...base,
            eventName: 'AccessRequested',
            args: { owner: record.owner },
          }),
          ctx.publicClient.getContractEvents({ ...base, eventName: 'AccessRequestApproved' }),
          ctx.publicClient.getContractEvents({ ...base, eventName: 'AccessRequestDenied' }),
          ctx.publicClient.getContractEvents({ ...base, eventName: 'AccessRequestWithdrawn' }),
        ]);
        type Partial = Omit<RecordHistoryEvent, 'timestamp' | 'blockNumber' | 'logIndex' | 'txHash'> & {
          log: { blockNumber: bigint | null; logIndex: number | null; transactionHash: Hash | null };
        };
        const out: Partial[] = [];
        for (const e of registered) out.push({ type: 'registered', actor: e.args.owner as Address, log: e });
        for (const e of updated)
          out.push({ type: 'rotated', actor: record.owner, version: Number(e.args.version), log: e });
        for (const e of deactivated) out.push({ type: 'deactivated', actor: record.owner, log: e });
        for (const e of accessed) out.push({ type: 'read', actor: e.args.grantee as Address, log: e });
        const grantIds = new Set<bigint>();
        for (const e of granted) {
          if (!covers(e.args.scope as ScopeArg)) continue;
          grantIds.add(e.args.grantId as bigint);
          out.push({
            type: 'granted',
            actor: record.owner,
            counterparty: e.args.grantee as Address,
            grantId: e.args.grantId as bigint,
            purpose: e.args.purpose as string,
            log: e,
          });
        }
        for (const e of revoked) {
          if (!grantIds.has(e.args.grantId as bigint)) continue;
          out.push({
            type: 'revoked',
            actor: record.owner,
            counterparty: e.args.grantee as Address,
            grantId: e.args.grantId as bigint,
            log: e,
          });
        }
        const requests = new Map<bigint, Address>();
        for (const e of requested) {
          if (!covers(e.args.scope as ScopeArg)) continue;
          requests.set(e.args.requestId as bigint, e.args.requester as Address);
          out.push({
            type: 'requested',
            actor: e.args.requester as Address,
            counterparty: record.owner,
            requestId: e.args.requestId as bigint,
            purpose: e.args.purpose as string,
            log: e,
          });
        }
        for (const [list, type] of [
          [approved, 'approved'],
          [denied, 'denied'],
          [withdrawn, 'withdrawn'],
        ] as const) {
          for (const e of list) {
            const requestId = e.args.requestId as bigint;
            const requester = requests.get(requestId);
            if (!requester) continue;
            out.push({
              type,
              actor: type === 'withdrawn' ? requester : record.owner,
              counterparty: requester,
              requestId,
              ...('grantId' in e.args ? { grantId: e.args.grantId as bigint } : {}),
              log: e,
            });
          }
        }
        out.sort((a, b) =>
          a.log.blockNumber === b.log.blockNumber
            ? (a.log.logIndex ?? 0) - (b.log.logIndex ?? 0)
            : (a.log.blockNumber ?? 0n) < (b.log.blockNumber ?? 0n)
              ? -1
              : 1,
        );
        const times = new Map<bigint, Date>();
        for (const n of new Set(out.map((e) => e.log.blockNumber ?? 0n))) {
          const block = await ctx.publicClient.getBlock({ blockNumber: n });
          times.set(n, new Date(Number(block.timestamp) * 1000));
        }
        return out.map(({ log, ...rest }) => ({
          ...rest,
          blockNumber: log.blockNumber ?? 0n,
          logIndex: log.logIndex ?? 0,
          txHash: log.transactionHash as Hash,
          timestamp: times.get(log.blockNumber ?? 0n) as Date,
        }));
      } catch (error) {
        throw contractErrorToAidocError(error, `Reading the history of record ${record.recordId}`);
      }
    },
  };
}
