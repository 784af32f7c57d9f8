import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AidocError } from '../src/errors';
import {
  createInferenceClient,
  decodeBinaryInferOutput,
  decodeInferOutput,
  describeOnnxModel,
  encodeBinaryInferInput,
  encodeInferInput,
  parseModelRef,
} from '../src/models';

const wdbc = readFileSync(new URL('../../../models/wdbc-classifier.onnx', import.meta.url));

describe('models: references', () => {
  it('parses name and name@version, refusing malformed ones', () => {
    expect(parseModelRef('wdbc-classifier@1.0.0')).toEqual({ name: 'wdbc-classifier', version: '1.0.0' });
    expect(parseModelRef('ecg200-classifier')).toEqual({ name: 'ecg200-classifier', version: undefined });
    for (const bad of ['', '@1.0.0', 'a b', 'model@', 'model@1 0', '../etc@1']) {
      expect(() => parseModelRef(bad)).toThrowError(expect.objectContaining({ code: 'INVALID_INPUT' }));
    }
  });
});

describe('models: tensors', () => {
  it('encodes typed arrays with their datatype and checks data length against the shape', () => {
    expect(encodeInferInput({ name: 'x', shape: [1, 2], data: new Float32Array([0.5, 1]) })).toEqual({
      name: 'x',
      shape: [1, 2],
      datatype: 'FP32',
      data: [0.5, 1],
    });
    expect(
      encodeInferInput({ name: 'n', shape: [2], data: BigInt64Array.from([1n, 2n ** 60n]) }).data,
    ).toEqual([1, (2n ** 60n).toString()]);
    expect(() => encodeInferInput({ name: 'x', shape: [3], data: new Float32Array(2) })).toThrowError(
      /needs 3/,
    );
    expect(() => encodeInferInput({ name: 'x', shape: [2], data: [1, 2] })).toThrowError(/give a datatype/);
    expect(() =>
      encodeInferInput({ name: 'x', shape: [1], datatype: 'INT64', data: new Float32Array(1) }),
    ).toThrowError(/cannot carry INT64/);
    expect(() => encodeInferInput({ name: 'b', shape: [1], datatype: 'BOOL', data: [1] })).toThrowError(
      /boolean/,
    );
    expect(() => encodeInferInput({ name: 's', shape: [1], datatype: 'BYTES', data: [1] })).toThrowError(
      /string/,
    );
    expect(() => encodeInferInput({ name: 'i', shape: [1], datatype: 'INT32', data: [1.5] })).toThrowError(
      /integer/,
    );
  });

  it('decodes outputs to typed data', () => {
    expect(decodeInferOutput({ name: 'p', datatype: 'FP32', shape: [2], data: [0.25, 0.75] }).data).toEqual(
      new Float32Array([0.25, 0.75]),
    );
    expect(
      decodeInferOutput({ name: 'l', datatype: 'INT64', shape: [2], data: [1, '1152921504606846976'] }).data,
    ).toEqual(BigInt64Array.from([1n, 2n ** 60n]));
    expect(
      decodeInferOutput({ name: 'b', datatype: 'BOOL', shape: [2, 1], data: [[true], [false]] }).data,
    ).toEqual([true, false]);
    expect(decodeInferOutput({ name: 's', datatype: 'BYTES', shape: [1], data: ['x'] }).data).toEqual(['x']);
    expect(() => decodeInferOutput({ name: 'x', datatype: 'FP8', shape: [], data: [] })).toThrowError(
      AidocError,
    );
  });

  // Byte layouts from Triton's binary tensor data extension (docs/protocol/extension_binary_data.md):
  // little-endian fixed-size elements; BYTES elements each prefixed by a 4-byte little-endian length.
  it('encodes inputs as the binary tensor data extension lays them out', () => {
    const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
    const fp32 = encodeBinaryInferInput({ name: 'x', shape: [2], data: new Float32Array([1, -2]) });
    expect(fp32.json).toEqual({
      name: 'x',
      shape: [2],
      datatype: 'FP32',
      parameters: { binary_data_size: 8 },
    });
    expect(hex(fp32.bytes)).toBe('0000803f000000c0');
    expect(
      hex(encodeBinaryInferInput({ name: 'f', shape: [2], datatype: 'FP32', data: [1, -2] }).bytes),
    ).toBe('0000803f000000c0');
    expect(
      hex(encodeBinaryInferInput({ name: 'n', shape: [2], datatype: 'INT64', data: [1, 2n ** 60n] }).bytes),
    ).toBe('01000000000000000000000000000010');
    expect(
      hex(
        encodeBinaryInferInput({ name: 'b', shape: [3], datatype: 'BOOL', data: [true, false, true] }).bytes,
      ),
    ).toBe('010001');
    const text = encodeBinaryInferInput({ name: 's', shape: [2], datatype: 'BYTES', data: ['ab', ''] });
    expect(hex(text.bytes)).toBe('020000006162' + '00000000');
    expect(text.json.parameters.binary_data_size).toBe(10);
    // The same checks as the JSON encoder: nothing is sent for a tensor that does not fit its shape.
    expect(() => encodeBinaryInferInput({ name: 'x', shape: [3], data: new Float32Array(2) })).toThrowError(
      /needs 3/,
    );
    expect(() =>
      encodeBinaryInferInput({ name: 'i', shape: [1], datatype: 'INT32', data: [1.5] }),
    ).toThrowError(/integer/);
  });

  it('decodes binary outputs, also from unaligned slices, and refuses sizes that do not match the shape', () => {
    const body = new Uint8Array(1 + 8);
    body.set(new Uint8Array(new Float32Array([0.25, 0.75]).buffer), 1);
    const probs = decodeBinaryInferOutput(
      { name: 'p', datatype: 'FP32', shape: [1, 2], parameters: { binary_data_size: 8 } },
      body.subarray(1),
    );
    expect(probs).toEqual({
      name: 'p',
      datatype: 'FP32',
      shape: [1, 2],
      data: new Float32Array([0.25, 0.75]),
    });
    expect(
      decodeBinaryInferOutput(
        { name: 'l', datatype: 'INT64', shape: [2] },
        new Uint8Array(BigInt64Array.from([1n, -1n]).buffer),
      ).data,
    ).toEqual(BigInt64Array.from([1n, -1n]));
    expect(
      decodeBinaryInferOutput(
        { name: 's', datatype: 'BYTES', shape: [2] },
        Buffer.from('0200000061620000' + '0000', 'hex'),
      ).data,
    ).toEqual(['ab', '']);
    expect(
      decodeBinaryInferOutput({ name: 'b', datatype: 'BOOL', shape: [2] }, new Uint8Array([1, 0])).data,
    ).toEqual([true, false]);
    expect(() =>
      decodeBinaryInferOutput({ name: 'p', datatype: 'FP32', shape: [3] }, new Uint8Array(8)),
    ).toThrowError(/8 bytes for 3 FP32/);
    expect(() =>
      decodeBinaryInferOutput(
        { name: 's', datatype: 'BYTES', shape: [1] },
        Buffer.from('05000000616263', 'hex'),
      ),
    ).toThrowError(/cut off/);
  });
});

describe('models: ONNX validation', () => {
  it('reads the signature of a valid model with onnxruntime', async () => {
    expect(await describeOnnxModel(wdbc)).toEqual({
      inputs: [{ name: 'features', datatype: 'FP32', shape: [-1, 30], dimNames: { 0: 'batch' } }],
      outputs: [
        { name: 'probabilities', datatype: 'FP32', shape: [-1, 2], dimNames: { 0: 'batch' } },
        { name: 'label', datatype: 'INT64', shape: [-1], dimNames: { 0: 'batch' } },
      ],
    });
  });

  it('refuses a non-ONNX or truncated file with INVALID_INPUT', async () => {
    for (const bytes of [
      new TextEncoder().encode('{"not": "onnx"}'),
      wdbc.subarray(0, wdbc.byteLength - 40),
    ]) {
      const error = await describeOnnxModel(bytes).catch((e: unknown) => e);
      expect(AidocError.is(error, 'INVALID_INPUT')).toBe(true);
    }
  });
});

describe('models: inference client', () => {
  it('refuses a bad URL and reports an unreachable server as NETWORK', async () => {
    expect(() => createInferenceClient({ url: 'ftp://x' })).toThrowError(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    );
    // Port 9 (discard) on localhost has no listener here.
    const client = createInferenceClient({ url: 'http://127.0.0.1:9', timeoutMs: 5000 });
    await expect(
      client.infer('m', '1', [{ name: 'x', shape: [1], data: new Float32Array(1) }]),
    ).rejects.toMatchObject({
      code: 'NETWORK',
    });
  });
});
