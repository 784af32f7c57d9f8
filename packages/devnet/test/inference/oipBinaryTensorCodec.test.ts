import { describe, expect, it } from 'vitest';
import { decodeBinaryTensorData, encodeBinaryTensorData } from '../../src/inference/oipBinaryTensorCodec';

/** `values` as little-endian FP64 bytes placed at byte `offset` of a larger buffer. */
function fp64At(values: readonly number[], offset: number): Uint8Array {
  const whole = Buffer.alloc(offset + values.length * 8);
  for (const [i, v] of values.entries()) whole.writeDoubleLE(v, offset + i * 8);
  return new Uint8Array(whole.buffer, whole.byteOffset + offset, values.length * 8);
}

describe('binary tensor data codec', () => {
  it('numeric data at an aligned offset is a view on the request bytes; at an unaligned one, a copy', () => {
    const values = [0.1, -2.5, 1e300];
    const aligned = fp64At(values, 16);
    const view = decodeBinaryTensorData('FP64', aligned, 3) as Float64Array;
    expect(view).toEqual(Float64Array.from(values));
    expect(view.buffer).toBe(aligned.buffer);
    const unaligned = fp64At(values, 3);
    const copy = decodeBinaryTensorData('FP64', unaligned, 3) as Float64Array;
    expect(copy).toEqual(Float64Array.from(values));
    expect(copy.buffer).not.toBe(unaligned.buffer);
  });

  it('round-trips every fixed-size datatype and BYTES through encode and decode', () => {
    const cases: Array<[string, string, ArrayLike<number | bigint | string>]> = [
      ['FP32', 'float32', Float32Array.of(1.5, -0)],
      ['INT8', 'int8', Int8Array.of(-128, 127)],
      ['INT16', 'int16', Int16Array.of(-32768, 7)],
      ['INT32', 'int32', Int32Array.of(-1, 2 ** 31 - 1)],
      ['INT64', 'int64', BigInt64Array.of(-(2n ** 63n), 42n)],
      ['UINT8', 'uint8', Uint8Array.of(0, 255)],
      ['UINT16', 'uint16', Uint16Array.of(65535, 1)],
      ['UINT32', 'uint32', Uint32Array.of(2 ** 32 - 1, 0)],
      ['UINT64', 'uint64', BigUint64Array.of(2n ** 64n - 1n, 0n)],
      ['BOOL', 'bool', Uint8Array.of(1, 0)],
      ['BYTES', 'string', ['', 'ünï']],
    ];
    for (const [datatype, type, data] of cases) {
      const bytes = encodeBinaryTensorData({ type, data });
      expect(decodeBinaryTensorData(datatype, bytes, 2), datatype).toEqual(data);
    }
    // The wire form is little-endian, as the extension says.
    expect([...encodeBinaryTensorData({ type: 'int32', data: Int32Array.of(1) })]).toEqual([1, 0, 0, 0]);
    expect([...encodeBinaryTensorData({ type: 'string', data: ['ab'] })]).toEqual([2, 0, 0, 0, 97, 98]);
  });

  it('refuses sizes that do not match the element count, and BYTES that are not UTF-8', () => {
    expect(decodeBinaryTensorData('INT32', new Uint8Array(7), 2)).toMatch(/7 bytes, 2 INT32 elements take 8/);
    expect(decodeBinaryTensorData('BYTES', Uint8Array.of(1, 0, 0), 1)).toMatch(/ends inside the length/);
    expect(decodeBinaryTensorData('BYTES', Uint8Array.of(1, 0, 0, 0, 0xff), 1)).toMatch(/not valid UTF-8/);
    expect(decodeBinaryTensorData('BF16', new Uint8Array(2), 1)).toMatch(/unsupported datatype BF16/);
    expect(decodeBinaryTensorData('FP16', new Uint8Array(3), 1)).toMatch(/3 bytes, 1 FP16 elements take 2/);
  });
});
