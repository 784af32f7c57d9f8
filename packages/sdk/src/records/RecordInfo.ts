import { lifeBankAbi } from '@aidoc/contracts';
import type { Address, Hex } from 'viem';
import type { AidocContext } from '../client/AidocContext';
import { contractErrorToAidocError } from '../client/contractErrorToAidocError';

/** A record as registered on chain. */
export interface RecordInfo {
  recordId: bigint;
  owner: Address;
  /** CID of the encrypted envelope. */
  cid: string;
  /** SHA-256 of the envelope bytes (what the CID must resolve to). */
  contentHash: Hex;
  category: string;
  /** `fhir+json;<ResourceType>` for FHIR resources, a media type for files. */
  schema: string;
  /** 1 at upload, +1 per rotation. */
  version: number;
  active: boolean;
  createdAt: Date;
}

/** Reads a record from LifeBank; NOT_FOUND if it does not exist. Internal. */
export async function fetchRecordInfo(ctx: AidocContext, recordId: bigint): Promise<RecordInfo> {
  try {
    const r = await ctx.publicClient.readContract({
      address: ctx.contracts.LifeBank,
      abi: lifeBankAbi,
      functionName: 'getRecord',
      args: [recordId],
    });
    return {
      recordId,
      owner: r.owner,
      cid: r.cid,
      contentHash: r.contentHash,
      category: r.category,
      schema: r.schema,
      version: Number(r.version),
      active: r.active,
      createdAt: new Date(Number(r.createdAt) * 1000),
    };
  } catch (error) {
    throw contractErrorToAidocError(error, `Reading record ${recordId}`);
  }
}
