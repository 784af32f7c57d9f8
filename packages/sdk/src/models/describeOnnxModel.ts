import { AidocError } from '../errors';
import type { OipDatatype } from './InferTensor';

/** An input or output of an ONNX model: OIP datatype, and shape with -1 for dynamic dimensions. */
export interface ModelTensorSpec {
  name: string;
  datatype: OipDatatype;
  shape: number[];
  /** Names of symbolic dimensions by position (e.g. `{ "0": "batch" }`), when the model names them. */
  dimNames?: Record<string, string>;
}

/** What loading an ONNX file with onnxruntime reveals about it. */
export interface OnnxModelDescription {
  inputs: ModelTensorSpec[];
  outputs: ModelTensorSpec[];
}

const datatypeOf: Readonly<Record<string, OipDatatype>> = {
  float32: 'FP32',
  float16: 'FP16',
  float64: 'FP64',
  int8: 'INT8',
  int16: 'INT16',
  int32: 'INT32',
  int64: 'INT64',
  uint8: 'UINT8',
  uint16: 'UINT16',
  uint32: 'UINT32',
  uint64: 'UINT64',
  bool: 'BOOL',
  string: 'BYTES',
};

type OrtModule = typeof import('onnxruntime-node');

function specs(
  metadata: readonly import('onnxruntime-node').InferenceSession.ValueMetadata[],
  what: string,
): ModelTensorSpec[] {
  return metadata.map((m) => {
    if (!m.isTensor)
      throw new AidocError('INVALID_INPUT', `The model's ${what} "${m.name}" is not a tensor.`, {
        details: 'Open Inference Protocol servers exchange tensors only (no sequences or maps).',
      });
    const datatype = datatypeOf[m.type];
    if (!datatype)
      throw new AidocError(
        'INVALID_INPUT',
        `The model's ${what} "${m.name}" has type ${m.type}, which OIP JSON cannot carry.`,
      );
    const dimNames: Record<string, string> = {};
    const shape = m.shape.map((d, i) => {
      if (typeof d === 'number') return d;
      if (d !== '') dimNames[String(i)] = d;
      return -1;
    });
    return { name: m.name, datatype, shape, ...(Object.keys(dimNames).length > 0 ? { dimNames } : {}) };
  });
}

/**
 * Validates an ONNX file by loading it with onnxruntime-node and returns its input and output signature.
 * Throws INVALID_INPUT for a file that is not a loadable ONNX model. onnxruntime-node is loaded on first use,
 * so the rest of the SDK works without it.
 *
 * @example
 * ```ts
 * const { inputs, outputs } = await describeOnnxModel(await readFile('wdbc-classifier.onnx'));
 * // inputs: [{ name: 'features', datatype: 'FP32', shape: [-1, 30], dimNames: { 0: 'batch' } }]
 * ```
 */
export async function describeOnnxModel(bytes: Uint8Array): Promise<OnnxModelDescription> {
  let ort: OrtModule;
  try {
    ort = await import('onnxruntime-node');
  } catch (cause) {
    throw new AidocError('UNSUPPORTED', 'Validating an ONNX model needs onnxruntime-node.', {
      details: 'Install onnxruntime-node (1.30) next to @aidoc/sdk; it runs in Node only.',
      cause,
    });
  }
  let session: import('onnxruntime-node').InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes);
  } catch (cause) {
    throw new AidocError(
      'INVALID_INPUT',
      'The file is not a valid ONNX model: onnxruntime could not load it.',
      {
        details: (cause as Error)?.message,
        cause,
      },
    );
  }
  try {
    return {
      inputs: specs(session.inputMetadata, 'input'),
      outputs: specs(session.outputMetadata, 'output'),
    };
  } finally {
    await session.release();
  }
}
