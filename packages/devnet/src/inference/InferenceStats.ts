/** Counters the inference server exposes (tests assert batching and caching through them, not timing). */
export interface InferenceStats {
  /** HTTP requests received. */
  requests: number;
  /** `infer` requests answered with outputs. */
  inferences: number;
  /** Requests answered with an OIP error. */
  errors: number;
  /** ONNX files loaded into a session (once per model while it stays cached). */
  modelLoads: number;
  /** Sessions released to stay under the memory cap. */
  modelEvictions: number;
  /** `session.run` calls. */
  sessionRuns: number;
  /** Runs that served more than one request (dynamic batching). */
  batchedRuns: number;
  /** Requests served by those batched runs. */
  batchedRequests: number;
  /** Most requests served by one run. */
  maxRequestsPerRun: number;
  /** Sessions currently loaded. */
  loadedModels: number;
  /** Bytes of ONNX files behind the loaded sessions (what the memory cap counts). */
  loadedBytes: number;
}

/**
 * A zeroed {@link InferenceStats}.
 *
 * @example
 * ```ts
 * const stats = emptyInferenceStats();
 * ```
 */
export function emptyInferenceStats(): InferenceStats {
  return {
    requests: 0,
    inferences: 0,
    errors: 0,
    modelLoads: 0,
    modelEvictions: 0,
    sessionRuns: 0,
    batchedRuns: 0,
    batchedRequests: 0,
    maxRequestsPerRun: 0,
    loadedModels: 0,
    loadedBytes: 0,
  };
}
