import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { TensorValues } from './oipTensorCodec';
import { type ModelSignature, readModelSignature, type ValueMetadata } from './readModelSignature';

/** One input of a run: onnxruntime type, dimensions and flat row-major values. */
export interface ModelFeed {
  name: string;
  ortType: string;
  dims: number[];
  values: TensorValues;
}

/** One output tensor of a run. */
export interface OutputTensor {
  name: string;
  ortType: string;
  dims: number[];
  data: ArrayLike<number | bigint | string>;
}

/** A model loaded into a session on the worker thread. */
export interface RunnableModel extends ModelSignature {
  /** Runs the session on the worker; rejects with onnxruntime's error when it refuses the feeds. */
  run(feeds: readonly ModelFeed[], fetches: readonly string[]): Promise<OutputTensor[]>;
  /** Releases the session. Idempotent. */
  release(): Promise<void>;
  /** False once released, or when the worker that held the session stopped: load the model again. */
  readonly alive: boolean;
}

/** The thread that runs onnxruntime sessions for an inference server. */
export interface OnnxWorker {
  /** Loads ONNX bytes into a session on the worker (starting the worker if it is not running). */
  load(bytes: Uint8Array): Promise<RunnableModel>;
  /** Stops the worker; its sessions are gone and their runs rejected. Idempotent. */
  close(): Promise<void>;
}

// Plain CommonJS evaluated from a string: it runs the same from source (tsx, vitest) and from the bundle.
// onnxruntime-node's `run` computes synchronously on the calling thread, so the sessions live here: a long
// model never holds up the devnet's event loop (JSON-RPC, consensus timers, IPFS).
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const ort = require(workerData.ortPath);
const sessions = new Map();
let nextSession = 0;
const metadata = (list) =>
  list.map((v) => ({ name: v.name, isTensor: v.isTensor, type: v.type, shape: v.isTensor ? [...v.shape] : [] }));
parentPort.on('message', async (m) => {
  try {
    if (m.op === 'load') {
      const session = await ort.InferenceSession.create(m.bytes, {
        executionProviders: ['cpu'],
        ...(m.threads !== undefined ? { intraOpNumThreads: m.threads } : {}),
      });
      const id = nextSession++;
      sessions.set(id, session);
      const reply = { id: m.id, ok: true, session: id, inputs: metadata(session.inputMetadata), outputs: metadata(session.outputMetadata) };
      parentPort.postMessage(reply);
    } else if (m.op === 'run') {
      const session = sessions.get(m.session);
      if (!session) throw new Error('the session was released');
      const feeds = {};
      for (const f of m.feeds) feeds[f.name] = new ort.Tensor(f.ortType, f.values, f.dims);
      const result = await session.run(feeds, m.fetches);
      const outputs = m.fetches.map((name) => {
        const t = result[name];
        return { name, ortType: t.type, dims: [...t.dims], data: t.data };
      });
      parentPort.postMessage({ id: m.id, ok: true, outputs });
    } else if (m.op === 'release') {
      const session = sessions.get(m.session);
      sessions.delete(m.session);
      if (session) await session.release();
      parentPort.postMessage({ id: m.id, ok: true });
    }
  } catch (error) {
    parentPort.postMessage({ id: m.id, ok: false, message: String((error && error.message) || error) });
  }
});
`;

interface Reply {
  id: number;
  ok: boolean;
  message?: string;
  session?: number;
  inputs?: ValueMetadata[];
  outputs?: ValueMetadata[] | OutputTensor[];
}

interface Generation {
  worker: Worker;
  pending: Map<number, { resolve: (reply: Reply) => void; reject: (error: Error) => void }>;
  stopped: boolean;
}

/**
 * Starts (on first use) a worker thread that holds onnxruntime-node sessions and runs them, so inference
 * never blocks the calling thread's event loop. If the worker dies, pending runs reject, its models report
 * `alive: false`, and the next load starts a new worker.
 *
 * @example
 * ```ts
 * const onnx = createOnnxWorker();
 * const model = await onnx.load(bytes);
 * const [probabilities] = await model.run([{ name: 'features', ortType: 'float32', dims: [1, 30], values }], ['probabilities']);
 * await onnx.close();
 * ```
 */
export function createOnnxWorker(options: { intraOpNumThreads?: number } = {}): OnnxWorker {
  const ortPath = createRequire(import.meta.url).resolve('onnxruntime-node');
  let current: Generation | undefined;
  let nextId = 0;
  let closed = false;

  function start(): Generation {
    if (current && !current.stopped) return current;
    const worker = new Worker(WORKER_SOURCE, { eval: true, name: 'aidoc-onnx', workerData: { ortPath } });
    const generation: Generation = { worker, pending: new Map(), stopped: false };
    worker.unref();
    worker.on('message', (reply: Reply) => {
      const waiter = generation.pending.get(reply.id);
      if (!waiter) return;
      generation.pending.delete(reply.id);
      if (generation.pending.size === 0) worker.unref();
      if (reply.ok) waiter.resolve(reply);
      else waiter.reject(new Error(reply.message ?? 'onnxruntime failed'));
    });
    const stop = (message: string) => {
      generation.stopped = true;
      for (const waiter of generation.pending.values()) waiter.reject(new Error(message));
      generation.pending.clear();
    };
    worker.on('error', (error) => stop(`the onnxruntime worker failed: ${error.message}`));
    worker.on('exit', (code) => stop(`the onnxruntime worker stopped (exit code ${code})`));
    current = generation;
    return generation;
  }

  function call(generation: Generation, message: Record<string, unknown>): Promise<Reply> {
    if (generation.stopped) return Promise.reject(new Error('the onnxruntime worker stopped'));
    const id = nextId++;
    return new Promise<Reply>((resolve, reject) => {
      generation.pending.set(id, { resolve, reject });
      if (generation.pending.size === 1) generation.worker.ref();
      generation.worker.postMessage({ ...message, id });
    });
  }

  return {
    async load(bytes) {
      if (closed) throw new Error('the onnxruntime worker is closed');
      const generation = start();
      const reply = await call(generation, {
        op: 'load',
        bytes,
        ...(options.intraOpNumThreads !== undefined ? { threads: options.intraOpNumThreads } : {}),
      });
      const session = reply.session as number;
      let released = false;
      const release = async () => {
        if (released) return;
        released = true;
        if (!generation.stopped) await call(generation, { op: 'release', session }).catch(() => {});
      };
      let signature: ModelSignature;
      try {
        signature = readModelSignature(reply.inputs ?? [], (reply.outputs ?? []) as ValueMetadata[]);
      } catch (error) {
        await release();
        throw error;
      }
      return {
        ...signature,
        get alive() {
          return !released && !generation.stopped;
        },
        async run(feeds, fetches) {
          if (released) throw new Error('the session was released');
          // A view into a larger buffer (a binary request body) would be cloned with the whole buffer.
          const own = feeds.map((f) =>
            Array.isArray(f.values) || f.values.byteLength === f.values.buffer.byteLength
              ? f
              : { ...f, values: f.values.slice() },
          );
          const result = await call(generation, { op: 'run', session, feeds: own, fetches });
          return result.outputs as OutputTensor[];
        },
        release,
      };
    },
    async close() {
      closed = true;
      const generation = current;
      current = undefined;
      if (!generation || generation.stopped) return;
      await generation.worker.terminate();
      // The exit event rejects what was pending; mark it stopped now in case that event comes later.
      generation.stopped = true;
    },
  };
}
