import type { TargetResult } from '../harness/summarizeWorkload';
import type { TargetSpec, Workload } from '../harness/types';
import { anvilTarget } from '../targets/anvilTarget';
import { createDevnetTarget } from '../targets/devnetTarget';
import { measureRpcLines } from './measureRpcLines';

/** The run every rate is compared with: one validator, in memory. */
export const consensusBaseline = 'devnet-1v-mem';
/** The configuration the issue's goal is about: four validators with `--data-dir`. */
export const consensusSubject = 'devnet-4v-disk';
/** Issue 3: the subject reaches at least this fraction of the baseline on every line. */
export const consensusGoalRatio = 0.7;

const VALIDATOR_COUNTS = [1, 4, 7];

/** One devnet target per validator count, in memory and with a temporary `--data-dir`, then Anvil. */
function consensusTargets(): TargetSpec[] {
  const devnets = VALIDATOR_COUNTS.flatMap((validators) =>
    [false, true].map((disk) =>
      createDevnetTarget({
        name: `devnet-${validators}v-${disk ? 'disk' : 'mem'}`,
        args: ['--validators', String(validators)],
        tempDataDir: disk,
        label: `${validators} validator${validators === 1 ? '' : 's'}, ${disk ? '--data-dir' : 'in memory'}`,
      }),
    ),
  );
  return [...devnets, anvilTarget];
}

function ratioText(value: number | undefined, reference: number | undefined): string {
  return value === undefined || reference === undefined || reference === 0
    ? '—'
    : `${(value / reference).toFixed(2)}x`;
}

function rate(result: TargetResult | undefined, key: string): number | undefined {
  return result?.error ? undefined : result?.lines.find((l) => l.key === key)?.opsPerSecond;
}

/**
 * The consensus table: one row per configuration, per line its ops/s and its rate relative to the
 * 1-validator in-memory devnet and to Anvil; then the goal verdict per line.
 *
 * @example
 * ```ts
 * console.log(formatConsensusReport(results));
 * ```
 */
export function formatConsensusReport(results: TargetResult[]): string {
  const keys: { key: string; label: string }[] = [];
  for (const r of results) for (const l of r.lines) if (!keys.some((k) => k.key === l.key)) keys.push(l);
  const baseline = results.find((r) => r.name === consensusBaseline);
  const anvil = results.find((r) => r.name === 'anvil');
  const header = [
    'target',
    ...keys.flatMap((k) => [`${k.key} ops/s`, 'vs 1v-mem', 'vs anvil']),
    'ready ms',
    'peak MB',
  ];
  const body = results.map((r) => [
    r.error ? `${r.name} (FAILED)` : r.name,
    ...keys.flatMap(({ key }) => {
      const value = rate(r, key);
      return [
        value === undefined ? '—' : Math.round(value).toLocaleString('en-US'),
        ratioText(value, rate(baseline, key)),
        ratioText(value, rate(anvil, key)),
      ];
    }),
    r.readyMs === undefined ? '—' : r.readyMs.toFixed(0),
    r.peakRssBytes === undefined ? '—' : (r.peakRssBytes / 2 ** 20).toFixed(0),
  ]);
  const all = [header, ...body];
  const widths = header.map((_, c) => Math.max(...all.map((row) => (row[c] ?? '').length)));
  const render = (row: string[]) =>
    row
      .map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0)))
      .join('  ')
      .trimEnd();
  const subject = results.find((r) => r.name === consensusSubject);
  const verdicts = keys.map(({ key, label }) => {
    const value = rate(subject, key);
    const reference = rate(baseline, key);
    const ratio = value !== undefined && reference ? value / reference : undefined;
    const verdict = ratio === undefined ? 'n/a' : ratio >= consensusGoalRatio ? 'PASS' : 'FAIL';
    return `${verdict}  ${label}: 4 validators --data-dir at ${ratio === undefined ? '—' : `${(ratio * 100).toFixed(0)}%`} of 1 validator in memory (goal >= ${consensusGoalRatio * 100}%)`;
  });
  return [
    render(header),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...body.map(render),
    '',
    ...verdicts,
  ].join('\n');
}

/**
 * The `consensus` workload (issue 3): the `rpc` workload against the devnet with 1, 4 and 7 QBFT
 * validators, in memory and with `--data-dir`, and against Anvil, in one run; rates relative to the
 * 1-validator in-memory devnet and to Anvil; goal: 4 validators with `--data-dir` at least 70% of the
 * 1-validator in-memory rate on every line.
 *
 * @example
 * ```ts
 * // pnpm bench consensus --quick
 * ```
 */
export const consensusWorkload: Workload = {
  name: 'consensus',
  summary:
    'the rpc workload on the devnet with 1, 4 and 7 validators, in memory and --data-dir, and on Anvil; goal: 4v --data-dir >= 70% of 1v in memory',
  defaultTargets: consensusTargets().map((t) => t.name),
  targets: consensusTargets(),
  goals: {
    subject: consensusSubject,
    minRatio: { reference: consensusBaseline, ratio: consensusGoalRatio },
  },
  run: (ctx) => measureRpcLines(ctx),
  report: (results) => formatConsensusReport(results),
};
