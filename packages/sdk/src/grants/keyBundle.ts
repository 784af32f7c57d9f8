import type { Address, Hex } from 'viem';
import { getAddress } from 'viem';
import { z } from 'zod';
import type { AidocContext } from '../client/AidocContext';
import { fetchRegisteredKey } from '../client/fetchRegisteredKey';
import { requireEncryptionKey } from '../client/requireSigner';
import { canonicalJsonBytes } from '../crypto/canonicalJson';
import { AidocError } from '../errors';
import type { RecordInfo } from '../records/RecordInfo';
import { fetchEnvelopeHeader, grantWrapAad, ownerKeyMaterial, wrapKeyMaterial } from '../records/recordKeys';
import type { GrantScope } from './parseGrantScope';

/** The JSON a grant's `keyBundleCid` points to: one wrapped data key per record version in scope. */
export interface KeyBundle {
  type: 'aidoc-key-bundle';
  v: 1;
  chainId: number;
  lifeBank: Address;
  owner: Address;
  grantee: Address;
  /** The grantee's registered encryption key the keys are wrapped to. */
  granteeKey: Hex;
  /** The scope in text form (SMART v2 for categories). */
  scope: string;
  keys: { recordId: string; contentHash: Hex; wrappedKey: string }[];
}

const bundleSchema = z.object({
  type: z.literal('aidoc-key-bundle'),
  v: z.literal(1),
  chainId: z.number().int(),
  lifeBank: z.string(),
  owner: z.string(),
  grantee: z.string(),
  granteeKey: z.string(),
  scope: z.string(),
  keys: z.array(
    z.object({ recordId: z.string().regex(/^\d+$/), contentHash: z.string(), wrappedKey: z.string() }),
  ),
});

/** The grantee's key or NOT_FOUND (a grant needs a registered key to wrap data keys to). Internal. */
export async function requireGranteeKey(ctx: AidocContext, grantee: Address): Promise<Hex> {
  const key = await fetchRegisteredKey(ctx, grantee);
  if (!key) {
    throw new AidocError('NOT_FOUND', `${grantee} has no registered encryption key.`, {
      details: 'The grantee must register one first (client.keys.register() / `aidoc keys register`).',
      data: { grantee },
    });
  }
  return key.publicKey;
}

/**
 * Wraps the data key of every record in `records` for `granteeKey`, stores the bundle on IPFS (pinned) and
 * returns its CID. Internal.
 */
export async function storeKeyBundle(
  ctx: AidocContext,
  args: { owner: Address; grantee: Address; granteeKey: Hex; scope: GrantScope; records: RecordInfo[] },
): Promise<string> {
  const keys = requireEncryptionKey(ctx, 'Granting access');
  const entries: KeyBundle['keys'] = [];
  for (const record of args.records) {
    const material = ownerKeyMaterial(keys, await fetchEnvelopeHeader(ctx, record.cid));
    const wrapped = wrapKeyMaterial(
      args.granteeKey,
      material,
      grantWrapAad(ctx, record.recordId, record.contentHash),
    );
    material.dataKey.fill(0);
    entries.push({
      recordId: record.recordId.toString(),
      contentHash: record.contentHash,
      wrappedKey: Buffer.from(wrapped).toString('base64'),
    });
  }
  const bundle: KeyBundle = {
    type: 'aidoc-key-bundle',
    v: 1,
    chainId: ctx.chainId,
    lifeBank: ctx.contracts.LifeBank,
    owner: args.owner,
    grantee: args.grantee,
    granteeKey: args.granteeKey,
    scope: args.scope.text,
    keys: entries,
  };
  const { cid } = await ctx.content.add(canonicalJsonBytes(bundle), { pin: true });
  return cid;
}

/** Fetches and validates a key bundle. Internal. */
export async function fetchKeyBundle(ctx: AidocContext, cid: string): Promise<KeyBundle> {
  const bytes = await ctx.content.catBytes(cid);
  try {
    const parsed = bundleSchema.parse(JSON.parse(new TextDecoder().decode(bytes)));
    return {
      ...parsed,
      lifeBank: getAddress(parsed.lifeBank),
      owner: getAddress(parsed.owner),
      grantee: getAddress(parsed.grantee),
      granteeKey: parsed.granteeKey as Hex,
      keys: parsed.keys.map((k) => ({ ...k, contentHash: k.contentHash as Hex })),
    };
  } catch (cause) {
    throw new AidocError('DECRYPTION_FAILED', `The key bundle ${cid} is malformed.`, { cause });
  }
}
