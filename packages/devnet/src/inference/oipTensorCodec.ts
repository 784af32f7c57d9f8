import { decodeFloat16, encodeFloat16, type NumericTensorArray } from '@aidoc/sdk';
import type { Tensor as OrtTensor } from 'onnxruntime-node';

/** OIP v2 datatype names supported by the devnet server, keyed by onnxruntime tensor type. */
export const oipDatatypeOfOrtType: Readonly<Record<string, string>> = {
  float16: 'FP16',
  float32: 'FP32',
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

/** Integer ranges of the integer datatypes (inclusive). */
const intRanges: Readonly<Record<string, readonly [bigint, bigint]>> = {
  INT8: [-128n, 127n],
  INT16: [-32768n, 32767n],
  INT32: [-2147483648n, 2147483647n],
  INT64: [-(2n ** 63n), 2n ** 63n - 1n],
  UINT8: [0n, 255n],
  UINT16: [0n, 65535n],
  UINT32: [0n, 4294967295n],
  UINT64: [0n, 2n ** 64n - 1n],
};

/** What an OIP tensor's data decodes to before it becomes an onnxruntime tensor. */
export type TensorValues = NumericTensorArray | string[];

/** A constructor of one of the numeric {@link TensorValues} arrays. */
export type TypedArrayConstructor = {
  new (length: number): Exclude<TensorValues, string[]>;
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): Exclude<TensorValues, string[]>;
  readonly BYTES_PER_ELEMENT: number;
};

/**
 * The typed array holding each fixed-size OIP datatype's values for onnxruntime (BOOL as bytes 0/1, FP16 as
 * its half-precision bit patterns).
 */
export const typedArrayOfDatatype: Readonly<Record<string, TypedArrayConstructor>> = {
  FP16: Uint16Array,
  FP32: Float32Array,
  FP64: Float64Array,
  INT8: Int8Array,
  INT16: Int16Array,
  INT32: Int32Array,
  INT64: BigInt64Array,
  UINT8: Uint8Array,
  UINT16: Uint16Array,
  UINT32: Uint32Array,
  UINT64: BigUint64Array,
  BOOL: Uint8Array,
};

/** Flattens OIP `data` (flat or nested row-major arrays); returns undefined when it is not an array of leaves. */
function flatten(data: unknown): unknown[] | undefined {
  if (!Array.isArray(data)) return undefined;
  if (!data.some(Array.isArray)) return data;
  const out: unknown[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) for (const x of v) walk(x);
    else out.push(v);
  };
  walk(data);
  return out;
}

/**
 * Decodes OIP JSON `data` of `datatype` into typed values for onnxruntime, or returns an error message
 * (element of the wrong kind, integer out of range).
 *
 * @example
 * ```ts
 * const values = decodeTensorData('FP32', [[1, 2], [3, 4]]); // Float32Array [1, 2, 3, 4]
 * ```
 */
export function decodeTensorData(datatype: string, data: unknown): TensorValues | string {
  const flat = flatten(data);
  if (!flat) return 'data must be an array';
  switch (datatype) {
    case 'FP16':
    case 'FP32':
    case 'FP64': {
      const out = datatype === 'FP64' ? new Float64Array(flat.length) : new Float32Array(flat.length);
      for (let i = 0; i < flat.length; i++) {
        const v = flat[i];
        if (typeof v !== 'number') return `data[${i}] must be a number for ${datatype}`;
        out[i] = v;
      }
      return datatype === 'FP16' ? encodeFloat16(out) : out;
    }
    case 'BOOL': {
      const out = new Uint8Array(flat.length);
      for (let i = 0; i < flat.length; i++) {
        const v = flat[i];
        if (typeof v !== 'boolean') return `data[${i}] must be true or false for BOOL`;
        out[i] = v ? 1 : 0;
      }
      return out;
    }
    case 'BYTES': {
      for (let i = 0; i < flat.length; i++) {
        if (typeof flat[i] !== 'string') return `data[${i}] must be a string for BYTES`;
      }
      return flat as string[];
    }
    default: {
      const range = intRanges[datatype];
      if (!range) return `unsupported datatype ${datatype}`;
      const wide = datatype === 'INT64' || datatype === 'UINT64';
      const out = new (typedArrayOfDatatype[datatype] as TypedArrayConstructor)(flat.length);
      for (let i = 0; i < flat.length; i++) {
        const v = flat[i];
        let n: bigint;
        if (typeof v === 'number' && Number.isSafeInteger(v)) n = BigInt(v);
        else if (wide && typeof v === 'string' && /^-?\d{1,20}$/.test(v)) n = BigInt(v);
        else return `data[${i}] must be an integer for ${datatype}`;
        if (n < range[0] || n > range[1]) return `data[${i}] is out of range for ${datatype}`;
        (out as unknown as (number | bigint)[])[i] = wide ? n : Number(n);
      }
      return out as TensorValues;
    }
  }
}

/**
 * Encodes an onnxruntime output tensor's data as OIP JSON: numbers, booleans for BOOL, strings for BYTES;
 * 64-bit integers outside the safe integer range become decimal strings.
 *
 * @example
 * ```ts
 * const data = encodeTensorData(outputs.label); // [1, 0, 1]
 * ```
 */
export function encodeTensorData(tensor: Pick<OrtTensor, 'type' | 'data'>): unknown[] {
  const data = tensor.data as ArrayLike<number | bigint | string>;
  if (tensor.type === 'bool') return Array.from(data as ArrayLike<number>, (v) => v !== 0);
  if (tensor.type === 'float16') return Array.from(decodeFloat16(data as ArrayLike<number>));
  if (tensor.type === 'int64' || tensor.type === 'uint64') {
    return Array.from(data as ArrayLike<bigint>, (v) =>
      v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString(),
    );
  }
  return Array.from(data);
}
