import { randomBytes } from 'node:crypto';
import { lifeBankAbi } from '@aidoc/contracts';
import { type Address, type Hash, type Hex, isAddress, isAddressEqual, parseEventLogs } from 'viem';
import { z } from 'zod';
import type { AidocContext } from '../client/AidocContext';
import { contractErrorToAidocError } from '../client/contractErrorToAidocError';
import { requireEncryptionKey, requireSigner } from '../client/requireSigner';
import {
  PLACEHOLDER_CID,
  sendContractTransaction,
  simulateContractCall,
} from '../client/sendContractTransaction';
import { canonicalJsonBytes } from '../crypto/canonicalJson';
import { decryptEnvelope, encryptEnvelope, parseEnvelopeHeader, sha256Hex } from '../crypto/envelope';
import { AidocError } from '../errors';
import type { FhirResource } from '../fhir/fhirResourceSchema';
import { fhirCategoryOf, validateFhirResource } from '../fhir/validateFhirResource';
import { fetchKeyBundle } from '../grants/keyBundle';
import { fetchRecordInfo, type RecordInfo } from './RecordInfo';
import {
  grantWrapAad,
  type KeyMaterial,
  OWNER_WRAP_AAD,
  ownerKeyMaterial,
  unwrapKeyMaterial,
  wrapKeyMaterial,
} from './recordKeys';

/** What to upload: a FHIR resource, or an opaque file with its media type and category. */
export type RecordInput =
  | { resource: unknown; category?: string }
  | { data: Uint8Array; mediaType: string; category: string };

/** Options for {@link RecordsApi.upload}. */
export interface UploadOptions {
  /** Bytes sent to IPFS so far (large files). */
  onProgress?: (bytes: number, total: number) => void;
  /**
   * Re-issue live category grants of this category so their grantees get the new record's key
   * (one transaction per grantee). Default true.
   */
  shareWithCategoryGrantees?: boolean;
}

/** Milliseconds spent per stage (so a benchmark or a progress view can show the slowest one). */
export interface StageTimings {
  /** Validation, canonical JSON, hashing, key wrapping, encryption or decryption. */
  cryptoMs: number;
  /** IPFS add or cat. */
  contentMs: number;
  /** JSON-RPC calls and waiting for receipts (including re-issued category grants on upload). */
  chainMs: number;
}

/** The result of an upload. */
export interface UploadResult {
  timings: StageTimings;
  recordId: bigint;
  cid: string;
  contentHash: Hex;
  category: string;
  schema: string;
  txHash: Hash;
  /** Life-mining reward minted to the owner, in AID wei. */
  reward: bigint;
  /** Category grants re-issued so their grantees can read the new record. */
  regranted: { previousGrantId: bigint; grantId: bigint; grantee: Address }[];
}

/** Filters for {@link RecordsApi.list}. */
export interface ListRecordsOptions {
  /** Whose records; default the client's account. */
  owner?: Address;
  category?: string;
  /** Only records created at or after this time. */
  since?: Date;
  /** Only records created before this time. */
  until?: Date;
  /** Include deactivated records. Default false. */
  includeInactive?: boolean;
}

/** The result of a read. */
export interface ReadResult {
  record: RecordInfo;
  /** The plaintext bytes (canonical JSON for FHIR resources). */
  data: Uint8Array;
  /** The parsed, validated FHIR resource (FHIR records only). */
  resource?: FhirResource;
  /** `owner`, or the id of the grant that released the key. */
  via: 'owner' | bigint;
  /** Hash of the access-log transaction, when `logAccess` was set. */
  accessLogTx?: Hash;
  timings: StageTimings;
}

/** Records: encrypted upload, listing and verified reads. */
export interface RecordsApi {
  /**
   * Encrypts and uploads a record: FHIR validation, canonical JSON, fresh data key, AES-256-GCM envelope,
   * IPFS, then `LifeBank.registerRecord`. If registration fails the content is unpinned: no half state.
   *
   * @example
   * ```ts
   * const { recordId, cid } = await aidoc.records.upload({ resource: observation });
   * ```
   */
  upload(input: RecordInput, options?: UploadOptions): Promise<UploadResult>;
  /**
   * Lists records by owner, optionally by category and creation time.
   *
   * @example
   * ```ts
   * const vitals = await aidoc.records.list({ category: 'vital-signs', since: new Date('2024-05-01') });
   * ```
   */
  list(options?: ListRecordsOptions): Promise<RecordInfo[]>;
  /**
   * Reads a record's on-chain entry.
   *
   * @example
   * ```ts
   * const { owner, category, version } = await aidoc.records.get(12n);
   * ```
   */
  get(recordId: bigint | number): Promise<RecordInfo>;
  /**
   * Reads and decrypts a record the account owns or holds a live grant for; checks the content hash and the
   * plaintext hash. Throws ACCESS_DENIED without a grant and DECRYPTION_FAILED for tampered content.
   *
   * @example
   * ```ts
   * const { resource } = await aidoc.records.read(12n, { logAccess: true });
   * ```
   */
  read(recordId: bigint | number, options?: { logAccess?: boolean }): Promise<ReadResult>;
  /**
   * Deactivates one of your records: no grant gives access to it any more and it leaves `list` (unless
   * `includeInactive`). Its content is unpinned here; copies others made are out of reach.
   *
   * @example
   * ```ts
   * await aidoc.records.deactivate(12n);
   * ```
   */
  deactivate(recordId: bigint | number): Promise<{ txHash: Hash }>;
}

/** Hook called after a record is registered (the client wires category-grant re-issuing here). Internal. */
export type AfterUpload = (record: RecordInfo) => Promise<UploadResult['regranted']>;

const recordId = z.union([z.bigint().positive(), z.number().int().positive()]).transform((v) => BigInt(v));
const categorySchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'a category such as vital-signs or genome');
const inputSchema = z.union([
  z.object({ resource: z.unknown(), category: categorySchema.optional() }).strict(),
  z
    .object({
      data: z.instanceof(Uint8Array),
      mediaType: z.string().regex(/^[\w.+-]+\/[\w.+-]+$/, 'a media type such as application/pdf'),
      category: categorySchema,
    })
    .strict(),
]);

function invalid(what: string, error: z.ZodError): AidocError {
  return new AidocError('INVALID_INPUT', `Invalid ${what}.`, {
    details: error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '),
  });
}

/** Builds the records API over a client context. Internal: use `createAidoc(...).records`. */
export function createRecordsApi(ctx: AidocContext, afterUpload?: AfterUpload): RecordsApi {
  async function get(id: bigint | number): Promise<RecordInfo> {
    const parsed = recordId.safeParse(id);
    if (!parsed.success) throw invalid('record id', parsed.error);
    return fetchRecordInfo(ctx, parsed.data);
  }

  async function keyMaterialFor(me: Address, record: RecordInfo, envelope: Uint8Array) {
    const keys = requireEncryptionKey(ctx, 'Reading a record');
    const parsed = parseEnvelopeHeader(envelope);
    if (isAddressEqual(record.owner, me))
      return { material: ownerKeyMaterial(keys, parsed), via: 'owner' as const };
    const grantId = await ctx.publicClient.readContract({
      address: ctx.contracts.LifeBank,
      abi: lifeBankAbi,
      functionName: 'accessGrantOf',
      args: [me, record.recordId],
    });
    if (grantId === 0n) throw denied(record.recordId, me);
    const grant = await ctx.publicClient.readContract({
      address: ctx.contracts.LifeBank,
      abi: lifeBankAbi,
      functionName: 'getGrant',
      args: [grantId],
    });
    const bundle = await fetchKeyBundle(ctx, grant.keyBundleCid);
    if (!isAddressEqual(bundle.grantee, me) || bundle.chainId !== ctx.chainId) {
      throw new AidocError('DECRYPTION_FAILED', `Grant ${grantId}'s key bundle is not addressed to ${me}.`);
    }
    const entry = bundle.keys.find(
      (k) =>
        k.recordId === record.recordId.toString() &&
        k.contentHash.toLowerCase() === record.contentHash.toLowerCase(),
    );
    if (!entry) {
      throw new AidocError(
        'ACCESS_DENIED',
        `Grant ${grantId} holds no key for the current version of record ${record.recordId}.`,
        {
          details:
            'The record was registered or rotated after the grant was issued; the owner must re-issue it (client.grants.refresh).',
          data: { recordId: record.recordId.toString(), grantId: grantId.toString() },
        },
      );
    }
    const material: KeyMaterial = unwrapKeyMaterial(
      keys,
      Buffer.from(entry.wrappedKey, 'base64'),
      grantWrapAad(ctx, record.recordId, record.contentHash),
    );
    return { material, via: grantId };
  }

  return {
    get,

    async upload(input, options = {}) {
      const parsed = inputSchema.safeParse(input);
      if (!parsed.success) throw invalid('record input', parsed.error);
      requireSigner(ctx, 'Uploading a record');
      const keys = requireEncryptionKey(ctx, 'Uploading a record');
      const t0 = performance.now();
      let plaintext: Uint8Array;
      let schema: string;
      let category: string;
      if ('resource' in parsed.data) {
        const resource = validateFhirResource(parsed.data.resource);
        plaintext = canonicalJsonBytes(resource);
        schema = `fhir+json;${resource.resourceType}`;
        category = parsed.data.category ?? fhirCategoryOf(resource);
        if (!categorySchema.safeParse(category).success) {
          throw new AidocError(
            'INVALID_INPUT',
            `The resource's category "${category}" cannot be used; pass \`category\`.`,
          );
        }
      } else {
        plaintext = parsed.data.data;
        schema = parsed.data.mediaType;
        category = parsed.data.category;
      }
      const plaintextHash = sha256Hex(plaintext);
      const dataKey = new Uint8Array(randomBytes(32));
      const wrapped = wrapKeyMaterial(keys.publicKey, { dataKey, plaintextHash }, OWNER_WRAP_AAD);
      const envelope = encryptEnvelope(plaintext, dataKey, {
        schema,
        owner: { publicKey: keys.publicKey, wrappedKey: Buffer.from(wrapped).toString('base64') },
      });
      dataKey.fill(0);
      const contentHash = sha256Hex(envelope);
      const t1 = performance.now();
      // refusals (duplicate content, paused bank…) surface here, before anything is stored
      await simulateContractCall(ctx, 'Registering the record', {
        address: ctx.contracts.LifeBank,
        abi: lifeBankAbi,
        functionName: 'registerRecord',
        args: [PLACEHOLDER_CID, contentHash, category, schema],
      });
      const t1b = performance.now();
      const { cid } = await ctx.content.add(envelope, {
        pin: true,
        ...(options.onProgress
          ? { onProgress: (n: number) => options.onProgress?.(n, envelope.length) }
          : {}),
      });
      const t2 = performance.now();
      let sent: Awaited<ReturnType<typeof sendContractTransaction>>;
      try {
        sent = await sendContractTransaction(ctx, 'Registering the record', {
          address: ctx.contracts.LifeBank,
          abi: lifeBankAbi,
          functionName: 'registerRecord',
          args: [cid, contentHash, category, schema],
        });
      } catch (error) {
        // no on-chain record: do not keep its content either
        await ctx.content.unpin(cid).catch(() => undefined);
        throw error;
      }
      const logs = parseEventLogs({ abi: lifeBankAbi, logs: sent.receipt.logs });
      const registered = logs.find((l) => l.eventName === 'RecordRegistered');
      const rewarded = logs.find((l) => l.eventName === 'RecordRewarded');
      if (registered?.eventName !== 'RecordRegistered') {
        throw new AidocError('INTERNAL', 'The registration receipt has no RecordRegistered event.');
      }
      const id = registered.args.recordId;
      let regranted: UploadResult['regranted'] = [];
      if (afterUpload && options.shareWithCategoryGrantees !== false) {
        regranted = await afterUpload(await fetchRecordInfo(ctx, id));
      }
      return {
        recordId: id,
        cid,
        contentHash,
        category,
        schema,
        txHash: sent.hash,
        reward: rewarded?.eventName === 'RecordRewarded' ? rewarded.args.amount : 0n,
        regranted,
        timings: { cryptoMs: t1 - t0, contentMs: t2 - t1b, chainMs: t1b - t1 + (performance.now() - t2) },
      };
    },

    async list(options = {}) {
      const parsed = z
        .object({
          owner: z
            .string()
            .refine((a) => isAddress(a), 'an address')
            .optional(),
          category: categorySchema.optional(),
          since: z.date().optional(),
          until: z.date().optional(),
          includeInactive: z.boolean().optional(),
        })
        .strict()
        .safeParse(options);
      if (!parsed.success) throw invalid('list options', parsed.error);
      const owner =
        (parsed.data.owner as Address | undefined) ?? requireSigner(ctx, 'Listing own records').address;
      let ids: bigint[];
      try {
        const events = await ctx.publicClient.getContractEvents({
          address: ctx.contracts.LifeBank,
          abi: lifeBankAbi,
          eventName: 'RecordRegistered',
          args: { owner },
          fromBlock: ctx.fromBlock,
        });
        ids = events.map((e) => e.args.recordId as bigint);
      } catch (error) {
        throw contractErrorToAidocError(error, 'Listing records');
      }
      const records = await Promise.all(ids.map((i) => fetchRecordInfo(ctx, i)));
      return records.filter(
        (r) =>
          (parsed.data.includeInactive || r.active) &&
          (!parsed.data.category || r.category === parsed.data.category) &&
          (!parsed.data.since || r.createdAt >= parsed.data.since) &&
          (!parsed.data.until || r.createdAt < parsed.data.until),
      );
    },

    async deactivate(id) {
      const record = await get(id);
      const sent = await sendContractTransaction(ctx, `Deactivating record ${record.recordId}`, {
        address: ctx.contracts.LifeBank,
        abi: lifeBankAbi,
        functionName: 'deactivateRecord',
        args: [record.recordId],
      });
      await ctx.content.unpin(record.cid).catch(() => undefined);
      return { txHash: sent.hash };
    },

    async read(id, options = {}) {
      const record = await get(id);
      const opts = z.object({ logAccess: z.boolean().optional() }).strict().safeParse(options);
      if (!opts.success) throw invalid('read options', opts.error);
      const { address: me } = requireSigner(ctx, 'Reading a record');
      let chainMs = 0;
      let t = performance.now();
      const allowed = await ctx.publicClient.readContract({
        address: ctx.contracts.LifeBank,
        abi: lifeBankAbi,
        functionName: 'hasAccess',
        args: [me, record.recordId],
      });
      if (!allowed) throw denied(record.recordId, me);
      chainMs += performance.now() - t;
      t = performance.now();
      const envelope = await ctx.content.catBytes(record.cid);
      const contentMs = performance.now() - t;
      t = performance.now();
      if (sha256Hex(envelope).toLowerCase() !== record.contentHash.toLowerCase()) {
        throw new AidocError(
          'DECRYPTION_FAILED',
          `The content at ${record.cid} does not match record ${record.recordId}'s registered hash.`,
          {
            details: 'The stored content was replaced or corrupted; nothing was decrypted.',
            data: { reason: 'content-hash-mismatch', recordId: record.recordId.toString() },
          },
        );
      }
      let cryptoMs = performance.now() - t;
      t = performance.now();
      const { material, via } = await keyMaterialFor(me, record, envelope);
      // key lookup is chain reads plus (for grantees) one small IPFS read; count it as chain time
      chainMs += performance.now() - t;
      t = performance.now();
      const data = decryptEnvelope(envelope, material.dataKey);
      material.dataKey.fill(0);
      if (sha256Hex(data).toLowerCase() !== material.plaintextHash.toLowerCase()) {
        throw new AidocError('DECRYPTION_FAILED', 'The decrypted record does not match its plaintext hash.', {
          data: { reason: 'plaintext-hash-mismatch' },
        });
      }
      let resource: FhirResource | undefined;
      if (record.schema.startsWith('fhir+json'))
        resource = validateFhirResource(JSON.parse(new TextDecoder().decode(data)));
      cryptoMs += performance.now() - t;
      t = performance.now();
      let accessLogTx: Hash | undefined;
      if (opts.data.logAccess) {
        const sent = await sendContractTransaction(ctx, 'Logging the access', {
          address: ctx.contracts.LifeBank,
          abi: lifeBankAbi,
          functionName: 'logAccess',
          args: [record.recordId],
        });
        accessLogTx = sent.hash;
      }
      return {
        record,
        data,
        ...(resource ? { resource } : {}),
        via,
        ...(accessLogTx ? { accessLogTx } : {}),
        timings: { cryptoMs, contentMs, chainMs: chainMs + (performance.now() - t) },
      };
    },
  };
}

function denied(recordId: bigint, reader: Address): AidocError {
  return new AidocError('ACCESS_DENIED', `${reader} may not read record ${recordId}.`, {
    details:
      'There is no live grant for this account (none, expired or revoked), or the record was deactivated. Ask the owner for access (client.access.request).',
    data: { recordId: recordId.toString(), reader },
  });
}
