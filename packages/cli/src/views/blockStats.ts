import type { BlockSummary } from '@aidoc/devnet';

/** What the live block view shows at one moment. */
export interface BlockStatsSnapshot {
  /** The most recent blocks, newest first. */
  recent: BlockSummary[];
  /** Blocks per second over the sliding window. */
  blocksPerSecond: number;
  /** Transactions per second over the sliding window. */
  transactionsPerSecond: number;
  totalBlocks: number;
  totalTransactions: number;
}

/** Running block statistics for the live view. */
export interface BlockStats {
  add(block: BlockSummary): void;
  snapshot(): BlockStatsSnapshot;
}

/**
 * Keep the last `rows` blocks and block/transaction rates over a sliding `windowMs` window
 * (shorter while the window has not yet filled). `now` is injectable for tests.
 *
 * @example
 * ```ts
 * const stats = createBlockStats({ rows: 8 });
 * devnet.onBlock((block) => stats.add(block));
 * console.log(stats.snapshot().blocksPerSecond);
 * ```
 */
export function createBlockStats(
  options: { rows?: number; windowMs?: number; now?: () => number } = {},
): BlockStats {
  const rows = options.rows ?? 8;
  const windowMs = options.windowMs ?? 10_000;
  const now = options.now ?? Date.now;
  const startedAt = now();
  const recent: BlockSummary[] = [];
  // Samples inside the window start at `head`; the expired prefix is dropped once it is half the array.
  let samples: { at: number; transactions: number }[] = [];
  let head = 0;
  let windowTransactions = 0;
  let totalBlocks = 0;
  let totalTransactions = 0;

  const prune = (at: number) => {
    const cutoff = at - windowMs;
    while (head < samples.length && samples[head]!.at <= cutoff) {
      windowTransactions -= samples[head]!.transactions;
      head += 1;
    }
    if (head > 1024 && head * 2 > samples.length) {
      samples = samples.slice(head);
      head = 0;
    }
  };

  return {
    add(block) {
      const at = now();
      recent.unshift(block);
      if (recent.length > rows) recent.length = rows;
      samples.push({ at, transactions: block.transactions });
      totalBlocks += 1;
      windowTransactions += block.transactions;
      totalTransactions += block.transactions;
      prune(at);
    },
    snapshot() {
      const at = now();
      prune(at);
      const seconds = Math.min(Math.max(at - startedAt, 1000), windowMs) / 1000;
      return {
        recent: [...recent],
        blocksPerSecond: (samples.length - head) / seconds,
        transactionsPerSecond: windowTransactions / seconds,
        totalBlocks,
        totalTransactions,
      };
    },
  };
}
