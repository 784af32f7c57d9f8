/**
 * `pnpm bench [workload...] [--quick] [--targets devnet,anvil,hardhat] [--strict]`
 *
 * Runs each named workload (all registered ones when none is named) against each target, one target at a
 * time, each target in its own child process; prints ops/s, ratios and goals; writes JSON results to
 * bench/results/. See bench/README.md.
 */
import { cpus, loadavg, totalmem } from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { formatComparisonTable } from './harness/formatComparisonTable';
import { type InProcessReady, measureDevnetInProcessReady } from './harness/measureDevnetInProcessReady';
import { startTarget } from './harness/startTarget';
import { summarizeWorkload, type TargetResult } from './harness/summarizeWorkload';
import type { RunningTarget, TargetSpec, Workload } from './harness/types';
import { writeWorkloadResult } from './harness/writeWorkloadResult';
import { benchDir, repoRoot } from './targets/benchPaths';
import { targetRegistry } from './targets/targetRegistry';
import { workloadRegistry } from './workloads/workloadRegistry';

const usage = `usage: pnpm bench [workload...] [--quick] [--targets ${Object.keys(targetRegistry).join(',')}] [--strict]

workloads:
${workloadRegistry.map((w) => `  ${w.name.padEnd(10)} ${w.summary}`).join('\n')}

  --quick     small sizes for a smoke run (results go to latest-<workload>-quick.json)
  --targets   comma-separated subset of targets (default: the workload's own list; workloads that bring
              their own targets, such as consensus, select among those)
  --strict    exit 1 when a goal line FAILs (a correctness failure always exits 1)`;

function fail(message: string): never {
  process.stderr.write(`${message}\n\n${usage}\n`);
  process.exit(2);
}

let args: ReturnType<typeof parse>;
function parse() {
  return parseArgs({
    allowPositionals: true,
    options: {
      quick: { type: 'boolean', default: false },
      targets: { type: 'string' },
      strict: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
}
try {
  args = parse();
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}
if (args.values.help) {
  process.stdout.write(`${usage}\n`);
  process.exit(0);
}

const workloads: Workload[] = [];
for (const name of args.positionals) {
  const w = workloadRegistry.find((x) => x.name === name);
  if (!w) fail(`unknown workload "${name}"`);
  workloads.push(w);
}
if (workloads.length === 0) workloads.push(...workloadRegistry);

const requestedTargets = args.values.targets
  ?.split(',')
  .map((t) => t.trim())
  .filter(Boolean);
const knownTargets = new Set([
  ...Object.keys(targetRegistry),
  ...workloads.flatMap((w) => (w.targets ?? []).map((t) => t.name)),
]);
for (const t of requestedTargets ?? []) if (!knownTargets.has(t)) fail(`unknown target "${t}"`);

/** The targets one workload runs against: its own (filtered by --targets), or registry entries by name. */
function targetsOf(workload: Workload): TargetSpec[] {
  if (workload.targets) {
    return workload.targets.filter((t) => !requestedTargets || requestedTargets.includes(t.name));
  }
  return (requestedTargets ?? workload.defaultTargets)
    .map((name) => targetRegistry[name])
    .filter((spec): spec is TargetSpec => spec !== undefined);
}

const quick = args.values.quick ?? false;
const log = (message: string) => process.stderr.write(`  ${message}\n`);
let exitCode = 0;

for (const workload of workloads) {
  const targetSpecs = targetsOf(workload);
  const targetNames = targetSpecs.map((spec) => spec.name);
  const startedAt = new Date();
  process.stderr.write(`\n== ${workload.name}${quick ? ' (quick)' : ''}: ${workload.summary}\n`);
  const results: TargetResult[] = [];
  let devnetInProcess: InProcessReady | { error: string } | undefined;

  for (const spec of targetSpecs) {
    const name = spec.name;
    if (name === 'devnet') {
      try {
        devnetInProcess = await measureDevnetInProcessReady();
        log(
          `devnet in-process: startDevnet() ready in ${devnetInProcess.readyMs.toFixed(0)} ms (import ${devnetInProcess.importMs.toFixed(0)} ms)`,
        );
      } catch (error) {
        devnetInProcess = { error: error instanceof Error ? error.message : String(error) };
        log(`devnet in-process: ${devnetInProcess.error.split('\n')[0]}`);
      }
    }
    process.stderr.write(`-- ${name}\n`);
    let target: RunningTarget | undefined;
    const result: TargetResult = { name, description: await spec.describe(), lines: [] };
    try {
      target = await startTarget(spec, log);
      Object.assign(result, { via: target.via, readyMs: target.readyMs });
      log(
        `${target.description} via ${target.via}: ready in ${target.readyMs.toFixed(0)} ms, pid ${target.pid}`,
      );
      const details: Record<string, unknown> = {};
      const lines = await workload.run({ target, quick, log, attach: (d) => Object.assign(details, d) });
      if (Object.keys(details).length > 0) result.details = details;
      result.lines = lines.map((l) => ({ ...l, opsPerSecond: l.count / l.seconds }));
      const memory = target.readPeakRss();
      Object.assign(result, {
        peakRssBytes: memory.peakRssBytes,
        processes: memory.processes,
        stallNudges: target.stallNudges,
      });
      for (const l of result.lines) {
        const nudges = l.stallNudges ? ` (miner stalled ${l.stallNudges}x, restarted with evm_mine)` : '';
        log(
          `${l.label}: ${l.count} in ${l.seconds.toFixed(2)} s = ${l.opsPerSecond.toFixed(0)} ops/s${nudges}`,
        );
      }
      log(`peak RSS ${(memory.peakRssBytes / 2 ** 20).toFixed(0)} MB over ${memory.processes} process(es)`);
    } catch (error) {
      result.error = error instanceof Error ? error.message : String(error);
      exitCode = 1;
      log(`FAILED: ${result.error}`);
    } finally {
      await target?.stop();
    }
    results.push(result);
  }

  const rows = summarizeWorkload(results, workload.goals);
  const subject = results.some((r) => r.name === workload.goals?.subject)
    ? workload.goals?.subject
    : undefined;
  const table = workload.report
    ? workload.report(results, rows)
    : formatComparisonTable(rows, targetNames, subject);
  process.stdout.write(`\n${workload.name}${quick ? ' (quick)' : ''}\n${table}\n`);
  if (devnetInProcess && 'readyMs' in devnetInProcess) {
    process.stdout.write(
      `devnet startDevnet() in-process: ready ${devnetInProcess.readyMs.toFixed(0)} ms after the call (module import ${devnetInProcess.importMs.toFixed(0)} ms before it)\n`,
    );
  }
  for (const r of results)
    if (r.error) process.stdout.write(`${r.name}: FAILED, numbers not valid: ${r.error.split('\n')[0]}\n`);
  if (args.values.strict && rows.some((r) => r.verdict?.result === 'FAIL')) exitCode = 1;

  const file = `${workload.name}${quick ? '-quick' : ''}`;
  const paths = writeWorkloadResult(
    join(benchDir, 'results'),
    file,
    {
      workload: workload.name,
      summary: workload.summary,
      quick,
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      machine: {
        node: process.version,
        platform: `${process.platform}-${process.arch}`,
        cpu: cpus()[0]?.model,
        cores: cpus().length,
        totalMemoryBytes: totalmem(),
        loadAverageAtEnd: loadavg(),
      },
      goals: workload.goals,
      targets: results,
      devnetInProcess,
      comparison: rows,
    },
    startedAt,
  );
  process.stdout.write(`results: ${paths.map((p) => relative(repoRoot, p)).join(', ')}\n`);
}
process.exit(exitCode);
