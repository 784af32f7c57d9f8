import type { Hash, TransactionReceipt } from 'viem';
import type { AidocContext } from './AidocContext';

/**
 * The receipt of a sent transaction: asked for once at once (a chain that mines on arrival, such as the
 * devnet or Anvil, already has it), then polled at the client's interval until it is mined.
 *
 * @example
 * ```ts
 * const receipt = await awaitReceipt(ctx, hash);
 * ```
 */
export async function awaitReceipt(ctx: AidocContext, hash: Hash): Promise<TransactionReceipt> {
  try {
    return await ctx.publicClient.getTransactionReceipt({ hash });
  } catch {
    // not mined yet (or the node is slow to index it): poll
  }
  return ctx.publicClient.waitForTransactionReceipt({ hash, pollingInterval: ctx.pollingIntervalMs });
}
