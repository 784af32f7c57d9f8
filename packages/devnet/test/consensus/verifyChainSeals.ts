import { verifyBlockSeals } from '../../../sdk/src/chain';
import type { Chain } from '../../src/chain/Chain';
import { formatHeader } from '../../src/rpc/rpcFormat';

/**
 * Check every block after genesis with the SDK's independent seal verifier against its own validator set;
 * returns each block's signers.
 *
 * @example
 * ```ts
 * const signers = await verifyChainSeals(chain);
 * ```
 */
export async function verifyChainSeals(chain: Chain): Promise<string[][]> {
  const out: string[][] = [];
  for (const b of chain.blocks.range(1n, chain.head.number)) {
    const json = formatHeader(b) as never;
    const validators = b.header.extra.validators.map((v) => `0x${Buffer.from(v).toString('hex')}`);
    out.push((await verifyBlockSeals(json, validators)).signers);
  }
  return out;
}
