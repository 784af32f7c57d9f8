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

/** What onnxruntime reports of one input or output (`InferenceSession.ValueMetadata`). */
export interface ValueMetadata {
  name: string;
  isTensor: boolean;
  type?: string;
  shape?: ReadonlyArray<number | string>;
}

/** A model's signature in OIP terms, and whether its requests can be stacked. */
export interface ModelSignature {
  inputs: TensorSignature[];
  outputs: TensorSignature[];
  /**
   * Whether requests can be stacked along the first dimension: every input and output has a rank of at least
   * 1 and the same symbolic first dimension.
   */
  batchable: boolean;
}

function signatures(metadata: readonly ValueMetadata[], what: string): TensorSignature[] {
  return metadata.map((m) => {
    if (!m.isTensor) throw new Error(`${what} ${m.name} is not a tensor (sequences and maps are not served)`);
    const datatype = oipDatatypeOfOrtType[m.type ?? ''];
    if (!datatype) throw new Error(`${what} ${m.name} has type ${m.type}, which OIP JSON cannot carry`);
    return { name: m.name, datatype, ortType: m.type as string, shape: [...(m.shape ?? [])] };
  });
}

/**
 * Reads a model's OIP signature from onnxruntime's input and output metadata; throws when a value is not a
 * tensor or has a type OIP cannot carry.
 *
 * @example
 * ```ts
 * const { inputs, outputs, batchable } = readModelSignature(session.inputMetadata, session.outputMetadata);
 * ```
 */
export function readModelSignature(
  inputMetadata: readonly ValueMetadata[],
  outputMetadata: readonly ValueMetadata[],
): ModelSignature {
  const inputs = signatures(inputMetadata, 'input');
  const outputs = signatures(outputMetadata, 'output');
  const first = inputs[0]?.shape[0];
  const batchable =
    typeof first === 'string' &&
    first !== '' &&
    [...inputs, ...outputs].every((s) => s.shape.length >= 1 && s.shape[0] === first);
  return { inputs, outputs, batchable };
}
