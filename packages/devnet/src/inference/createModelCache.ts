import { type BatchingOptions, type BatchingRunner, createBatchingRunner } from './createBatchingRunner';
import type { RunnableModel } from './createOnnxWorker';
import type { InferenceStats } from './InferenceStats';

/** A cached model: its session on the worker (with its signature) and its runner. */
export interface CachedModel {
  model: RunnableModel;
  key: string;
  bytes: number;
  runner: BatchingRunner;
}

/** Sessions by content id, loaded once, evicted least-recently-used beyond a memory cap. */
export interface ModelCache {
  /** The cached model for `key`, loading it with `fetchBytes` on first use (concurrent callers share one load). */
  get(key: string, fetchBytes: () => Promise<Uint8Array>): Promise<CachedModel>;
  /** Releases every session. */
  close(): Promise<void>;
}

/**
 * Creates the session cache. Memory is counted as the ONNX file sizes (the weights dominate a session's
 * footprint); when a load takes the total over `maxLoadedBytes`, idle sessions are released oldest-use first.
 *
 * @example
 * ```ts
 * const cache = createModelCache({ maxLoadedBytes: 512 * 2 ** 20, batching, stats });
 * const model = await cache.get(cid, () => readAll(cid));
 * ```
 */
export function createModelCache(options: {
  maxLoadedBytes: number;
  batching: BatchingOptions;
  stats: InferenceStats;
  /** Loads ONNX bytes into a session (the inference server's onnxruntime worker). */
  load: (bytes: Uint8Array) => Promise<RunnableModel>;
  onEvent?: (msg: string, fields: Record<string, unknown>) => void;
}): ModelCache {
  const { stats } = options;
  // Map order is recency order: a hit moves the entry to the end.
  const loaded = new Map<string, CachedModel>();
  const loading = new Map<string, Promise<CachedModel>>();

  function evict(keep: string): void {
    for (const [key, model] of loaded) {
      if (stats.loadedBytes <= options.maxLoadedBytes) return;
      if (key === keep || model.runner.busy > 0) continue;
      forget(key, model);
      stats.modelEvictions++;
      void model.model.release();
      options.onEvent?.('model evicted', { key, bytes: model.bytes });
    }
  }

  function forget(key: string, model: CachedModel): void {
    loaded.delete(key);
    stats.loadedBytes -= model.bytes;
    stats.loadedModels--;
  }

  return {
    async get(key, fetchBytes) {
      const hit = loaded.get(key);
      if (hit?.model.alive) {
        loaded.delete(key);
        loaded.set(key, hit);
        return hit;
      }
      // A session lost with a stopped worker is loaded again.
      if (hit) forget(key, hit);
      let pending = loading.get(key);
      if (!pending) {
        pending = (async () => {
          const bytes = await fetchBytes();
          const session = await options.load(bytes);
          const model: CachedModel = {
            model: session,
            key,
            bytes: bytes.byteLength,
            runner: createBatchingRunner(session, options.batching, stats),
          };
          stats.modelLoads++;
          stats.loadedModels++;
          stats.loadedBytes += model.bytes;
          loaded.set(key, model);
          options.onEvent?.('model loaded', { key, bytes: model.bytes, batchable: session.batchable });
          evict(key);
          return model;
        })().finally(() => loading.delete(key));
        loading.set(key, pending);
      }
      return pending;
    },
    async close() {
      await Promise.allSettled([...loading.values()]);
      const models = [...loaded.values()];
      loaded.clear();
      stats.loadedBytes = 0;
      stats.loadedModels = 0;
      await Promise.allSettled(models.map((m) => m.model.release()));
    },
  };
}
