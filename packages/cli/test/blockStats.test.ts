import type { BlockSummary } from '@aidoc/devnet';
import { describe, expect, it } from 'vitest';
import { createBlockStats } from '../src/views/blockStats';

const blockAt = (number: number, transactions: number): BlockSummary => ({
  number: BigInt(number),
  hash: `0x${number.toString(16).padStart(64, '0')}`,
  timestamp: BigInt(number),
  transactions,
  gasUsed: 21_000n * BigInt(transactions),
  baseFeePerGas: 1_000_000_000n,
});

describe('createBlockStats', () => {
  it('keeps the newest blocks first, at most `rows`', () => {
    const stats = createBlockStats({ rows: 3, now: () => 0 });
    for (let i = 1; i <= 5; i++) stats.add(blockAt(i, i));
    const snapshot = stats.snapshot();
    expect(snapshot.recent.map((b) => b.number)).toEqual([5n, 4n, 3n]);
    expect(snapshot.totalBlocks).toBe(5);
    expect(snapshot.totalTransactions).toBe(15);
  });

  it('computes blocks/s and tx/s over the sliding window', () => {
    let clock = 0;
    const stats = createBlockStats({ windowMs: 10_000, now: () => clock });
    // 20 blocks with 5 transactions each over 10 seconds: 2 blocks/s, 10 tx/s.
    for (let i = 0; i < 20; i++) {
      clock += 500;
      stats.add(blockAt(i, 5));
    }
    expect(stats.snapshot().blocksPerSecond).toBeCloseTo(2);
    expect(stats.snapshot().transactionsPerSecond).toBeCloseTo(10);
    // 5 quiet seconds later half the window has expired.
    clock += 5_000;
    expect(stats.snapshot().blocksPerSecond).toBeCloseTo(1);
    expect(stats.snapshot().transactionsPerSecond).toBeCloseTo(5);
    clock += 10_000;
    expect(stats.snapshot().blocksPerSecond).toBe(0);
    expect(stats.snapshot().totalBlocks).toBe(20);
  });

  it('uses the elapsed time while the window is filling', () => {
    let clock = 0;
    const stats = createBlockStats({ windowMs: 10_000, now: () => clock });
    clock = 2_000;
    for (let i = 0; i < 4; i++) stats.add(blockAt(i, 1));
    expect(stats.snapshot().blocksPerSecond).toBeCloseTo(2);
  });
});
