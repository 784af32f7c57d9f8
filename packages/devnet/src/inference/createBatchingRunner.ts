import type { ModelFeed, OutputTensor, RunnableModel } from './createOnnxWorker';
import type { InferenceStats } from './InferenceStats';
import type { TensorValues } from './oipTensorCodec';
import type { ValidInferRequest, ValidInput } from './validateInferRequest';

/** Dynamic batching settings (Triton's `max_batch_size` and `max_queue_delay`). */
export interface BatchingOptions {
  /** Most rows (first-dimension entries) stacked into one run. */
  maxBatchSize: number;
  /** Most input bytes stacked into one run (a request larger than this still runs, alone). */
  maxBatchBytes: number;
  /** How long the oldest queued request may wait for others before its batch runs; 0 = the next event-loop turn. */
  maxQueueDelayMs: number;
}

/** Runs validated requests on one session, stacking concurrent compatible requests into one `session.run`. */
export interface BatchingRunner {
  run(request: ValidInferRequest): Promise<OutputTensor[]>;
  /** Requests queued or running. */
  readonly busy: number;
}

interface Pending {
  request: ValidInferRequest;
  rows: number;
  /** Input bytes, see {@link inputBytes}. */
  bytes: number;
  key: string;
  at: number;
  resolve: (outputs: OutputTensor[]) => void;
  reject: (error: unknown) => void;
}

function feedOf(input: ValidInput): ModelFeed {
  return { name: input.name, ortType: input.ortType, dims: input.dims, values: input.values };
}

/** A request's input bytes, as counted against `maxBatchBytes` (strings by their UTF-16 length). */
function inputBytes(request: ValidInferRequest): number {
  let bytes = 0;
  for (const { values } of request.inputs) {
    if (!Array.isArray(values)) bytes += values.byteLength;
    else for (const v of values) bytes += v.length;
  }
  return bytes;
}

function concatValues(parts: TensorValues[]): TensorValues {
  const first = parts[0] as TensorValues;
  if (Array.isArray(first)) return (parts as string[][]).flat();
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new (first.constructor as new (n: number) => Exclude<TensorValues, string[]>)(total);
  let at = 0;
  for (const p of parts as Exclude<TensorValues, string[]>[]) {
    (out as Float32Array).set(p as Float32Array, at);
    at += p.length;
  }
  return out;
}

/**
 * Creates the runner of one loaded model: non-batchable models run each request alone; batchable ones queue
 * requests and run every compatible queued request (same non-batch dimensions) in one `session.run`, then
 * split the outputs back by rows. If a stacked run fails, its requests are retried one by one so only the bad
 * one fails.
 *
 * @example
 * ```ts
 * const runner = createBatchingRunner(loaded, { maxBatchSize: 256, maxBatchBytes: 16 * 2 ** 20, maxQueueDelayMs: 0 }, stats);
 * const outputs = await runner.run(validRequest);
 * ```
 */
export function createBatchingRunner(
  loaded: RunnableModel,
  options: BatchingOptions,
  stats: InferenceStats,
): BatchingRunner {
  const allOutputs = loaded.outputs.map((o) => o.name);
  const queue: Pending[] = [];
  let running = false;
  let due = false;
  let busy = 0;
  let timer: { cancel(): void } | undefined;

  async function runAlone(request: ValidInferRequest): Promise<OutputTensor[]> {
    stats.sessionRuns++;
    stats.maxRequestsPerRun = Math.max(stats.maxRequestsPerRun, 1);
    return loaded.run(request.inputs.map(feedOf), request.outputs);
  }

  async function runStacked(batch: Pending[]): Promise<void> {
    const head = (batch[0] as Pending).request;
    const totalRows = batch.reduce((n, p) => n + p.rows, 0);
    const feeds = head.inputs.map((input) => {
      const parts = batch.map(
        (p) => (p.request.inputs.find((i) => i.name === input.name) as ValidInput).values,
      );
      return feedOf({ ...input, dims: [totalRows, ...input.dims.slice(1)], values: concatValues(parts) });
    });
    stats.sessionRuns++;
    stats.batchedRuns++;
    stats.batchedRequests += batch.length;
    stats.maxRequestsPerRun = Math.max(stats.maxRequestsPerRun, batch.length);
    const outputs = await loaded.run(feeds, allOutputs);
    if (outputs.some((o) => o.dims[0] !== totalRows))
      throw new Error('an output does not follow the batch dimension');
    let row = 0;
    for (const p of batch) {
      p.resolve(
        outputs
          .filter((o) => p.request.outputs.includes(o.name))
          .map((o) => {
            const rowSize = o.dims.slice(1).reduce((a, d) => a * d, 1);
            const data = o.data as ArrayLike<number> & { slice(a: number, b: number): ArrayLike<number> };
            return {
              ...o,
              dims: [p.rows, ...o.dims.slice(1)],
              data: data.slice(row * rowSize, (row + p.rows) * rowSize),
            };
          }),
      );
      row += p.rows;
    }
  }

  /** Whether the queue holds a full batch: as many rows or input bytes as one run takes. */
  function full(): boolean {
    let rows = 0;
    let bytes = 0;
    for (const p of queue) {
      rows += p.rows;
      bytes += p.bytes;
    }
    return rows >= options.maxBatchSize || bytes >= options.maxBatchBytes;
  }

  function arm(): void {
    if (timer || queue.length === 0) return;
    const onDue = () => {
      timer = undefined;
      due = true;
      pump();
    };
    if (options.maxQueueDelayMs === 0) {
      const handle = setImmediate(onDue);
      timer = { cancel: () => clearImmediate(handle) };
    } else {
      const wait = Math.max(0, (queue[0] as Pending).at + options.maxQueueDelayMs - Date.now());
      const handle = setTimeout(onDue, wait);
      timer = { cancel: () => clearTimeout(handle) };
    }
  }

  function pump(): void {
    if (running || queue.length === 0) return;
    if (!due && !full()) {
      arm();
      return;
    }
    const head = queue[0] as Pending;
    const batch: Pending[] = [];
    let rows = 0;
    let bytes = 0;
    for (let i = 0; i < queue.length; ) {
      const p = queue[i] as Pending;
      const fits = rows + p.rows <= options.maxBatchSize && bytes + p.bytes <= options.maxBatchBytes;
      if (p.key === head.key && (batch.length === 0 || fits)) {
        batch.push(p);
        rows += p.rows;
        bytes += p.bytes;
        queue.splice(i, 1);
      } else i++;
    }
    timer?.cancel();
    timer = undefined;
    const oldest = queue[0];
    due =
      oldest !== undefined &&
      (options.maxQueueDelayMs === 0 || oldest.at + options.maxQueueDelayMs <= Date.now());
    running = true;
    const done = () => {
      running = false;
      busy -= batch.length;
      pump();
    };
    if (batch.length === 1) {
      const only = batch[0] as Pending;
      runAlone(only.request).then(only.resolve, only.reject).finally(done);
      return;
    }
    runStacked(batch)
      .catch(async () => {
        // One bad request must not fail the others: retry each alone.
        for (const p of batch) await runAlone(p.request).then(p.resolve, p.reject);
      })
      .finally(done);
  }

  return {
    get busy() {
      return busy;
    },
    run(request) {
      if (!loaded.batchable) {
        busy++;
        return runAlone(request).finally(() => {
          busy--;
        });
      }
      return new Promise<OutputTensor[]>((resolve, reject) => {
        busy++;
        queue.push({
          request,
          rows: (request.inputs[0] as ValidInput).dims[0] as number,
          bytes: inputBytes(request),
          key: request.inputs
            .map((i) => `${i.name}:${i.dims.slice(1).join('x')}`)
            .sort()
            .join('|'),
          at: Date.now(),
          resolve,
          reject,
        });
        pump();
      });
    },
  };
}
