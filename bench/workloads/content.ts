import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
// The one import from outside the packages' public exports: the content bench itself.
import { type ContentBenchResult, runContentBench } from '../../packages/devnet/src/content/bench';
import { findFreePort } from '../harness/findFreePort';
import { startTarget } from '../harness/startTarget';
import type { TargetSpec, Workload, WorkloadLine } from '../harness/types';
import { waitForIpfsApi } from '../harness/waitForIpfsApi';
import { createDevnetTarget } from '../targets/devnetTarget';

const MiB = 2 ** 20;
/** Issue 5: `add` at least this fraction of the machine's SHA-256 rate, judged at 100 MiB. */
const ADD_TO_CEILING_GOAL = 0.4;
const GOAL_BYTES = 100 * MiB;

/** Input sizes, full and `--quick`. */
export const contentWorkloadSizes = {
  full: [MiB, 100 * MiB, 1024 * MiB],
  quick: [MiB, 100 * MiB],
} as const;

type Mode = 'memory' | 'data-dir';
const MODES: Mode[] = ['memory', 'data-dir'];

interface Row {
  mode: Mode;
  result: ContentBenchResult;
  /** VmHWM summed over the server's process tree, bytes. */
  peakRssBytes: number;
  /** 1-minute load average when the size finished (the machine is shared). */
  load: number;
  /** CPU time (user + system, all threads) the server spent during the measured add, ms. */
  addCpuMs: number;
}

/** CPU time of a process (user + system, all its threads) from /proc/<pid>/stat, in ms. */
function processCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the command name: state is field 3, utime 14 and stime 15 (clock ticks, normally 100 per second).
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

function sizeLabel(bytes: number): string {
  return bytes >= 1024 * MiB ? `${bytes / (1024 * MiB)} GiB` : `${bytes / MiB} MiB`;
}

/**
 * The devnet as users start it (built CLI, or the CLI from source), with its IPFS API on `ipfsPort` and, on
 * disk, a fresh temporary `--data-dir` removed when it stops. (devnet-child.ts has no `--ipfs-port`.)
 */
function contentDevnetTarget(ipfsPort: number, mode: Mode): TargetSpec {
  const base = createDevnetTarget({
    name: `devnet-content-${mode}`,
    args: ['--ipfs-port', String(ipfsPort)],
    tempDataDir: mode === 'data-dir',
    label: mode,
  });
  return { ...base, spawnSpecs: (port) => base.spawnSpecs(port).filter((s) => s.via.startsWith('cli')) };
}

function formatTable(rows: Row[]): string {
  const header = [
    'mode',
    'size',
    'sha256 MiB/s (ceiling)',
    'add MiB/s',
    'first add MiB/s',
    'add/ceiling',
    'cat MiB/s',
    'server CPU ms/add',
    'peak RSS MB',
    'load',
    'goal',
  ];
  const body = rows.map((r) => [
    r.mode,
    sizeLabel(r.result.bytes),
    r.result.sha256MiBps.toFixed(0),
    r.result.addMiBps.toFixed(0),
    r.result.firstAddMiBps.toFixed(0),
    `${(r.result.addToCeiling * 100).toFixed(1)}%`,
    r.result.catMiBps.toFixed(0),
    r.addCpuMs.toFixed(0),
    (r.peakRssBytes / MiB).toFixed(0),
    r.load.toFixed(2),
    r.result.bytes === GOAL_BYTES
      ? `${r.result.addToCeiling >= ADD_TO_CEILING_GOAL ? 'PASS' : 'FAIL'} (add >= ${ADD_TO_CEILING_GOAL * 100}% of sha256)`
      : '',
  ]);
  const all = [header, ...body];
  const widths = header.map((_, c) => Math.max(...all.map((r) => (r[c] ?? '').length)));
  const render = (r: string[]) =>
    r
      .map((cell, c) =>
        c <= 1 || c === r.length - 1 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0),
      )
      .join('  ')
      .trimEnd();
  return [render(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(render)].join('\n');
}

/**
 * The `content` workload: the devnet's Kubo RPC API `add` and `cat` over HTTP for 1 MiB, 100 MiB and 1 GiB,
 * in memory and with `--data-dir`, next to node:crypto's SHA-256 rate over the same bytes (the ceiling).
 * Each size runs against a fresh devnet process, so its peak RSS (VmHWM) belongs to that size alone. Sizes up
 * to 128 MiB are added ten times: five unmeasured warm-up adds, then the median of five (the first add is
 * reported on its own).
 *
 * @example
 * ```ts
 * const lines = await contentWorkload.run({ target, quick: true, log: console.log });
 * ```
 */
export const contentWorkload: Workload = {
  name: 'content',
  summary:
    'Kubo RPC add and cat over HTTP (1 MiB, 100 MiB, 1 GiB; memory and --data-dir), against node:crypto SHA-256',
  defaultTargets: ['devnet'],

  async run(ctx) {
    const sizes = ctx.quick ? contentWorkloadSizes.quick : contentWorkloadSizes.full;
    const rows: Row[] = [];
    for (const mode of MODES) {
      for (const bytes of sizes) {
        const ipfsPort = await findFreePort();
        const server = await startTarget(contentDevnetTarget(ipfsPort, mode), ctx.log);
        try {
          ctx.log(
            `${mode} ${sizeLabel(bytes)}: devnet pid ${server.pid} (${server.via}), IPFS API port ${ipfsPort}`,
          );
          const url = `http://127.0.0.1:${ipfsPort}`;
          await waitForIpfsApi(url);
          let cpuAtStart = 0;
          let addCpuMs = 0;
          const [result] = await runContentBench({
            sizes: [bytes],
            url,
            onAdd: {
              start: () => {
                cpuAtStart = processCpuMs(server.pid);
              },
              end: () => {
                addCpuMs = processCpuMs(server.pid) - cpuAtStart;
              },
            },
          });
          if (!result) throw new Error('content bench returned no result');
          const row: Row = {
            mode,
            result,
            peakRssBytes: server.readPeakRss().peakRssBytes,
            load: loadavg()[0] ?? 0,
            addCpuMs,
          };
          rows.push(row);
          ctx.log(
            `${mode} ${sizeLabel(bytes)}: add ${result.addMiBps.toFixed(0)} MiB/s (${(result.addToCeiling * 100).toFixed(1)}% of sha256 ${result.sha256MiBps.toFixed(0)}), cat ${result.catMiBps.toFixed(0)} MiB/s, server CPU ${addCpuMs.toFixed(0)} ms for the add, peak RSS ${(row.peakRssBytes / MiB).toFixed(0)} MB, load ${row.load.toFixed(2)}, ${result.cid}`,
          );
        } finally {
          await server.stop();
        }
      }
    }
    process.stdout.write(`\ncontent: per size, a fresh devnet process (peak RSS is that process's VmHWM)\n`);
    process.stdout.write(`${formatTable(rows)}\n`);
    process.stdout.write(
      [
        'add MiB/s: steady state, the median of five adds after five unmeasured ones (sizes up to 128 MiB); first add:',
        'the first add of that size into the fresh process (its heap still growing).',
        'server CPU ms/add: user + system time of the devnet process (all threads) during the last measured add; on a',
        'shared machine it moves less with other load than MiB/s does. load: 1-minute load average after the size.',
        '(the harness table below counts MiB as ops; its peak RSS row is the idle harness target, not the servers above)',
        '',
      ].join('\n'),
    );
    const lines: WorkloadLine[] = [];
    for (const r of rows) {
      const size = sizeLabel(r.result.bytes).replace(' ', '');
      const mib = r.result.bytes / MiB;
      lines.push({
        key: `add-${r.mode}-${size}`,
        label: `add ${sizeLabel(r.result.bytes)} (${r.mode}), MiB/s`,
        count: mib,
        seconds: mib / r.result.addMiBps,
      });
      lines.push({
        key: `cat-${r.mode}-${size}`,
        label: `cat ${sizeLabel(r.result.bytes)} (${r.mode}), MiB/s`,
        count: mib,
        seconds: mib / r.result.catMiBps,
      });
    }
    return lines;
  },
};
