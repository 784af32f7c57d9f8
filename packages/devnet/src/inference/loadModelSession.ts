import * as ort from 'onnxruntime-node';
import { oipDatatypeOfOrtType } from './oipTensorCodec';

/** An input or output of a loaded model, in OIP terms. */
export interface TensorSignature {
  name: string;
  /** OIP datatype (`FP32`, `INT64`, `BOOL`, `BYTES`, …). */
  datatype: string;
  /** onnxruntime tensor type (`float32`, `int64`, `bool`, `string`, …). */
  ortType: string;
  /** Dimensions: a number is fixed, a string is symbolic (dynamic); OIP metadata prints those as -1. */
  shape: Array<number | string>;
}

/** A model loaded into an onnxruntime session. */
export interface LoadedSession {
  session: ort.InferenceSession;
  inputs: TensorSignature[];
  outputs: TensorSignature[];
  /**
   * Whether requests can be stacked along the first dimension: every input and output has a rank of at least
   * 1 and the same symbolic first dimension.
   */
  batchable: boolean;
}

function signatures(
  metadata: readonly ort.InferenceSession.ValueMetadata[],
  what: string,
): TensorSignature[] {
  return metadata.map((m) => {
    if (!m.isTensor) throw new Error(`${what} ${m.name} is not a tensor (sequences and maps are not served)`);
    const datatype = oipDatatypeOfOrtType[m.type];
    if (!datatype) throw new Error(`${what} ${m.name} has type ${m.type}, which OIP JSON cannot carry`);
    return { name: m.name, datatype, ortType: m.type, shape: [...m.shape] };
  });
}

/**
 * Loads ONNX bytes into an onnxruntime-node session (CPU) and reads its input/output signature.
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
    const inputs = signatures(session.inputMetadata, 'input');
    const outputs = signatures(session.outputMetadata, 'output');
    const first = inputs[0]?.shape[0];
    const batchable =
      typeof first === 'string' &&
      first !== '' &&
      [...inputs, ...outputs].every((s) => s.shape.length >= 1 && s.shape[0] === first);
    return { session, inputs, outputs, batchable };
  } catch (error) {
    await session.release();
    throw error;
  }
}
