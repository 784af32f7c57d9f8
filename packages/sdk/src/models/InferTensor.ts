import { AidocError } from '../errors';

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
  | 'FP32'
  | 'FP64'
  | 'BYTES';

/** Tensor data as the SDK accepts it: typed arrays, plain arrays (flat, row-major), booleans or strings. */
export type TensorData =
  | Float32Array
  | Float64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | BigInt64Array
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | BigUint64Array
  | readonly number[]
  | readonly bigint[]
  | readonly boolean[]
  | readonly string[];

/** An input tensor. `datatype` may be omitted for typed arrays (Float32Array → FP32, BigInt64Array → INT64, …). */
export interface InferInput {
  name: string;
  shape: readonly number[];
  datatype?: OipDatatype;
  data: TensorData;
}

/** A decoded output tensor: FP32 → Float32Array, FP64 → Float64Array, INT64 → BigInt64Array, BOOL → boolean[], BYTES → string[]. */
export interface InferOutput {
  name: string;
  datatype: OipDatatype;
  shape: number[];
  data:
    | Float32Array
    | Float64Array
    | Int8Array
    | Int16Array
    | Int32Array
    | BigInt64Array
    | Uint8Array
    | Uint16Array
    | Uint32Array
    | BigUint64Array
    | boolean[]
    | string[];
}

const typedDatatype: ReadonlyArray<[abstract new (...args: never[]) => unknown, OipDatatype]> = [
  [Float32Array, 'FP32'],
  [Float64Array, 'FP64'],
  [Int8Array, 'INT8'],
  [Int16Array, 'INT16'],
  [Int32Array, 'INT32'],
  [BigInt64Array, 'INT64'],
  [Uint8Array, 'UINT8'],
  [Uint16Array, 'UINT16'],
  [Uint32Array, 'UINT32'],
  [BigUint64Array, 'UINT64'],
];

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
  'FP32',
  'FP64',
  'BYTES',
]);

function bad(message: string): AidocError {
  return new AidocError('INVALID_INPUT', message, {
    details: 'An input is { name, shape, datatype, data } with data flat in row-major order.',
  });
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
  if (typeof input !== 'object' || input === null || typeof input.name !== 'string' || input.name === '')
    throw bad('Each input needs a non-empty name.');
  if (!Array.isArray(input.shape) || !input.shape.every((d) => Number.isSafeInteger(d) && d >= 0))
    throw bad(`Input "${input.name}": shape must be an array of non-negative integers.`);
  const data = input.data as unknown;
  const typed = typedDatatype.find(([ctor]) => data instanceof ctor)?.[1];
  const datatype = input.datatype ?? typed;
  if (datatype === undefined)
    throw bad(
      `Input "${input.name}": give a datatype (plain arrays do not say whether they are FP32, INT64, …).`,
    );
  if (!datatypes.has(datatype)) throw bad(`Input "${input.name}": unknown datatype ${String(datatype)}.`);
  if (typed !== undefined && typed !== datatype)
    throw bad(`Input "${input.name}": a ${typed} typed array cannot carry ${datatype} data.`);
  if (!Array.isArray(data) && typed === undefined)
    throw bad(`Input "${input.name}": data must be an array or a typed array.`);
  const values = Array.from(data as ArrayLike<unknown>);
  const count = input.shape.reduce((a, d) => a * d, 1);
  if (values.length !== count)
    throw bad(
      `Input "${input.name}" has ${values.length} values; shape [${input.shape.join(', ')}] needs ${count}.`,
    );
  const check = (ok: (v: unknown) => boolean, what: string) => {
    const i = values.findIndex((v) => !ok(v));
    if (i >= 0) throw bad(`Input "${input.name}": data[${i}] must be ${what} for ${datatype}.`);
  };
  let encoded: unknown[] = values;
  if (datatype === 'BOOL') check((v) => typeof v === 'boolean', 'a boolean');
  else if (datatype === 'BYTES') check((v) => typeof v === 'string', 'a string');
  else if (datatype === 'FP32' || datatype === 'FP64') check((v) => typeof v === 'number', 'a number');
  else {
    check(
      (v) => (typeof v === 'number' && Number.isSafeInteger(v)) || typeof v === 'bigint',
      'an integer (number or bigint)',
    );
    encoded = values.map((v) =>
      typeof v === 'bigint'
        ? v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)
          ? Number(v)
          : v.toString()
        : v,
    );
  }
  return { name: input.name, shape: [...input.shape], datatype, data: encoded };
}

const outputArrays: Partial<Record<OipDatatype, new (values: ArrayLike<number>) => InferOutput['data']>> = {
  FP32: Float32Array,
  FP64: Float64Array,
  INT8: Int8Array,
  INT16: Int16Array,
  INT32: Int32Array,
  UINT8: Uint8Array,
  UINT16: Uint16Array,
  UINT32: Uint32Array,
};

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
  const Ctor = outputArrays[datatype] as new (values: ArrayLike<number>) => InferOutput['data'];
  return { ...base, data: new Ctor(flat as number[]) };
}
