import { endianness } from 'node:os';
import type { NumericTensorArray } from '@aidoc/sdk';
import { type TensorValues, typedArrayOfDatatype } from './oipTensorCodec';

const littleEndianHost = endianness() === 'LE';

/** Copies `bytes` into a fresh, aligned buffer and, on a big-endian host, swaps each element's byte order. */
function nativeCopy(bytes: Uint8Array, elementSize: number): Uint8Array {
  const copy = new Uint8Array(bytes);
  if (!littleEndianHost) {
    const swap = Buffer.from(copy.buffer, 0, copy.byteLength);
    if (elementSize === 2) swap.swap16();
    else if (elementSize === 4) swap.swap32();
    else if (elementSize === 8) swap.swap64();
  }
  return copy;
}

/**
 * Bytes per element of a fixed-size OIP datatype in the binary tensor data extension, or undefined for BYTES
 * (length-prefixed elements) and unknown datatypes.
 *
 * @example
 * ```ts
 * binaryElementSize('FP32'); // 4
 * binaryElementSize('BYTES'); // undefined
 * ```
 */
export function binaryElementSize(datatype: string): number | undefined {
  return typedArrayOfDatatype[datatype]?.BYTES_PER_ELEMENT;
}

/**
 * Decodes one tensor's slice of the binary section (little-endian, row-major; BOOL one byte 0/1; BYTES a 4-byte
 * little-endian length before each element) into values for onnxruntime, or returns an error message. Numeric
 * data becomes a view on `bytes` when its offset is aligned, and a copy otherwise.
 *
 * @example
 * ```ts
 * const values = decodeBinaryTensorData('FP32', body.subarray(at, at + 8), 2); // Float32Array(2)
 * ```
 */
export function decodeBinaryTensorData(
  datatype: string,
  bytes: Uint8Array,
  count: number,
): TensorValues | string {
  if (datatype === 'BYTES') return decodeBinaryStrings(bytes, count);
  const Typed = typedArrayOfDatatype[datatype];
  if (!Typed) return `unsupported datatype ${datatype}`;
  const size = Typed.BYTES_PER_ELEMENT;
  if (bytes.byteLength !== count * size)
    return `binary_data_size is ${bytes.byteLength} bytes, ${count} ${datatype} elements take ${count * size}`;
  if (datatype === 'BOOL') {
    const at = bytes.findIndex((b) => b > 1);
    if (at >= 0) return `binary element ${at} is ${bytes[at]}; a BOOL is one byte, 0 or 1`;
  }
  if (littleEndianHost && bytes.byteOffset % size === 0)
    return new Typed(bytes.buffer, bytes.byteOffset, count);
  const copy = nativeCopy(bytes, size);
  return new Typed(copy.buffer, copy.byteOffset, count);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function decodeBinaryStrings(bytes: Uint8Array, count: number): string[] | string {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: string[] = new Array(count);
  let at = 0;
  for (let i = 0; i < count; i++) {
    if (at + 4 > bytes.byteLength)
      return `binary_data_size of ${bytes.byteLength} bytes ends inside the length of BYTES element ${i} of ${count}`;
    const length = view.getUint32(at, true);
    at += 4;
    if (at + length > bytes.byteLength)
      return `BYTES element ${i} has a length of ${length} bytes, past the end of its ${bytes.byteLength}-byte binary_data_size`;
    try {
      out[i] = utf8.decode(bytes.subarray(at, at + length));
    } catch {
      return `BYTES element ${i} is not valid UTF-8 (this server carries BYTES as text)`;
    }
    at += length;
  }
  if (at !== bytes.byteLength)
    return `binary_data_size is ${bytes.byteLength} bytes, its ${count} BYTES elements take ${at}`;
  return out;
}

/**
 * Encodes an onnxruntime output tensor's data in the binary tensor data format: the raw little-endian bytes of
 * numeric data (int64 as 8 bytes each, bool as one byte 0/1), or a 4-byte little-endian length before each
 * UTF-8 string.
 *
 * @example
 * ```ts
 * const bytes = encodeBinaryTensorData({ type: 'float32', data: Float32Array.of(1, 2) }); // 8 bytes
 * ```
 */
export function encodeBinaryTensorData(tensor: {
  type: string;
  data: ArrayLike<number | bigint | string>;
}): Uint8Array {
  const { data } = tensor;
  if (ArrayBuffer.isView(data)) {
    const view = data as unknown as NumericTensorArray;
    const raw = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
    return littleEndianHost ? raw : nativeCopy(raw, view.BYTES_PER_ELEMENT);
  }
  if (tensor.type === 'bool') return Uint8Array.from(data as ArrayLike<number | boolean>, (v) => (v ? 1 : 0));
  const parts = Array.from(data as ArrayLike<string>, (s) => Buffer.from(String(s), 'utf8'));
  const out = Buffer.allocUnsafe(parts.reduce((n, p) => n + 4 + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.writeUInt32LE(p.byteLength, at);
    out.set(p, at + 4);
    at += 4 + p.byteLength;
  }
  return out;
}
