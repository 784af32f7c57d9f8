import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { type AidocClient, createAidoc, type StageTimings } from '@aidoc/sdk';
import { findFreePort } from '../harness/findFreePort';
import type { TargetResult } from '../harness/summarizeWorkload';
import type { TargetSpec, Workload, WorkloadLine } from '../harness/types';
import { waitForIpfsApi } from '../harness/waitForIpfsApi';
import { createDevnetTarget } from '../targets/devnetTarget';

const KiB = 1024;
const MiB = 1024 * KiB;
/** Dev account 0 of the standard test mnemonic (funded on the devnet). */
const OWNER_KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
/** The SDK's default receipt polling interval (what `aidoc` CLI commands and apps get). */
const POLLING_INTERVAL_MS = 250;

/** Record sizes and how many measured upload + read round trips each gets (after one warm-up). */
export const recordsWorkloadPlan = {
  full: [
    { bytes: KiB, runs: 20 },
    { bytes: MiB, runs: 10 },
    { bytes: 100 * MiB, runs: 2 },
  ],
  quick: [
    { bytes: KiB, runs: 3 },
    { bytes: MiB, runs: 2 },
    { bytes: 100 * MiB, runs: 1 },
  ],
} as const;

type Stage = keyof StageTimings;
const STAGES: { key: Stage; label: string }[] = [
  { key: 'cryptoMs', label: 'encryption' },
  { key: 'contentMs', label: 'content' },
  { key: 'chainMs', label: 'chain' },
];

/** One row of the records table: medians over the measured runs of one operation at one size. */
export interface RecordsRow {
  op: 'upload' | 'read';
  bytes: number;
  runs: number;
  /** Median wall-clock latency of the SDK call, ms. */
  totalMs: number;
  /** Median of each stage the SDK times (`timings`), ms. */
  cryptoMs: number;
  contentMs: number;
  chainMs: number;
  /** Median of total minus the three stages (input validation, the record lookup before a read), ms. */
  otherMs: number;
  /** The stage with the largest median. */
  slowest: 'encryption' | 'content' | 'chain';
  /** Every run's total and stages, ms, in order. */
  samples: (StageTimings & { totalMs: number })[];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

function sizeLabel(bytes: number): string {
  return bytes >= MiB ? `${bytes / MiB} MiB` : `${bytes / KiB} KiB`;
}

function summarize(op: RecordsRow['op'], bytes: number, samples: RecordsRow['samples']): RecordsRow {
  const m = (pick: (s: RecordsRow['samples'][number]) => number) => median(samples.map(pick));
  const stages = {
    cryptoMs: m((s) => s.cryptoMs),
    contentMs: m((s) => s.contentMs),
    chainMs: m((s) => s.chainMs),
  };
  const slowest = STAGES.reduce((a, b) => (stages[b.key] > stages[a.key] ? b : a))
    .label as RecordsRow['slowest'];
  return {
    op,
    bytes,
    runs: samples.length,
    totalMs: m((s) => s.totalMs),
    ...stages,
    otherMs: m((s) => s.totalMs - s.cryptoMs - s.contentMs - s.chainMs),
    slowest,
    samples,
  };
}

// The devnet's IPFS API port, chosen when the target is prepared (the harness reads only its RPC port).
let preparedIpfsPort: number | undefined;

/**
 * The devnet as users start it (built CLI, else the CLI from source) with its IPFS API on a free port chosen
 * in `prepare` and a free inference port (the default 9000 could collide). devnet-child.ts has no
 * `--ipfs-port`, so it is not a fallback here.
 */
function recordsDevnetTarget(): TargetSpec {
  const base = createDevnetTarget({ name: 'devnet', label: 'records via @aidoc/sdk' });
  return {
    ...base,
    async prepare() {
      preparedIpfsPort = await findFreePort();
      return {
        args: ['--ipfs-port', String(preparedIpfsPort), '--inference-port', '0'],
        release: async () => {},
      };
    },
    spawnSpecs: (port) => base.spawnSpecs(port).filter((s) => s.via.startsWith('cli')),
  };
}

/** One upload then one read of `data`; fails when the read does not return the uploaded bytes. */
async function roundTrip(aidoc: AidocClient, data: Uint8Array) {
  let t = performance.now();
  const up = await aidoc.records.upload({ data, mediaType: 'application/octet-stream', category: 'bench' });
  const upload = { ...up.timings, totalMs: performance.now() - t };
  t = performance.now();
  const got = await aidoc.records.read(up.recordId);
  const read = { ...got.timings, totalMs: performance.now() - t };
  if (!Buffer.from(got.data).equals(Buffer.from(data))) {
    throw new Error(
      `record ${up.recordId} (${sizeLabel(data.length)}) read back ${got.data.length} bytes that differ from the ${data.length} uploaded`,
    );
  }
  return { upload, read };
}

function formatRecordsTable(rows: RecordsRow[]): string {
  const header = [
    'op',
    'size',
    'runs',
    'total ms',
    'encryption ms',
    'content ms',
    'chain ms',
    'other ms',
    'slowest',
  ];
  const ms = (v: number) => (v >= 100 ? v.toFixed(0) : v.toFixed(1));
  const body = rows.map((r) => [
    r.op,
    sizeLabel(r.bytes),
    String(r.runs),
    ms(r.totalMs),
    ...STAGES.map(({ key, label }) => `${ms(r[key])}${label === r.slowest ? ' *' : '  '}`),
    ms(r.otherMs),
    r.slowest,
  ]);
  const all = [header, ...body];
  const widths = header.map((_, c) => Math.max(...all.map((row) => (row[c] ?? '').length)));
  const render = (row: string[]) =>
    row
      .map((cell, c) =>
        c <= 1 || c === row.length - 1 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0),
      )
      .join('  ')
      .trimEnd();
  return [render(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(render)].join('\n');
}

/**
 * The records table of a run: per target, one row per operation and size with median total latency and
 * median time per stage (encryption, content store, chain), the slowest stage marked `*`.
 *
 * @example
 * ```ts
 * console.log(formatRecordsReport(results));
 * ```
 */
export function formatRecordsReport(results: TargetResult[]): string {
  return results
    .map((r) => {
      const rows = (r.details?.records as RecordsRow[] | undefined) ?? [];
      const memory =
        r.peakRssBytes === undefined ? '' : `, devnet peak RSS ${(r.peakRssBytes / MiB).toFixed(0)} MB`;
      const client = r.details?.clientPeakRssBytes as number | undefined;
      const head = `${r.name}${r.error ? ' (FAILED)' : ''}: medians, ms; * = slowest stage${memory}${client ? `, bench client peak RSS ${(client / MiB).toFixed(0)} MB` : ''}`;
      return [
        head,
        formatRecordsTable(rows),
        `receipt polling every ${POLLING_INTERVAL_MS} ms (SDK default); other = total - stages (input checks; on read, the record lookup before the timed stages)`,
      ].join('\n');
    })
    .join('\n\n');
}

/**
 * The `records` workload (issue 6): `aidoc.records.upload` and `aidoc.records.read` through `@aidoc/sdk`
 * against the devnet's chain and content store for 1 KiB, 1 MiB and 100 MiB records; median latency per
 * operation and size, split into the SDK's encryption, content-store and chain timings. Every read must
 * return the uploaded bytes.
 *
 * @example
 * ```ts
 * // pnpm bench records --quick
 * ```
 */
export const recordsWorkload: Workload = {
  name: 'records',
  summary:
    'SDK record upload and read latency (1 KiB, 1 MiB, 100 MiB), split into encryption, content store and chain time',
  defaultTargets: ['devnet'],
  targets: [recordsDevnetTarget()],

  async run(ctx) {
    if (preparedIpfsPort === undefined) throw new Error('records: the devnet target was not prepared');
    const ipfs = `http://127.0.0.1:${preparedIpfsPort}`;
    await waitForIpfsApi(ipfs);
    const aidoc = await createAidoc({
      rpc: ctx.target.rpcUrl,
      ipfs,
      signer: OWNER_KEY,
      pollingIntervalMs: POLLING_INTERVAL_MS,
    });
    await aidoc.keys.register();
    const rows: RecordsRow[] = [];
    const lines: WorkloadLine[] = [];
    for (const { bytes, runs } of ctx.quick ? recordsWorkloadPlan.quick : recordsWorkloadPlan.full) {
      const data = new Uint8Array(randomBytes(bytes));
      await roundTrip(aidoc, data); // warm-up, not counted
      const uploads: RecordsRow['samples'] = [];
      const reads: RecordsRow['samples'] = [];
      for (let i = 0; i < runs; i++) {
        const { upload, read } = await roundTrip(aidoc, data);
        uploads.push(upload);
        reads.push(read);
      }
      for (const row of [summarize('upload', bytes, uploads), summarize('read', bytes, reads)]) {
        rows.push(row);
        ctx.log(
          `${row.op} ${sizeLabel(bytes)} x${runs}: median ${row.totalMs.toFixed(1)} ms (encryption ${row.cryptoMs.toFixed(1)}, content ${row.contentMs.toFixed(1)}, chain ${row.chainMs.toFixed(1)}; slowest ${row.slowest})`,
        );
        const samples = row.op === 'upload' ? uploads : reads;
        lines.push({
          key: `${row.op}-${sizeLabel(bytes).replace(' ', '')}`,
          label: `${row.op} ${sizeLabel(bytes)}, records/s`,
          count: samples.length,
          seconds: samples.reduce((sum, s) => sum + s.totalMs, 0) / 1000,
        });
      }
    }
    ctx.attach?.({
      records: rows,
      pollingIntervalMs: POLLING_INTERVAL_MS,
      clientPeakRssBytes: process.resourceUsage().maxRSS * 1024,
    });
    return lines;
  },
  report: (results) => formatRecordsReport(results),
};
