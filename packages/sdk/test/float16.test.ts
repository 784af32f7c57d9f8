import { describe, expect, it } from 'vitest';
import {
  decodeBinaryInferOutput,
  decodeFloat16,
  decodeInferOutput,
  encodeBinaryInferInput,
  encodeFloat16,
  encodeInferInput,
} from '../src/models';

// IEEE 754-2008 binary16 reference values (bit patterns as tabulated, e.g., in Wikipedia's
// "Half-precision floating-point format" examples).
const vectors: Array<[number, number]> = [
  [0, 0x0000],
  [-0, 0x8000],
  [1, 0x3c00],
  [-2, 0xc000],
  [65504, 0x7bff], // largest finite
  [2 ** -14, 0x0400], // smallest normal
  [2 ** -24, 0x0001], // smallest subnormal
  [0.333251953125, 0x3555], // nearest half to 1/3
  [Number.POSITIVE_INFINITY, 0x7c00],
  [Number.NEGATIVE_INFINITY, 0xfc00],
];

describe('FP16 (IEEE 754 half precision)', () => {
  it('encodes and decodes the reference values exactly', () => {
    expect([...encodeFloat16(vectors.map(([v]) => v))]).toEqual(vectors.map(([, bits]) => bits));
    const back = decodeFloat16(vectors.map(([, bits]) => bits));
    for (const [i, [v]] of vectors.entries()) expect(Object.is(back[i], v), String(v)).toBe(true);
  });

  it('rounds to nearest, ties to even, overflows to infinity and keeps NaN', () => {
    const [third, tenth, tieDown, tieUp, big, tiny, halfTiny, nan] = encodeFloat16([
      1 / 3,
      0.1,
      1 + 2 ** -11, // halfway between 1 and 1 + 2^-10: to the even one, 1
      1 + 3 * 2 ** -11, // halfway between 1 + 2^-10 and 1 + 2^-9: to the even one, 1 + 2^-9
      65520, // halfway between 65504 and the next (65536, out of range): infinity
      2 ** -25 * 3, // 1.5 × the smallest subnormal: to 2 × it
      2 ** -25, // exactly half the smallest subnormal: to even, zero
      Number.NaN,
    ]);
    expect([third, tenth, tieDown, tieUp, big, tiny, halfTiny]).toEqual([
      0x3555, 0x2e66, 0x3c00, 0x3c02, 0x7c00, 0x0002, 0x0000,
    ]);
    expect((nan as number) & 0x7c00).toBe(0x7c00);
    expect((nan as number) & 0x03ff).not.toBe(0);
    expect(Number.isNaN(decodeFloat16([0x7e00])[0])).toBe(true);
  });

  it('FP16 inputs go as numbers in JSON and as half bits in binary; outputs come back as Float32Array', () => {
    expect(
      encodeInferInput({ name: 'x', shape: [2], datatype: 'FP16', data: new Float32Array([1, 0.5]) }),
    ).toEqual({
      name: 'x',
      shape: [2],
      datatype: 'FP16',
      data: [1, 0.5],
    });
    const { json, bytes } = encodeBinaryInferInput({
      name: 'x',
      shape: [2],
      datatype: 'FP16',
      data: [1, -2],
    });
    expect(json.parameters.binary_data_size).toBe(4);
    expect([...bytes]).toEqual([0x00, 0x3c, 0x00, 0xc0]);
    expect(() =>
      encodeInferInput({ name: 'x', shape: [1], datatype: 'FP16', data: new Int32Array(1) }),
    ).toThrow(/INT32 typed array cannot carry FP16/);
    expect(() => encodeInferInput({ name: 'x', shape: [1], datatype: 'FP16', data: ['1'] })).toThrow(
      /must be a number/,
    );
    expect(decodeInferOutput({ name: 'y', datatype: 'FP16', shape: [3], data: [2, -4, null] }).data).toEqual(
      new Float32Array([2, -4, Number.NaN]),
    );
    const binary = decodeBinaryInferOutput(
      { name: 'y', datatype: 'FP16', shape: [2], parameters: { binary_data_size: 4 } },
      new Uint8Array([0x00, 0x40, 0x55, 0x35]),
    );
    expect(binary.data).toEqual(new Float32Array([2, 0.333251953125]));
  });
});
