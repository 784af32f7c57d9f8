import { keyRegistryAbi } from '@aidoc/contracts';
import type { Address, Hex } from 'viem';
import type { AidocContext } from './AidocContext';
import { contractErrorToAidocError } from './contractErrorToAidocError';

/** An account's encryption key as registered in KeyRegistry. */
export interface RegisteredKey {
  account: Address;
  publicKey: Hex;
  version: number;
  updatedAt: Date;
}

/** Reads an account's registered encryption key, or undefined when it has none. Internal. */
export async function fetchRegisteredKey(
  ctx: AidocContext,
  account: Address,
): Promise<RegisteredKey | undefined> {
  try {
    const k = await ctx.publicClient.readContract({
      address: ctx.contracts.KeyRegistry,
      abi: keyRegistryAbi,
      functionName: 'keyOf',
      args: [account],
    });
    if (k.version === 0n) return undefined;
    return {
      account,
      publicKey: k.publicKey,
      version: Number(k.version),
      updatedAt: new Date(Number(k.updatedAt) * 1000),
    };
  } catch (error) {
    throw contractErrorToAidocError(error, `Reading the encryption key of ${account}`);
  }
}
