import { randomBytes } from 'node:crypto';
import { lifeBankAbi } from '@aidoc/contracts';
import {
  type Address,
  getAddress,
  type Hash,
  type Hex,
  isAddress,
  isAddressEqual,
  parseEventLogs,
} from 'viem';
import { z } from 'zod';
import type { AidocContext } from '../client/AidocContext';
import { contractErrorToAidocError } from '../client/contractErrorToAidocError';
import { requireEncryptionKey, requireSigner } from '../client/requireSigner';
import {
  PLACEHOLDER_CID,
  sendContractTransaction,
  simulateContractCall,
} from '../client/sendContractTransaction';
import { decryptEnvelope, encryptEnvelope, parseEnvelopeHeader, sha256Hex } from '../crypto/envelope';
import { AidocError } from '../errors';
import { fetchRecordInfo, type RecordInfo } from '../records/RecordInfo';
import { OWNER_WRAP_AAD, ownerKeyMaterial, wrapKeyMaterial } from '../records/recordKeys';
import { fetchKeyBundle, requireGranteeKey, storeKeyBundle } from './keyBundle';
import {
  fromChainScope,
  type GrantScope,
  type GrantScopeInput,
  parseGrantScope,
  toChainScope,
} from './parseGrantScope';

/** A grant as the chain records it, with its computed status. */
export interface GrantInfo {
  grantId: bigint;
  owner: Address;
  grantee: Address;
  scope: GrantScope;
  purpose: string;
  expiresAt: Date;
  revoked: boolean;
  keyBundleCid: string;
  /** `active`; `expired`; `revoked`; or `superseded` by a later grant with the same scope to the same grantee. */
  status: 'active' | 'expired' | 'revoked' | 'superseded';
}

/** Input of {@link GrantsApi.create}. */
export interface CreateGrantInput {
  grantee: Address;
  scope: GrantScopeInput;
  /** Why access is given (free text or a purpose code such as `TREAT`). */
  purpose: string;
  /** When the grant ends: a Date, or seconds from now with `expiresIn`. */
  expiresAt?: Date;
  /** Seconds from the latest block's time. */
  expiresIn?: number;
}

/** The result of creating (or re-issuing) a grant. */
export interface GrantResult {
  grantId: bigint;
  keyBundleCid: string;
  txHash: Hash;
  /** Records whose keys the bundle holds. */
  recordIds: bigint[];
}

/** The result of a key rotation. */
export interface RotateResult {
  recordId: bigint;
  cid: string;
  contentHash: Hex;
  version: number;
  txHash: Hash;
  /** Live grants re-issued with the new key (revoked and expired ones are not). */
  regranted: { previousGrantId: bigint; grantId: bigint; grantee: Address }[];
}

/** Grants: give, revoke, rotate, list. */
export interface GrantsApi {
  /**
   * Grants `grantee` read access to a record, a set of records or a category, with purpose and expiry.
   *
   * @example
   * ```ts
   * await aidoc.grants.create({ grantee, scope: 'patient/Observation.rs?category=vital-signs', purpose: 'TREAT', expiresIn: 86_400 });
   * ```
   */
  create(input: CreateGrantInput): Promise<GrantResult>;
  /**
   * Revokes a grant: the chain stops answering "yes" for it at once, so no new key is released. A party
   * that already read (or kept the key of) a record keeps what it read; rotate to protect future versions.
   *
   * @example
   * ```ts
   * await aidoc.grants.revoke(3n);
   * ```
   */
  revoke(grantId: bigint | number): Promise<{ txHash: Hash }>;
  /**
   * Re-encrypts a record under a new data key, updates it on chain and re-wraps it for remaining grantees.
   *
   * @example
   * ```ts
   * const { version, regranted } = await aidoc.grants.rotate(12n);
   * ```
   */
  rotate(recordId: bigint | number): Promise<RotateResult>;
  /**
   * Re-issues a live grant with a fresh key bundle covering the scope's current records.
   *
   * @example
   * ```ts
   * const { grantId } = await aidoc.grants.refresh(3n);
   * ```
   */
  refresh(grantId: bigint | number): Promise<GrantResult>;
  /**
   * Reads one grant.
   *
   * @example
   * ```ts
   * const { status, expiresAt } = await aidoc.grants.get(3n);
   * ```
   */
  get(grantId: bigint | number): Promise<GrantInfo>;
  /**
   * Grants given by (`given`) or received by (`received`) an account (default: the client's account).
   *
   * @example
   * ```ts
   * const received = await aidoc.grants.list({ direction: 'received' });
   * ```
   */
  list(options?: {
    direction?: 'given' | 'received';
    account?: Address;
    includeInactive?: boolean;
  }): Promise<GrantInfo[]>;
}

const idSchema = z.union([z.bigint().positive(), z.number().int().positive()]).transform((v) => BigInt(v));
const addressSchema = z.string().refine((a) => isAddress(a), 'an address');

function invalid(what: string, error: z.ZodError): AidocError {
  return new AidocError('INVALID_INPUT', `Invalid ${what}.`, {
    details: error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '),
  });
}

/** Internal pieces shared with the access-request API. */
export interface GrantInternals {
  recordsInScope(owner: Address, scope: GrantScope): Promise<RecordInfo[]>;
  latestTimestamp(): Promise<bigint>;
  /** Re-issues category grants of `record.category` so their grantees get its key. */
  shareNewRecord(record: RecordInfo): Promise<RotateResult['regranted']>;
}

/** Builds the grants API over a client context. Internal: use `createAidoc(...).grants`. */
export function createGrantsApi(ctx: AidocContext): GrantsApi & { internals: GrantInternals } {
  async function latestTimestamp(): Promise<bigint> {
    const block = await ctx.publicClient.getBlock({ blockTag: 'latest' });
    return block.timestamp;
  }

  async function listOwnRecords(owner: Address): Promise<RecordInfo[]> {
    const events = await ctx.publicClient.getContractEvents({
      address: ctx.contracts.LifeBank,
      abi: lifeBankAbi,
      eventName: 'RecordRegistered',
      args: { owner },
      fromBlock: ctx.fromBlock,
    });
    return Promise.all(events.map((e) => fetchRecordInfo(ctx, e.args.recordId as bigint)));
  }

  async function recordsInScope(owner: Address, scope: GrantScope): Promise<RecordInfo[]> {
    if (scope.kind === 'category') {
      const all = await listOwnRecords(owner);
      return all.filter(
        (r) =>
          r.active &&
          r.category === scope.category &&
          (!scope.resourceType || r.schema === `fhir+json;${scope.resourceType}`),
      );
    }
    const records = await Promise.all(scope.recordIds.map((i) => fetchRecordInfo(ctx, i)));
    for (const r of records) {
      if (!isAddressEqual(r.owner, owner)) {
        throw new AidocError('UNAUTHORIZED', `Record ${r.recordId} is not owned by ${owner}.`);
      }
      if (!r.active) throw new AidocError('INVALID_INPUT', `Record ${r.recordId} is deactivated.`);
    }
    return records;
  }

  async function issue(
    grantee: Address,
    scope: GrantScope,
    purpose: string,
    expiry: bigint,
  ): Promise<GrantResult> {
    const { address: owner } = requireSigner(ctx, 'Granting access');
    requireEncryptionKey(ctx, 'Granting access');
    const granteeKey = await requireGranteeKey(ctx, grantee);
    const records = await recordsInScope(owner, scope);
    const request = {
      address: ctx.contracts.LifeBank,
      abi: lifeBankAbi,
      functionName: 'grant',
    } as const;
    await simulateContractCall(ctx, 'Granting access', {
      ...request,
      args: [grantee, toChainScope(scope), purpose, expiry, PLACEHOLDER_CID],
    });
    const keyBundleCid = await storeKeyBundle(ctx, { owner, grantee, granteeKey, scope, records });
    let sent: Awaited<ReturnType<typeof sendContractTransaction>>;
    try {
      sent = await sendContractTransaction(ctx, 'Granting access', {
        address: ctx.contracts.LifeBank,
        abi: lifeBankAbi,
        functionName: 'grant',
        args: [grantee, toChainScope(scope), purpose, expiry, keyBundleCid],
      });
    } catch (error) {
      await ctx.content.unpin(keyBundleCid).catch(() => undefined);
      throw error;
    }
    const created = parseEventLogs({
      abi: lifeBankAbi,
      logs: sent.receipt.logs,
      eventName: 'GrantCreated',
    })[0];
    if (!created) throw new AidocError('INTERNAL', 'The grant receipt has no GrantCreated event.');
    return {
      grantId: created.args.grantId,
      keyBundleCid,
      txHash: sent.hash,
      recordIds: records.map((r) => r.recordId),
    };
  }

  async function get(id: bigint | number): Promise<GrantInfo> {
    const parsed = idSchema.safeParse(id);
    if (!parsed.success) throw invalid('grant id', parsed.error);
    return (await fetchGrants([parsed.data], await latestTimestamp()))[0] as GrantInfo;
  }

  async function fetchGrants(ids: bigint[], now: bigint): Promise<GrantInfo[]> {
    const grants = await Promise.all(
      ids.map(async (grantId) => {
        try {
          const g = await ctx.publicClient.readContract({
            address: ctx.contracts.LifeBank,
            abi: lifeBankAbi,
            functionName: 'getGrant',
            args: [grantId],
          });
          let text: string | undefined;
          try {
            text = (await fetchKeyBundle(ctx, g.keyBundleCid)).scope;
          } catch {
            text = undefined;
          }
          return { grantId, g, scope: fromChainScope(g.scope, text) };
        } catch (error) {
          throw contractErrorToAidocError(error, `Reading grant ${grantId}`);
        }
      }),
    );
    return grants.map(({ grantId, g, scope }) => {
      const later = grants.some(
        (o) =>
          o.grantId > grantId &&
          isAddressEqual(o.g.owner, g.owner) &&
          isAddressEqual(o.g.grantee, g.grantee) &&
          o.scope.kind === scope.kind &&
          o.scope.category === scope.category &&
          o.scope.recordIds.join(',') === scope.recordIds.join(','),
      );
      const status: GrantInfo['status'] = g.revoked
        ? 'revoked'
        : BigInt(g.expiry) <= now
          ? 'expired'
          : later
            ? 'superseded'
            : 'active';
      return {
        grantId,
        owner: g.owner,
        grantee: g.grantee,
        scope,
        purpose: g.purpose,
        expiresAt: new Date(Number(g.expiry) * 1000),
        revoked: g.revoked,
        keyBundleCid: g.keyBundleCid,
        status,
      };
    });
  }

  async function list(
    options: { direction?: 'given' | 'received'; account?: Address; includeInactive?: boolean } = {},
  ) {
    const parsed = z
      .object({
        direction: z.enum(['given', 'received']).optional(),
        account: addressSchema.optional(),
        includeInactive: z.boolean().optional(),
      })
      .strict()
      .safeParse(options);
    if (!parsed.success) throw invalid('list options', parsed.error);
    const account =
      (parsed.data.account as Address | undefined) ?? requireSigner(ctx, 'Listing grants').address;
    const direction = parsed.data.direction ?? 'given';
    const events = await ctx.publicClient.getContractEvents({
      address: ctx.contracts.LifeBank,
      abi: lifeBankAbi,
      eventName: 'GrantCreated',
      args: direction === 'given' ? { owner: account } : { grantee: account },
      fromBlock: ctx.fromBlock,
    });
    // superseding is judged among all grants between the same pair, so fetch them all then filter
    const all = await fetchGrants(
      events.map((e) => e.args.grantId as bigint),
      await latestTimestamp(),
    );
    return parsed.data.includeInactive ? all : all.filter((g) => g.status === 'active');
  }

  async function reissue(grant: GrantInfo): Promise<GrantResult> {
    return issue(
      grant.grantee,
      grant.scope,
      grant.purpose,
      BigInt(Math.floor(grant.expiresAt.getTime() / 1000)),
    );
  }

  async function liveGrantsCovering(record: RecordInfo): Promise<GrantInfo[]> {
    const given = await list({ direction: 'given', account: record.owner });
    const live: GrantInfo[] = [];
    for (const g of given) {
      const covers =
        g.scope.kind === 'category'
          ? g.scope.category === record.category &&
            (!g.scope.resourceType || record.schema === `fhir+json;${g.scope.resourceType}`)
          : g.scope.recordIds.includes(record.recordId);
      if (!covers) continue;
      const effective = await ctx.publicClient.readContract({
        address: ctx.contracts.LifeBank,
        abi: lifeBankAbi,
        functionName: 'accessGrantOf',
        args: [g.grantee, record.recordId],
      });
      if (effective === g.grantId) live.push(g);
    }
    return live;
  }

  return {
    create: async (input) => {
      const parsed = z
        .object({
          grantee: addressSchema,
          scope: z.unknown(),
          purpose: z.string().min(1).max(256),
          expiresAt: z.date().optional(),
          expiresIn: z.number().int().positive().optional(),
        })
        .strict()
        .refine(
          (v) => (v.expiresAt === undefined) !== (v.expiresIn === undefined),
          'give exactly one of expiresAt or expiresIn',
        )
        .safeParse(input);
      if (!parsed.success) throw invalid('grant', parsed.error);
      const scope = parseGrantScope(parsed.data.scope as GrantScopeInput);
      const expiry = parsed.data.expiresAt
        ? BigInt(Math.floor(parsed.data.expiresAt.getTime() / 1000))
        : (await latestTimestamp()) + BigInt(parsed.data.expiresIn ?? 0);
      return issue(getAddress(parsed.data.grantee), scope, parsed.data.purpose, expiry);
    },

    revoke: async (id) => {
      const parsed = idSchema.safeParse(id);
      if (!parsed.success) throw invalid('grant id', parsed.error);
      const sent = await sendContractTransaction(ctx, `Revoking grant ${parsed.data}`, {
        address: ctx.contracts.LifeBank,
        abi: lifeBankAbi,
        functionName: 'revoke',
        args: [parsed.data],
      });
      // stop serving the revoked grantee's key bundle from this node (copies elsewhere are out of reach)
      const revoked = await ctx.publicClient
        .readContract({
          address: ctx.contracts.LifeBank,
          abi: lifeBankAbi,
          functionName: 'getGrant',
          args: [parsed.data],
        })
        .catch(() => undefined);
      if (revoked) await ctx.content.unpin(revoked.keyBundleCid).catch(() => undefined);
      return { txHash: sent.hash };
    },

    rotate: async (id) => {
      const parsed = idSchema.safeParse(id);
      if (!parsed.success) throw invalid('record id', parsed.error);
      const { address: me } = requireSigner(ctx, 'Rotating a record key');
      const keys = requireEncryptionKey(ctx, 'Rotating a record key');
      const record = await fetchRecordInfo(ctx, parsed.data);
      if (!isAddressEqual(record.owner, me))
        throw new AidocError('UNAUTHORIZED', `Record ${record.recordId} is not yours.`);
      const envelope = await ctx.content.catBytes(record.cid);
      if (sha256Hex(envelope).toLowerCase() !== record.contentHash.toLowerCase()) {
        throw new AidocError(
          'DECRYPTION_FAILED',
          `The content of record ${record.recordId} does not match its hash.`,
        );
      }
      const header = parseEnvelopeHeader(envelope);
      const material = ownerKeyMaterial(keys, header);
      const plaintext = decryptEnvelope(envelope, material.dataKey);
      material.dataKey.fill(0);
      const dataKey = new Uint8Array(randomBytes(32));
      const wrapped = wrapKeyMaterial(
        keys.publicKey,
        { dataKey, plaintextHash: material.plaintextHash },
        OWNER_WRAP_AAD,
      );
      const next = encryptEnvelope(plaintext, dataKey, {
        schema: header.header.schema,
        owner: { publicKey: keys.publicKey, wrappedKey: Buffer.from(wrapped).toString('base64') },
      });
      dataKey.fill(0);
      const contentHash = sha256Hex(next);
      await simulateContractCall(ctx, 'Updating the record', {
        address: ctx.contracts.LifeBank,
        abi: lifeBankAbi,
        functionName: 'updateRecord',
        args: [record.recordId, PLACEHOLDER_CID, contentHash],
      });
      const { cid } = await ctx.content.add(next, { pin: true });
      const grants = await liveGrantsCovering(record);
      let sent: Awaited<ReturnType<typeof sendContractTransaction>>;
      try {
        sent = await sendContractTransaction(ctx, 'Updating the record', {
          address: ctx.contracts.LifeBank,
          abi: lifeBankAbi,
          functionName: 'updateRecord',
          args: [record.recordId, cid, contentHash],
        });
      } catch (error) {
        await ctx.content.unpin(cid).catch(() => undefined);
        throw error;
      }
      const regranted: RotateResult['regranted'] = [];
      for (const g of grants) {
        const r = await reissue(g);
        regranted.push({ previousGrantId: g.grantId, grantId: r.grantId, grantee: g.grantee });
      }
      // the old ciphertext is no longer needed here; copies others made are out of our reach
      await ctx.content.unpin(record.cid).catch(() => undefined);
      return {
        recordId: record.recordId,
        cid,
        contentHash,
        version: record.version + 1,
        txHash: sent.hash,
        regranted,
      };
    },

    refresh: async (id) => {
      const grant = await get(id);
      const { address: me } = requireSigner(ctx, 'Refreshing a grant');
      if (!isAddressEqual(grant.owner, me))
        throw new AidocError('UNAUTHORIZED', `Grant ${grant.grantId} is not yours.`);
      if (grant.status !== 'active') {
        throw new AidocError(
          'INVALID_INPUT',
          `Grant ${grant.grantId} is ${grant.status}; only active grants can be refreshed.`,
        );
      }
      return reissue(grant);
    },

    get,
    list,

    internals: {
      recordsInScope,
      latestTimestamp,
      async shareNewRecord(record) {
        const out: RotateResult['regranted'] = [];
        for (const g of await liveGrantsCovering(record)) {
          if (g.scope.kind !== 'category') continue;
          const r = await reissue(g);
          out.push({ previousGrantId: g.grantId, grantId: r.grantId, grantee: g.grantee });
        }
        return out;
      },
    },
  };
}
