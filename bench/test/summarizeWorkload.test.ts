import { describe, expect, it } from 'vitest';
import { formatComparisonTable } from '../harness/formatComparisonTable';
import { summarizeWorkload, type TargetResult } from '../harness/summarizeWorkload';
import type { WorkloadGoals } from '../harness/types';

const goals: WorkloadGoals = {
  subject: 'devnet',
  minRatio: { reference: 'hardhat', ratio: 0.5 },
  readyMaxMs: 2_000,
};

function target(name: string, opsPerSecond: number[], readyMs: number): TargetResult {
  return {
    name,
    description: name,
    readyMs,
    peakRssBytes: 100 * 2 ** 20,
    lines: opsPerSecond.map((ops, i) => ({
      key: `l${i}`,
      label: `line ${i}`,
      count: ops,
      seconds: 1,
      opsPerSecond: ops,
    })),
  };
}

describe('summarizeWorkload', () => {
  it('computes subject/other ratios and judges each line against the reference', () => {
    const rows = summarizeWorkload(
      [target('devnet', [60, 40], 1_500), target('anvil', [120, 80], 50), target('hardhat', [100, 100], 700)],
      goals,
    );
    expect(rows.map((r) => r.key)).toEqual(['l0', 'l1', 'ready', 'peak-rss']);
    expect(rows[0]?.ratios).toEqual({ anvil: 0.5, hardhat: 0.6 });
    expect(rows[0]?.verdict?.result).toBe('PASS');
    expect(rows[1]?.verdict?.result).toBe('FAIL');
    expect(rows[2]?.verdict?.result).toBe('PASS');
    expect(rows[3]?.values.devnet).toBe(100);
  });

  it('fails the ready line at the limit and reports n/a when the reference failed', () => {
    const hardhat: TargetResult = { ...target('hardhat', [100], 700), error: 'receipt status 0x0' };
    const rows = summarizeWorkload([target('devnet', [90], 2_000), hardhat], goals);
    expect(rows[0]?.values.hardhat).toBeUndefined();
    expect(rows[0]?.verdict?.result).toBe('n/a');
    expect(rows.find((r) => r.key === 'ready')?.verdict?.result).toBe('FAIL');
  });

  it('renders one column per target and per ratio', () => {
    const rows = summarizeWorkload([target('devnet', [50], 900), target('hardhat', [100], 700)], goals);
    const text = formatComparisonTable(rows, ['devnet', 'hardhat'], 'devnet');
    const [header, , first] = text.split('\n');
    expect(header).toMatch(/devnet\s+hardhat\s+devnet\/hardhat\s+goal/);
    expect(first).toMatch(/line 0\s+ops\/s\s+50\.0\s+100\s+0\.50x\s+PASS/);
  });
});
