import type { WorkloadGoals, WorkloadLine } from './types';

/** What one target produced for one workload. */
export interface TargetResult {
  name: string;
  description: string;
  via?: string;
  readyMs?: number;
  peakRssBytes?: number;
  /** Times the harness had to restart a stalled miner (see TargetSpec.nudgeStalledMiner). */
  stallNudges?: number;
  /** Processes in the target's tree when memory was read. */
  processes?: number;
  lines: (WorkloadLine & { opsPerSecond: number })[];
  /** Data the workload attached that is not a rate (e.g. gas per function). */
  details?: Record<string, unknown>;
  /** Set when the target failed to start or failed a correctness check: its numbers are not valid. */
  error?: string;
}

/** One row of the comparison table. */
export interface ComparisonRow {
  key: string;
  label: string;
  unit: 'ops/s' | 'ms' | 'MB';
  /** `higher` when bigger is better (throughput), `lower` for time and memory. */
  better: 'higher' | 'lower';
  values: Record<string, number | undefined>;
  /** subject / other, for every other target (undefined when either side is missing). */
  ratios: Record<string, number | undefined>;
  verdict?: { result: 'PASS' | 'FAIL' | 'n/a'; rule: string };
}

function ratio(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined || b === undefined || b === 0 ? undefined : a / b;
}

/**
 * Turn per-target results into comparison rows: one per measured line plus start-to-ready and peak RSS,
 * with ratios subject/other and PASS/FAIL against the workload's goals.
 *
 * @example
 * ```ts
 * const rows = summarizeWorkload(results, rpcWorkload.goals);
 * ```
 */
export function summarizeWorkload(
  results: TargetResult[],
  goals: WorkloadGoals | undefined,
): ComparisonRow[] {
  const ok = results.filter((r) => !r.error);
  const subject = goals?.subject && results.some((r) => r.name === goals.subject) ? goals.subject : undefined;
  const others = results.map((r) => r.name).filter((n) => n !== subject);
  const rows: ComparisonRow[] = [];

  const keys: { key: string; label: string }[] = [];
  for (const r of ok) for (const l of r.lines) if (!keys.some((k) => k.key === l.key)) keys.push(l);

  function makeRow(
    key: string,
    label: string,
    unit: ComparisonRow['unit'],
    better: ComparisonRow['better'],
    pick: (r: TargetResult) => number | undefined,
  ): ComparisonRow {
    const values: Record<string, number | undefined> = {};
    for (const r of results) values[r.name] = r.error ? undefined : pick(r);
    const ratios: Record<string, number | undefined> = {};
    if (subject) for (const o of others) ratios[o] = ratio(values[subject], values[o]);
    return { key, label, unit, better, values, ratios };
  }

  for (const { key, label } of keys) {
    const row = makeRow(
      key,
      label,
      'ops/s',
      'higher',
      (r) => r.lines.find((l) => l.key === key)?.opsPerSecond,
    );
    if (subject && goals?.minRatio) {
      const { reference, ratio: min } = goals.minRatio;
      const rule = `${subject} >= ${min}x ${reference}`;
      const value = row.ratios[reference];
      row.verdict = { rule, result: value === undefined ? 'n/a' : value >= min ? 'PASS' : 'FAIL' };
    }
    rows.push(row);
  }

  const ready = makeRow('ready', 'start-to-ready', 'ms', 'lower', (r) => r.readyMs);
  if (subject && goals?.readyMaxMs !== undefined) {
    const value = ready.values[subject];
    ready.verdict = {
      rule: `${subject} < ${goals.readyMaxMs} ms`,
      result: value === undefined ? 'n/a' : value < goals.readyMaxMs ? 'PASS' : 'FAIL',
    };
  }
  rows.push(ready);
  rows.push(
    makeRow('peak-rss', 'peak RSS (VmHWM)', 'MB', 'lower', (r) =>
      r.peakRssBytes === undefined ? undefined : r.peakRssBytes / 2 ** 20,
    ),
  );
  return rows;
}
