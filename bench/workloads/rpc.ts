import type { Workload } from '../harness/types';
import { measureRpcLines } from './measureRpcLines';

export { rpcWorkloadSizes } from './measureRpcLines';

/**
 * The `rpc` workload: ERC-20 transfers one by one, a burst of transfers, and `eth_call`s, over HTTP.
 *
 * @example
 * ```ts
 * const lines = await rpcWorkload.run({ target, quick: true, log: console.log });
 * ```
 */
export const rpcWorkload: Workload = {
  name: 'rpc',
  summary:
    'ERC-20 transfers sent and awaited one by one; a burst sent back to back then awaited; balanceOf eth_calls (64 in flight)',
  defaultTargets: ['devnet', 'anvil', 'hardhat'],
  goals: { subject: 'devnet', minRatio: { reference: 'hardhat', ratio: 0.5 }, readyMaxMs: 2_000 },
  run: (ctx) => measureRpcLines(ctx),
};
