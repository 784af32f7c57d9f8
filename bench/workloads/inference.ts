import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
// From outside the packages' public exports: the server's own loader, so both paths build the session alike.
import { type LoadedSession, loadModelSession } from '../../packages/devnet/src/inference/loadModelSession';
import { referenceModels } from '../../packages/devnet/src/inference/referenceModels';
import { findFreePort } from '../harness/findFreePort';
import { mapWithConcurrency } from '../harness/mapWithConcurrency';
import type { TargetResult } from '../harness/summarizeWorkload';
import type { TargetSpec, Workload, WorkloadLine } from '../harness/types';
import { repoRoot } from '../targets/benchPaths';
import { createDevnetTarget } from '../targets/devnetTarget';

/** Issue 7: at batch 32 the server reaches at least this fraction of direct `session.run` rows/s. */
export const inferenceThroughputGoal = 0.8;
/** Issue 7: at batch 1 the server adds less than this to the p50 latency of a direct `session.run`, ms. */
export const inferenceAddedP50GoalMs = 1;

// onnxruntime-node is the devnet's dependency, not the bench's: load the very module instance the server code
// uses (it is CommonJS, so the devnet's ESM import and this require share one copy).
type Feeds = Parameters<LoadedSession['session']['run']>[0];
const ort = createRequire(join(repoRoot, 'packages/devnet/package.json'))('onnxruntime-node') as {
  Tensor: new (type: 'float32', data: Float32Array, dims: number[]) => Feeds[string];
};

const BATCHES = [1, 32] as const;
/** Requests in flight in the throughput phase (the latency phase sends one at a time). */
const CONCURRENCY = 8;

interface BenchModel {
  name: string;
  version: string;
  input: string;
  width: number;
  /** Real rows from models/data, cycled to fill a batch. */
  rows: number[][];
}

function wdbcRows(): number[][] {
  return readFileSync(join(repoRoot, 'models/data/wdbc.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(',').slice(0, 30).map(Number));
}

function ecgRows(): number[][] {
  return readFileSync(join(repoRoot, 'models/data/ecg200/ECG200_TEST.txt'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).slice(1).map(Number));
}

function benchModels(): BenchModel[] {
  return [
    { name: 'wdbc-classifier', version: '1.0.0', input: 'features', width: 30, rows: wdbcRows() },
    { name: 'ecg200-classifier', version: '1.0.0', input: 'heartbeat', width: 96, rows: ecgRows() },
  ];
}

/** Per (model, batch, path, phase): what was measured. */
export interface InferenceRow {
  model: string;
  batch: number;
  /** `server`: OIP JSON tensors; `binary`: the same server with the binary tensor data extension. */
  path: 'server' | 'binary' | 'direct';
  phase: 'latency' | 'throughput';
  concurrency: number;
  requests: number;
  seconds: number;
  requestsPerSecond: number;
  rowsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

/** The `batch` rows starting at request `i` (cycling through the dataset), flattened. */
function batchValues(model: BenchModel, batch: number, i: number): Float32Array {
  const out = new Float32Array(batch * model.width);
  for (let r = 0; r < batch; r++) {
    out.set(model.rows[(i * batch + r) % model.rows.length] as number[], r * model.width);
  }
  return out;
}

interface Caller {
  /** One inference of request `i`; resolves to the label vector. */
  call(i: number): Promise<number[]>;
}

function directCaller(
  loaded: LoadedSession,
  model: BenchModel,
  batch: number,
  variants: Float32Array[],
): Caller {
  return {
    async call(i) {
      const data = variants[i % variants.length] as Float32Array;
      const feeds = { [model.input]: new ort.Tensor('float32', data, [batch, model.width]) };
      const result = await loaded.session.run(feeds);
      return Array.from(result.label?.data as BigInt64Array, Number);
    },
  };
}

function serverCaller(pool: Pool, model: BenchModel, batch: number, variants: Float32Array[]): Caller {
  const path = `/v2/models/${model.name}/versions/${model.version}/infer`;
  // Bodies are encoded up front: what is timed is the round trip, the server's work and decoding the reply.
  const bodies = variants.map((data) =>
    JSON.stringify({
      inputs: [{ name: model.input, datatype: 'FP32', shape: [batch, model.width], data: Array.from(data) }],
    }),
  );
  return {
    async call(i) {
      const res = await pool.request({
        method: 'POST',
        path,
        headers: { 'content-type': 'application/json' },
        body: bodies[i % bodies.length] as string,
      });
      const text = await res.body.text();
      if (res.statusCode !== 200) throw new Error(`${model.name} infer: HTTP ${res.statusCode}: ${text}`);
      const reply = JSON.parse(text) as { outputs: { name: string; data: number[] }[] };
      const label = reply.outputs.find((o) => o.name === 'label');
      if (!label) throw new Error(`${model.name} infer: no label output in ${text.slice(0, 200)}`);
      return label.data;
    },
  };
}

/**
 * The same requests with the binary tensor data extension (Triton's, served by the devnet): the JSON part
 * announces each tensor's byte count and raw little-endian bytes follow; the label output comes back as bytes.
 */
function binaryCaller(pool: Pool, model: BenchModel, batch: number, variants: Float32Array[]): Caller {
  const path = `/v2/models/${model.name}/versions/${model.version}/infer`;
  const bodies = variants.map((data) => {
    const head = Buffer.from(
      JSON.stringify({
        inputs: [
          {
            name: model.input,
            datatype: 'FP32',
            shape: [batch, model.width],
            parameters: { binary_data_size: data.byteLength },
          },
        ],
        outputs: [{ name: 'label', parameters: { binary_data: true } }],
      }),
    );
    return {
      head: head.length,
      body: Buffer.concat([head, Buffer.from(data.buffer, data.byteOffset, data.byteLength)]),
    };
  });
  return {
    async call(i) {
      const { head, body } = bodies[i % bodies.length] as { head: number; body: Buffer };
      const res = await pool.request({
        method: 'POST',
        path,
        headers: {
          'content-type': 'application/octet-stream',
          'inference-header-content-length': String(head),
        },
        body,
      });
      const reply = Buffer.from(await res.body.arrayBuffer());
      if (res.statusCode !== 200)
        throw new Error(
          `${model.name} binary infer: HTTP ${res.statusCode}: ${reply.toString('utf8', 0, 300)}`,
        );
      const jsonLength = Number(res.headers['inference-header-content-length']);
      if (!Number.isSafeInteger(jsonLength)) throw new Error(`${model.name} binary infer: no binary reply`);
      const json = JSON.parse(reply.toString('utf8', 0, jsonLength)) as {
        outputs: { name: string; parameters?: { binary_data_size?: number } }[];
      };
      let at = jsonLength;
      for (const output of json.outputs) {
        const size = output.parameters?.binary_data_size ?? 0;
        if (output.name === 'label') {
          const labels: number[] = [];
          for (let o = at; o < at + size; o += 8) labels.push(Number(reply.readBigInt64LE(o)));
          return labels;
        }
        at += size;
      }
      throw new Error(`${model.name} binary infer: no label output`);
    },
  };
}

async function measure(caller: Caller, requests: number, concurrency: number) {
  const latencies = new Array<number>(requests);
  const started = performance.now();
  await mapWithConcurrency(
    Array.from({ length: requests }, (_, i) => i),
    concurrency,
    async (i) => {
      const t = performance.now();
      await caller.call(i);
      latencies[i] = performance.now() - t;
    },
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { seconds, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99) };
}

/** The inference port of the running target, chosen in `prepare` (one target start at a time). */
let inferencePort = 0;

/**
 * The devnet as users start it (`aidoc devnet up --with-models`), its inference server on a free port chosen
 * per start. (devnet-child.ts has no `--inference-port`, so only the CLI ways are tried.)
 */
function inferenceDevnetTarget(): TargetSpec {
  const base = createDevnetTarget({ name: 'devnet', args: ['--with-models'], label: '--with-models' });
  return {
    ...base,
    spawnSpecs: (port) => base.spawnSpecs(port).filter((s) => s.via.startsWith('cli')),
    async prepare() {
      inferencePort = await findFreePort();
      return { args: ['--inference-port', String(inferencePort)], release: async () => {} };
    },
  };
}

/** The RPC port answers before the models are published: poll each model's `ready` until it answers 200. */
async function waitForModels(pool: Pool, models: BenchModel[]): Promise<void> {
  const deadline = performance.now() + 60_000;
  for (const m of models) {
    for (;;) {
      try {
        const res = await pool.request({
          method: 'GET',
          path: `/v2/models/${m.name}/versions/${m.version}/ready`,
        });
        await res.body.text();
        if (res.statusCode === 200) break;
      } catch (error) {
        if (performance.now() > deadline) throw error;
      }
      if (performance.now() > deadline) throw new Error(`${m.name}@${m.version} never became ready`);
      await sleep(20);
    }
  }
}

function row(
  model: string,
  batch: number,
  path: InferenceRow['path'],
  phase: InferenceRow['phase'],
  concurrency: number,
  requests: number,
  m: { seconds: number; p50Ms: number; p99Ms: number },
): InferenceRow {
  return {
    model,
    batch,
    path,
    phase,
    concurrency,
    requests,
    seconds: m.seconds,
    requestsPerSecond: requests / m.seconds,
    rowsPerSecond: (requests * batch) / m.seconds,
    p50Ms: m.p50Ms,
    p99Ms: m.p99Ms,
  };
}

function find(rows: InferenceRow[], model: string, batch: number, path: string, phase: string) {
  return rows.find((r) => r.model === model && r.batch === batch && r.path === path && r.phase === phase);
}

/** PASS/FAIL lines of the two issue-7 goals, per model. */
function verdicts(rows: InferenceRow[]): { pass: boolean; text: string }[] {
  const models = [...new Set(rows.map((r) => r.model))];
  return models.flatMap((model) => {
    const out: { pass: boolean; text: string }[] = [];
    for (const path of ['server', 'binary'] as const) {
      const via = path === 'server' ? 'JSON tensors' : 'binary tensors';
      const s32 = find(rows, model, 32, path, 'throughput');
      const d32 = find(rows, model, 32, 'direct', 'throughput');
      if (s32 && d32) {
        const ratio = s32.rowsPerSecond / d32.rowsPerSecond;
        const pass = ratio >= inferenceThroughputGoal;
        out.push({
          pass,
          text: `${pass ? 'PASS' : 'FAIL'}  ${model} batch 32 (${via}): server at ${(ratio * 100).toFixed(0)}% of direct rows/s (goal >= ${inferenceThroughputGoal * 100}%)`,
        });
      }
      const s1 = find(rows, model, 1, path, 'latency');
      const d1 = find(rows, model, 1, 'direct', 'latency');
      if (s1 && d1) {
        const added = s1.p50Ms - d1.p50Ms;
        const pass = added < inferenceAddedP50GoalMs;
        out.push({
          pass,
          text: `${pass ? 'PASS' : 'FAIL'}  ${model} batch 1 (${via}): server adds ${added.toFixed(3)} ms to the direct p50 (goal < ${inferenceAddedP50GoalMs} ms)`,
        });
      }
    }
    return out;
  });
}

/**
 * The inference table: per model, batch and phase, requests/s, rows/s, p50/p99 through the OIP server and
 * through a direct `session.run`, and server/direct; then the two goal verdicts.
 *
 * @example
 * ```ts
 * console.log(formatInferenceReport(results));
 * ```
 */
export function formatInferenceReport(results: TargetResult[]): string {
  const target = results[0];
  const rows = (target?.details?.rows ?? []) as InferenceRow[];
  if (!target || target.error || rows.length === 0)
    return `no results${target?.error ? `: ${target.error}` : ''}`;
  const header = [
    'model',
    'batch',
    'phase',
    'tensors',
    'in flight',
    'server req/s',
    'direct req/s',
    'ratio',
    'server rows/s',
    'direct rows/s',
    'server p50/p99 ms',
    'direct p50/p99 ms',
    'added p50 ms',
  ];
  const body: string[][] = [];
  for (const model of [...new Set(rows.map((r) => r.model))])
    for (const batch of BATCHES)
      for (const phase of ['latency', 'throughput'] as const)
        for (const path of ['server', 'binary'] as const) {
          const s = find(rows, model, batch, path, phase);
          const d = find(rows, model, batch, 'direct', phase);
          if (!s || !d) continue;
          const n = (x: number) => Math.round(x).toLocaleString('en-US');
          body.push([
            model,
            String(batch),
            phase,
            path === 'server' ? 'JSON' : 'binary',
            String(s.concurrency),
            n(s.requestsPerSecond),
            n(d.requestsPerSecond),
            `${(s.requestsPerSecond / d.requestsPerSecond).toFixed(2)}x`,
            n(s.rowsPerSecond),
            n(d.rowsPerSecond),
            `${s.p50Ms.toFixed(3)} / ${s.p99Ms.toFixed(3)}`,
            `${d.p50Ms.toFixed(3)} / ${d.p99Ms.toFixed(3)}`,
            (s.p50Ms - d.p50Ms).toFixed(3),
          ]);
        }
  const all = [header, ...body];
  const widths = header.map((_, c) => Math.max(...all.map((r) => (r[c] ?? '').length)));
  const render = (r: string[]) =>
    r
      .map((cell, c) => (c <= 3 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0)))
      .join('  ')
      .trimEnd();
  return [
    render(header),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...body.map(render),
    '',
    `server: OIP v2 REST over HTTP/1.1 keep-alive (undici Pool) to the devnet's inference server in its own process,`,
    'tensors as JSON numbers or with the binary tensor data extension (raw little-endian bytes after a JSON header);',
    'direct: onnxruntime-node session.run on the same ONNX bytes in the bench process. latency phase: one request',
    `at a time; throughput phase: ${CONCURRENCY} in flight. ratio = server / direct.`,
    '',
    ...verdicts(rows).map((v) => v.text),
  ].join('\n');
}

/**
 * The `inference` workload (issue 7): the two reference models at batch 1 and 32, through the devnet's OIP
 * server (`aidoc devnet up --with-models`, own process, keep-alive HTTP) and through a direct
 * `session.run` in the bench process; requests/s, rows/s, p50/p99; goals: server >= 80% of direct rows/s at
 * batch 32, and < 1 ms added p50 at batch 1. Every server reply's labels are checked against direct ones.
 *
 * @example
 * ```ts
 * // pnpm bench inference --quick
 * ```
 */
export const inferenceWorkload: Workload = {
  name: 'inference',
  summary:
    'reference models at batch 1 and 32: OIP server vs direct session.run; goals: >= 80% rows/s at batch 32, < 1 ms added p50 at batch 1',
  defaultTargets: ['devnet'],
  targets: [inferenceDevnetTarget()],

  async run(ctx) {
    const models = benchModels();
    const pool = new Pool(`http://127.0.0.1:${inferencePort}`, {
      connections: CONCURRENCY,
      keepAliveTimeout: 30_000,
      pipelining: 1,
    });
    const rows: InferenceRow[] = [];
    const lines: WorkloadLine[] = [];
    try {
      await waitForModels(pool, models);
      for (const model of models) {
        const bytes = Buffer.from(
          referenceModels.find((m) => m.name === model.name && m.version === model.version)?.onnxBase64 ?? '',
          'base64',
        );
        const loaded = await loadModelSession(bytes);
        try {
          if (!loaded.batchable) throw new Error(`${model.name} has no dynamic batch dimension`);
          for (const batch of BATCHES) {
            const variants = Array.from({ length: 16 }, (_, i) => batchValues(model, batch, i));
            const direct = directCaller(loaded, model, batch, variants);
            const server = serverCaller(pool, model, batch, variants);
            const binary = binaryCaller(pool, model, batch, variants);
            // Correctness first: the server's labels equal direct session.run's for every variant, both ways.
            for (let i = 0; i < variants.length; i++) {
              const [a, b, c] = [await direct.call(i), await server.call(i), await binary.call(i)];
              if (a.join() !== b.join())
                throw new Error(`${model.name} batch ${batch}: server labels ${b} differ from direct ${a}`);
              if (a.join() !== c.join())
                throw new Error(`${model.name} batch ${batch}: binary labels ${c} differ from direct ${a}`);
            }
            const scale = ctx.quick ? 0.1 : 1;
            const latencyRequests = Math.round((batch === 1 ? 3000 : 1000) * scale);
            const throughputRequests = Math.round((batch === 1 ? 6000 : 2000) * scale);
            for (const [phase, requests, concurrency] of [
              ['latency', latencyRequests, 1],
              ['throughput', throughputRequests, CONCURRENCY],
            ] as const) {
              for (const [path, caller] of [
                ['direct', direct],
                ['server', server],
                ['binary', binary],
              ] as const) {
                // Warm-up: a tenth of the run, and never under 1,000 requests, so `--quick` on a fresh devnet
                // does not time the server's first JIT tiers (its batch-1 latency read ~1.5 ms added with 50).
                await measure(caller, Math.max(1000, Math.round(requests / 10)), concurrency);
                const m = await measure(caller, requests, concurrency);
                const r = row(model.name, batch, path, phase, concurrency, requests, m);
                rows.push(r);
                lines.push({
                  key: `${model.name}-b${batch}-${phase}-${path}`,
                  label: `${model.name} batch ${batch} ${phase} (${concurrency} in flight) ${path}`,
                  count: requests,
                  seconds: m.seconds,
                });
                ctx.log(
                  `${model.name} b${batch} ${phase} ${path}: ${r.requestsPerSecond.toFixed(0)} req/s, p50 ${r.p50Ms.toFixed(3)} ms, p99 ${r.p99Ms.toFixed(3)} ms`,
                );
              }
            }
          }
        } finally {
          await loaded.session.release();
        }
      }
    } finally {
      await pool.close();
    }
    ctx.attach?.({ rows, verdicts: verdicts(rows) });
    return lines;
  },
  report: (results) => formatInferenceReport(results),
};
