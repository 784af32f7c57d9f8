import { setTimeout as sleep } from 'node:timers/promises';
import type { JsonRpcClient } from './createJsonRpcClient';

/** The receipt fields the benchmarks check. */
export interface ReceiptLike {
  transactionHash: string;
  status: string;
  blockNumber: string;
  gasUsed: string;
  contractAddress?: string | null;
  logs: unknown[];
}

/** Options of {@link waitForReceipt}. */
export interface WaitForReceiptOptions {
  /** Give up after this long. Default 120 s. */
  timeoutMs?: number;
  /** Called each time `stallMs` passes without a receipt (a target's miner-stall workaround). */
  onStall?: (() => Promise<void>) | undefined;
  /** Default 250 ms. */
  stallMs?: number;
}

/**
 * Poll `eth_getTransactionReceipt` until the transaction is mined: first at once, then with a backoff of
 * 1, 2, 4 … 16 ms (the same for every target), calling `onStall` every `stallMs` and failing after `timeoutMs`.
 *
 * @example
 * ```ts
 * const receipt = await waitForReceipt(rpc, hash);
 * if (receipt.status !== '0x1') throw new Error('reverted');
 * ```
 */
export async function waitForReceipt(
  rpc: JsonRpcClient,
  hash: string,
  options: WaitForReceiptOptions = {},
): Promise<ReceiptLike> {
  const { timeoutMs = 120_000, onStall, stallMs = 250 } = options;
  const deadline = Date.now() + timeoutMs;
  let nextStall = Date.now() + stallMs;
  let delay = 0;
  for (;;) {
    const receipt = await rpc.request<ReceiptLike | null>('eth_getTransactionReceipt', [hash]);
    if (receipt) return receipt;
    const now = Date.now();
    if (now > deadline) throw new Error(`no receipt for ${hash} after ${timeoutMs} ms`);
    if (onStall && now >= nextStall) {
      await onStall();
      nextStall = Date.now() + stallMs;
    }
    if (delay > 0) await sleep(delay);
    else await new Promise<void>((resolve) => setImmediate(resolve));
    delay = delay === 0 ? 1 : Math.min(delay * 2, 16);
  }
}
