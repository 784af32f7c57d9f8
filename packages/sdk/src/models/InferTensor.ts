import { AidocError } from '../errors';
import { decodeFloat16, encodeFloat16 } from './encodeFloat16';

/** Open Inference Protocol v2 tensor datatypes the SDK encodes and decodes. */
export type OipDatatype =
  | 'BOOL'
  | 'UINT8'
  | 'UINT16'
  | 'UINT32'
  | 'UINT64'
  | 'INT8'
  | 'INT16'
  | 'INT32'
  | 'INT64'
  | 'FP16'
  | 'FP32'
  | 'FP64'
  | 'BYTES';

/** The typed arrays tensor data comes in, one per numeric OIP datatype. */
export type NumericTensorArray =
  | Float32Array
  | Float64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | BigInt64Array
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | BigUint64Array;

/** Tensor data as the SDK accepts it: typed arrays, plain arrays (flat, row-major), booleans or strings. */
export type TensorData =
  | NumericTensorArray
  | readonly number[]
  | readonly (number | bigint)[]
  | readonly boolean[]
  | readonly string[];

/**
 * An input tensor. `datatype` may be omitted for typed arrays (Float32Array → FP32, BigInt64Array → INT64, …).
 * FP16 data is given as numbers (an array or a Float32Array), rounded to half precision when sent.
 */
export interface InferInput {
  name: string;
  shape: readonly number[];
  datatype?: OipDatatype;
  data: TensorData;
}

/**
 * A decoded output tensor: FP16 and FP32 → Float32Array, FP64 → Float64Array, INT64 → BigInt64Array,
 * BOOL → boolean[], BYTES → string[].
 */
export interface InferOutput {
  name: string;
  datatype: OipDatatype;
  shape: number[];
  data: NumericTensorArray | boolean[] | string[];
}

/** The typed arrays' constructors, as the encoders and decoders below use them. */
type NumericArrayCtor = {
  readonly BYTES_PER_ELEMENT: number;
  new (buffer: ArrayBuffer): NumericTensorArray;
  from(values: ArrayLike<unknown>, map: (v: unknown) => number | bigint): NumericTensorArray;
};

/**
 * The typed array of each numeric OIP datatype: the one table every encoder and decoder here reads. (FP16
 * travels as half-precision bits and is handled on its own: numbers in, Float32Array out.)
 */
const numericArrays: Readonly<Record<Exclude<OipDatatype, 'BYTES' | 'BOOL' | 'FP16'>, NumericArrayCtor>> = {
  UINT8: Uint8Array as unknown as NumericArrayCtor,
  INT8: Int8Array as unknown as NumericArrayCtor,
  UINT16: Uint16Array as unknown as NumericArrayCtor,
  INT16: Int16Array as unknown as NumericArrayCtor,
  UINT32: Uint32Array as unknown as NumericArrayCtor,
  INT32: Int32Array as unknown as NumericArrayCtor,
  FP32: Float32Array as unknown as NumericArrayCtor,
  UINT64: BigUint64Array as unknown as NumericArrayCtor,
  INT64: BigInt64Array as unknown as NumericArrayCtor,
  FP64: Float64Array as unknown as NumericArrayCtor,
};

/** Which datatype a typed array carries (`Float32Array` → FP32, …). */
const typedDatatype = Object.entries(numericArrays) as ReadonlyArray<[OipDatatype, NumericArrayCtor]>;

const datatypes = new Set<string>([
  'BOOL',
  'UINT8',
  'UINT16',
  'UINT32',
  'UINT64',
  'INT8',
  'INT16',
  'INT32',
  'INT64',
  'FP16',
  'FP32',
  'FP64',
  'BYTES',
]);

function bad(message: string): AidocError {
  return new AidocError('INVALID_INPUT', message, {
    details: 'An input is { name, shape, datatype, data } with data flat in row-major order.',
  });
}

/** An input checked against its shape and datatype: its values, flat, and whether they came as a typed array. */
interface CheckedInput {
  name: string;
  shape: number[];
  datatype: OipDatatype;
  data: unknown;
  typed: boolean;
  /** Element count of `shape`. */
  count: number;
}

function checkInferInput(input: InferInput): CheckedInput {
  if (typeof input !== 'object' || input === null || typeof input.name !== 'string' || input.name === '')
    throw bad('Each input needs a non-empty name.');
  if (!Array.isArray(input.shape) || !input.shape.every((d) => Number.isSafeInteger(d) && d >= 0))
    throw bad(`Input "${input.name}": shape must be an array of non-negative integers.`);
  const data = input.data as unknown;
  const typed = typedDatatype.find(([, ctor]) => data instanceof (ctor as unknown as typeof Uint8Array))?.[0];
  const datatype = input.datatype ?? typed;
  if (datatype === undefined)
    throw bad(
      `Input "${input.name}": give a datatype (plain arrays do not say whether they are FP32, INT64, …).`,
    );
  if (!datatypes.has(datatype)) throw bad(`Input "${input.name}": unknown datatype ${String(datatype)}.`);
  // FP16 values come as numbers: a Float32Array carries them as well as an array does.
  const fp16FromFloats = datatype === 'FP16' && typed === 'FP32';
  if (typed !== undefined && typed !== datatype && !fp16FromFloats)
    throw bad(`Input "${input.name}": a ${typed} typed array cannot carry ${datatype} data.`);
  if (!Array.isArray(data) && typed === undefined)
    throw bad(`Input "${input.name}": data must be an array or a typed array.`);
  const length = (data as ArrayLike<unknown>).length;
  const count = input.shape.reduce((a, d) => a * d, 1);
  if (length !== count)
    throw bad(
      `Input "${input.name}" has ${length} values; shape [${input.shape.join(', ')}] needs ${count}.`,
    );
  if (typed === undefined) {
    const values = data as readonly unknown[];
    const check = (ok: (v: unknown) => boolean, what: string) => {
      const i = values.findIndex((v) => !ok(v));
      if (i >= 0) throw bad(`Input "${input.name}": data[${i}] must be ${what} for ${datatype}.`);
    };
    if (datatype === 'BOOL') check((v) => typeof v === 'boolean', 'a boolean');
    else if (datatype === 'BYTES') check((v) => typeof v === 'string', 'a string');
    else if (datatype === 'FP16' || datatype === 'FP32' || datatype === 'FP64')
      check((v) => typeof v === 'number', 'a number');
    else
      check(
        (v) => (typeof v === 'number' && Number.isSafeInteger(v)) || typeof v === 'bigint',
        'an integer (number or bigint)',
      );
  }
  return {
    name: input.name,
    shape: [...input.shape],
    datatype,
    data,
    typed: typed !== undefined && !fp16FromFloats,
    count,
  };
}

/**
 * Checks an input tensor and encodes it as an OIP v2 JSON input (64-bit integers beyond 2^53 as decimal strings).
 *
 * @example
 * ```ts
 * encodeInferInput({ name: 'features', shape: [1, 2], data: new Float32Array([0.5, 1]) });
 * // { name: 'features', shape: [1, 2], datatype: 'FP32', data: [0.5, 1] }
 * ```
 */
export function encodeInferInput(input: InferInput): {
  name: string;
  shape: number[];
  datatype: OipDatatype;
  data: unknown[];
} {
  const { name, shape, datatype, data } = checkInferInput(input);
  const values = Array.from(data as ArrayLike<unknown>);
  const integer = !['BOOL', 'BYTES', 'FP16', 'FP32', 'FP64'].includes(datatype);
  const encoded = integer
    ? values.map((v) =>
        typeof v === 'bigint'
          ? v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)
            ? Number(v)
            : v.toString()
          : v,
      )
    : values;
  return { name, shape, datatype, data: encoded };
}

/** Typed arrays are in the platform's byte order; the extension is little-endian (as every platform Node runs on). */
const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function rawBytes(view: { buffer: ArrayBufferLike; byteOffset: number; byteLength: number }): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

/**
 * Checks an input tensor and encodes it for the binary tensor data extension (Triton's `binary_tensor_data`, also
 * served by the devnet): the JSON part names the byte count in `parameters.binary_data_size`, and the values
 * are raw little-endian bytes (BYTES: each element a 4-byte little-endian length, then its UTF-8 bytes).
 *
 * @example
 * ```ts
 * const { json, bytes } = encodeBinaryInferInput({ name: 'features', shape: [1, 2], data: new Float32Array([0.5, 1]) });
 * // json.parameters.binary_data_size === 8, bytes.byteLength === 8
 * ```
 */
export function encodeBinaryInferInput(input: InferInput): {
  json: { name: string; shape: number[]; datatype: OipDatatype; parameters: { binary_data_size: number } };
  bytes: Uint8Array;
} {
  if (!littleEndian)
    throw new AidocError(
      'UNSUPPORTED',
      'Binary tensor data needs a little-endian platform; use JSON instead.',
    );
  const { name, shape, datatype, data, typed } = checkInferInput(input);
  let bytes: Uint8Array;
  if (datatype === 'BYTES') {
    const encoder = new TextEncoder();
    const parts = (data as readonly string[]).map((v) => encoder.encode(v));
    bytes = new Uint8Array(parts.reduce((n, p) => n + 4 + p.byteLength, 0));
    const view = new DataView(bytes.buffer);
    let at = 0;
    for (const part of parts) {
      view.setUint32(at, part.byteLength, true);
      bytes.set(part, at + 4);
      at += 4 + part.byteLength;
    }
  } else if (datatype === 'BOOL') {
    bytes = Uint8Array.from(data as readonly boolean[], (v) => (v ? 1 : 0));
  } else if (datatype === 'FP16') {
    bytes = rawBytes(encodeFloat16(data as ArrayLike<number>));
  } else if (typed) {
    bytes = rawBytes(data as Uint8Array);
  } else {
    const bigint = datatype === 'INT64' || datatype === 'UINT64';
    bytes = rawBytes(
      numericArrays[datatype].from(data as ArrayLike<unknown>, (v) =>
        bigint ? BigInt(v as number | bigint) : Number(v),
      ),
    );
  }
  return { json: { name, shape, datatype, parameters: { binary_data_size: bytes.byteLength } }, bytes };
}

/**
 * Decodes an OIP v2 JSON output tensor into typed data (see {@link InferOutput}).
 *
 * @example
 * ```ts
 * decodeInferOutput({ name: 'label', datatype: 'INT64', shape: [2], data: [1, 0] }).data; // BigInt64Array [1n, 0n]
 * ```
 */
export function decodeInferOutput(output: unknown): InferOutput {
  const o = output as { name?: unknown; datatype?: unknown; shape?: unknown; data?: unknown };
  if (
    typeof o?.name !== 'string' ||
    typeof o.datatype !== 'string' ||
    !datatypes.has(o.datatype) ||
    !Array.isArray(o.shape) ||
    !Array.isArray(o.data)
  ) {
    throw new AidocError('INTERNAL', 'The inference server sent a malformed output tensor.', {
      details: JSON.stringify(output)?.slice(0, 200),
    });
  }
  const datatype = o.datatype as OipDatatype;
  const flat = (o.data as unknown[]).flat(Number.POSITIVE_INFINITY) as unknown[];
  const shape = o.shape as number[];
  const base = { name: o.name, datatype, shape };
  if (datatype === 'BOOL') return { ...base, data: flat.map((v) => v === true || v === 1) };
  if (datatype === 'BYTES') return { ...base, data: flat.map(String) };
  if (datatype === 'INT64')
    return { ...base, data: BigInt64Array.from(flat, (v) => BigInt(v as number | string)) };
  if (datatype === 'UINT64')
    return { ...base, data: BigUint64Array.from(flat, (v) => BigInt(v as number | string)) };
  // JSON has no infinity or NaN: servers write them as null, which comes back as NaN (binary keeps them).
  const toNumber = (v: unknown) => (v === null ? Number.NaN : Number(v));
  if (datatype === 'FP16') return { ...base, data: Float32Array.from(flat, toNumber) };
  return { ...base, data: numericArrays[datatype].from(flat, toNumber) };
}

function malformedOutput(output: unknown, why: string): AidocError {
  return new AidocError('INTERNAL', `The inference server sent a malformed binary output tensor: ${why}.`, {
    details: JSON.stringify(output)?.slice(0, 200),
  });
}

/**
 * Decodes an output tensor sent with the binary tensor data extension: its JSON entry (with
 * `parameters.binary_data_size`) and its slice of the response's binary part.
 *
 * @example
 * ```ts
 * const out = decodeBinaryInferOutput(
 *   { name: 'label', datatype: 'INT64', shape: [1], parameters: { binary_data_size: 8 } },
 *   new Uint8Array(new BigInt64Array([1n]).buffer),
 * ); // out.data: BigInt64Array [1n]
 * ```
 */
export function decodeBinaryInferOutput(output: unknown, bytes: Uint8Array): InferOutput {
  const o = output as { name?: unknown; datatype?: unknown; shape?: unknown };
  if (
    typeof o?.name !== 'string' ||
    typeof o.datatype !== 'string' ||
    !datatypes.has(o.datatype) ||
    !Array.isArray(o.shape) ||
    !o.shape.every((d) => Number.isSafeInteger(d) && d >= 0)
  )
    throw malformedOutput(output, 'missing name, datatype or shape');
  if (!littleEndian)
    throw new AidocError(
      'UNSUPPORTED',
      'Binary tensor data needs a little-endian platform; use JSON instead.',
    );
  const datatype = o.datatype as OipDatatype;
  const shape = o.shape as number[];
  const count = shape.reduce((a, d) => a * d, 1);
  const base = { name: o.name, datatype, shape };
  if (datatype === 'BYTES') {
    const decoder = new TextDecoder();
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const values: string[] = [];
    let at = 0;
    while (at < bytes.byteLength) {
      if (at + 4 > bytes.byteLength) throw malformedOutput(output, 'a BYTES length is cut off');
      const length = view.getUint32(at, true);
      if (at + 4 + length > bytes.byteLength) throw malformedOutput(output, 'a BYTES element is cut off');
      values.push(decoder.decode(bytes.subarray(at + 4, at + 4 + length)));
      at += 4 + length;
    }
    if (values.length !== count) throw malformedOutput(output, `${values.length} elements for ${count}`);
    return { ...base, data: values };
  }
  const elementSize =
    datatype === 'BOOL' ? 1 : datatype === 'FP16' ? 2 : numericArrays[datatype].BYTES_PER_ELEMENT;
  if (bytes.byteLength !== count * elementSize)
    throw malformedOutput(output, `${bytes.byteLength} bytes for ${count} ${datatype} elements`);
  if (datatype === 'BOOL') return { ...base, data: Array.from(bytes, (b) => b !== 0) };
  if (datatype === 'FP16') return { ...base, data: decodeFloat16(new Uint16Array(bytes.slice().buffer)) };
  // A copy: the slice may be unaligned for its element size, and the caller owns the result.
  return { ...base, data: new numericArrays[datatype](bytes.slice().buffer) };
}
