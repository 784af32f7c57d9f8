import * as ort from 'onnxruntime-node';
import { type ModelSignature, readModelSignature } from './readModelSignature';

/** A model loaded into an onnxruntime session in this thread. */
export interface LoadedSession extends ModelSignature {
  session: ort.InferenceSession;
}

/**
 * Loads ONNX bytes into an onnxruntime-node session (CPU) in this thread and reads its input/output
 * signature. (The inference server runs its sessions on a worker thread instead, see `createOnnxWorker`.)
 *
 * @example
 * ```ts
 * const { session, inputs, batchable } = await loadModelSession(bytes);
 * ```
 */
export async function loadModelSession(
  bytes: Uint8Array,
  intraOpNumThreads?: number,
): Promise<LoadedSession> {
  const session = await ort.InferenceSession.create(bytes, {
    executionProviders: ['cpu'],
    ...(intraOpNumThreads !== undefined ? { intraOpNumThreads } : {}),
  });
  try {
    return { session, ...readModelSignature(session.inputMetadata, session.outputMetadata) };
  } catch (error) {
    await session.release();
    throw error;
  }
}
