// The Open Inference Protocol binary tensor data extension (Triton's extension_binary_data), checked against
// the extension's text: request bodies are built here by hand with Buffer, not with the SDK's encoder.
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEcg200 } from '../../../../models/loadReferenceDatasets';
import { encodeOnnxModel } from '../../../../models/onnx/encodeOnnxModel';
import { createInferenceServer } from '../../src/inference/createInferenceServer';
import { runOnnxDirectly } from './runOnnxDirectly';
import { type ModelsDevnet, startModelsDevnet } from './startModelsDevnet';

const ecgBytes = readFileSync(new URL('../../../../models/ecg200-classifier.onnx', import.meta.url));
const beats = loadEcg200().test.x.slice(0, 32);
const ECG = '/v2/models/ecg200-classifier/versions/1.0.0/infer';
const TYPED = '/v2/models/typed-binary/versions/1/infer';
const HALF = '/v2/models/half-doubler/versions/1/infer';

/** FP16 in and out: y = float16(float32(x) + float32(x)). */
const halfDoubler = encodeOnnxModel({
  graphName: 'half-doubler',
  inputs: [{ name: 'x', elemType: 'FLOAT16', shape: ['n'] }],
  outputs: [{ name: 'y', elemType: 'FLOAT16', shape: ['n'] }],
  nodes: [
    { opType: 'Cast', inputs: ['x'], outputs: ['x32'], attributes: [{ name: 'to', int: 1 }] },
    { opType: 'Add', inputs: ['x32', 'x32'], outputs: ['y32'] },
    { opType: 'Cast', inputs: ['y32'], outputs: ['y'], attributes: [{ name: 'to', int: 10 }] },
  ],
});

let env: ModelsDevnet;

beforeAll(async () => {
  env = await startModelsDevnet();
  // BYTES, BOOL and INT64 in; the same out (BYTES and INT64 outputs exercise the length-prefixed and 8-byte forms).
  await env.publisher.models.publish(
    encodeOnnxModel({
      graphName: 'typed-binary',
      inputs: [
        { name: 'notes', elemType: 'STRING', shape: ['n'] },
        { name: 'flags', elemType: 'BOOL', shape: ['n'] },
        { name: 'counts', elemType: 'INT64', shape: ['n'] },
      ],
      outputs: [
        { name: 'notes_out', elemType: 'STRING', shape: ['n'] },
        { name: 'flags_out', elemType: 'BOOL', shape: ['n'] },
        { name: 'counts_out', elemType: 'INT64', shape: ['n'] },
      ],
      nodes: [
        { opType: 'Identity', inputs: ['notes'], outputs: ['notes_out'] },
        { opType: 'Not', inputs: ['flags'], outputs: ['flags_out'] },
        { opType: 'Add', inputs: ['counts', 'counts'], outputs: ['counts_out'] },
      ],
    }),
    { name: 'typed-binary', version: '1', task: 'test' },
  );
  await env.publisher.models.publish(halfDoubler, { name: 'half-doubler', version: '1', task: 'test' });
});

afterAll(async () => {
  await env?.stop();
});

/** The little-endian bytes of FP32 values (written one by one, independent of the host's byte order). */
function fp32Bytes(values: readonly number[]): Buffer {
  const out = Buffer.alloc(values.length * 4);
  for (const [i, v] of values.entries()) out.writeFloatLE(v, i * 4);
  return out;
}

/** BYTES elements: a 4-byte little-endian length, then the bytes, for each element. */
function bytesElements(values: readonly string[]): Buffer {
  return Buffer.concat(
    values.map((v) => {
      const text = Buffer.from(v, 'utf8');
      const length = Buffer.alloc(4);
      length.writeUInt32LE(text.byteLength);
      return Buffer.concat([length, text]);
    }),
  );
}

/**
 * An infer request with binary tensor data: the JSON (padded with trailing spaces to `padTo` bytes modulo 8,
 * which moves where the binary section starts), then `binary`, with `Inference-Header-Content-Length`.
 */
function binaryRequest(json: object, binary: readonly Uint8Array[], padTo?: number) {
  let text = JSON.stringify(json);
  if (padTo !== undefined) while (Buffer.byteLength(text) % 8 !== padTo) text += ' ';
  const head = Buffer.from(text, 'utf8');
  return {
    headers: { 'Inference-Header-Content-Length': String(head.byteLength) },
    body: Buffer.concat([head, ...binary]),
  };
}

interface Answer {
  status: number;
  headers: Headers;
  json: Record<string, unknown>;
  /** Binary outputs by name, cut from the body after the JSON per their `binary_data_size`. */
  binary: Record<string, Buffer>;
}

async function post(path: string, request: { headers?: Record<string, string>; body: string | Buffer }) {
  const response = await fetch(`${env.server.url}${path}`, {
    method: 'POST',
    headers: request.headers ?? { 'Content-Type': 'application/json' },
    body: request.body,
  });
  const raw = Buffer.from(await response.arrayBuffer());
  const header = response.headers.get('inference-header-content-length');
  const jsonLength = header === null ? raw.byteLength : Number(header);
  const json = JSON.parse(raw.subarray(0, jsonLength).toString('utf8')) as Record<string, unknown>;
  const binary: Record<string, Buffer> = {};
  let at = jsonLength;
  for (const o of (json.outputs ?? []) as Array<{
    name: string;
    parameters?: { binary_data_size?: number };
  }>) {
    const size = o.parameters?.binary_data_size;
    if (size === undefined) continue;
    binary[o.name] = raw.subarray(at, at + size);
    at += size;
  }
  expect(at).toBe(raw.byteLength);
  return { status: response.status, headers: response.headers, json, binary } satisfies Answer;
}

const jsonInput = () => ({ name: 'heartbeat', shape: [32, 96], datatype: 'FP32', data: beats.flat() });
const binaryInput = (size = 32 * 96 * 4) => ({
  name: 'heartbeat',
  shape: [32, 96],
  datatype: 'FP32',
  parameters: { binary_data_size: size },
});
const goodBinary = () => binaryRequest({ inputs: [binaryInput()] }, [fp32Bytes(beats.flat())]);

/** The outputs of an answer as typed arrays, whichever way each came. */
function outputsOf(answer: Answer) {
  const entries = answer.json.outputs as Array<{
    name: string;
    datatype: string;
    shape: number[];
    data?: unknown[];
  }>;
  const probabilities = entries.find((o) => o.name === 'probabilities');
  const label = entries.find((o) => o.name === 'label');
  const probabilityBytes = answer.binary.probabilities;
  const labelBytes = answer.binary.label;
  return {
    shapes: [probabilities?.shape, label?.shape],
    probabilities: probabilityBytes
      ? Float32Array.from({ length: probabilityBytes.byteLength / 4 }, (_, i) =>
          probabilityBytes.readFloatLE(i * 4),
        )
      : Float32Array.from(probabilities?.data as number[]),
    label: labelBytes
      ? BigInt64Array.from({ length: labelBytes.byteLength / 8 }, (_, i) => labelBytes.readBigInt64LE(i * 8))
      : BigInt64Array.from((label?.data as number[]).map((v) => BigInt(v))),
  };
}

describe('binary tensor data extension: same outputs whichever way tensors travel', () => {
  it('GET /v2 lists binary_tensor_data among the extensions', async () => {
    const metadata = (await (await fetch(`${env.server.url}/v2`)).json()) as { extensions: string[] };
    expect(metadata.extensions).toContain('binary_tensor_data');
  });

  it('batch-32 ECG200: JSON, binary in/out, binary in/JSON out and JSON in/binary out all equal onnxruntime run directly', async () => {
    const expected = await runOnnxDirectly(ecgBytes, 'heartbeat', beats);
    const binaryBeats = fp32Bytes(beats.flat());
    const answers = {
      json: await post(ECG, { body: JSON.stringify({ inputs: [jsonInput()] }) }),
      // Binary section at an offset aligned for FP32, and at one that is not.
      binaryBothAligned: await post(
        ECG,
        binaryRequest(
          { inputs: [binaryInput()], parameters: { binary_data_output: true } },
          [binaryBeats],
          0,
        ),
      ),
      binaryBothUnaligned: await post(
        ECG,
        binaryRequest(
          { inputs: [binaryInput()], parameters: { binary_data_output: true } },
          [binaryBeats],
          3,
        ),
      ),
      binaryInJsonOut: await post(ECG, binaryRequest({ inputs: [binaryInput()] }, [binaryBeats], 5)),
      jsonInBinaryOut: await post(ECG, {
        body: JSON.stringify({
          inputs: [jsonInput()],
          outputs: [
            { name: 'probabilities', parameters: { binary_data: true } },
            { name: 'label', parameters: { binary_data: true } },
          ],
        }),
      }),
    };
    for (const [way, answer] of Object.entries(answers)) {
      expect(answer.status, way).toBe(200);
      expect(answer.json.model_version, way).toBe('1.0.0');
      const got = outputsOf(answer);
      expect(got.shapes, way).toEqual([[32, 2], [32]]);
      expect(got.probabilities, way).toEqual(expected.probabilities);
      expect(got.label, way).toEqual(expected.label);
    }
    // Binary outputs: octet-stream with the JSON length header; JSON entries carry binary_data_size, no data.
    const binaryOut = answers.binaryBothUnaligned;
    expect(binaryOut.headers.get('content-type')).toBe('application/octet-stream');
    expect(binaryOut.json.outputs).toEqual([
      { name: 'probabilities', datatype: 'FP32', shape: [32, 2], parameters: { binary_data_size: 256 } },
      { name: 'label', datatype: 'INT64', shape: [32], parameters: { binary_data_size: 256 } },
    ]);
    // No binary output: the ordinary JSON response, even though the inputs were binary.
    expect(answers.binaryInJsonOut.headers.get('content-type')).toBe('application/json');
    expect(answers.binaryInJsonOut.headers.get('inference-header-content-length')).toBeNull();
  });

  it('binary_data on one output, and binary_data: false overriding binary_data_output', async () => {
    const answer = await post(
      ECG,
      binaryRequest(
        {
          inputs: [binaryInput()],
          parameters: { binary_data_output: true },
          outputs: [{ name: 'label', parameters: { binary_data: false } }, { name: 'probabilities' }],
        },
        [fp32Bytes(beats.flat())],
      ),
    );
    expect(answer.status).toBe(200);
    const [label, probabilities] = answer.json.outputs as Array<Record<string, unknown>>;
    expect(label?.name).toBe('label');
    expect(label?.data).toHaveLength(32);
    expect(label?.parameters).toBeUndefined();
    expect(probabilities).toMatchObject({ name: 'probabilities', parameters: { binary_data_size: 256 } });
    expect(probabilities?.data).toBeUndefined();
    expect(Object.keys(answer.binary)).toEqual(['probabilities']);
  });

  it('BYTES, BOOL and INT64 inputs in binary, mixed with JSON inputs, and binary BYTES/BOOL/INT64 outputs', async () => {
    const notes = ['LOINC 8867-4', '', 'ünïcode ♥'];
    const counts = Buffer.alloc(24);
    for (const [i, v] of [5n, -(2n ** 62n), 7n].entries()) counts.writeBigInt64LE(v, i * 8);
    const notesBytes = bytesElements(notes);
    const request = binaryRequest(
      {
        inputs: [
          {
            name: 'notes',
            shape: [3],
            datatype: 'BYTES',
            parameters: { binary_data_size: notesBytes.byteLength },
          },
          { name: 'flags', shape: [3], datatype: 'BOOL', data: [true, false, true] },
          { name: 'counts', shape: [3], datatype: 'INT64', parameters: { binary_data_size: 24 } },
        ],
        parameters: { binary_data_output: true },
      },
      [notesBytes, counts],
      1,
    );
    const answer = await post(TYPED, request);
    expect(answer.status).toBe(200);
    expect(answer.binary.notes_out?.equals(notesBytes)).toBe(true);
    expect([...(answer.binary.flags_out ?? [])]).toEqual([0, 1, 0]);
    const doubled = answer.binary.counts_out as Buffer;
    expect([0, 1, 2].map((i) => doubled.readBigInt64LE(i * 8))).toEqual([10n, -(2n ** 63n), 14n]);
  });
});

describe('FP16 tensors', () => {
  // Half-precision bit patterns (IEEE 754 binary16): 1, ≈0.1, 65504 (largest finite), the smallest subnormal, -2.
  const inBits = [0x3c00, 0x2e66, 0x7bff, 0x0001, 0xc000];
  // Doubled: 2, ≈0.2, infinity (65504 × 2 overflows), twice the smallest subnormal, -4.
  const outBits = [0x4000, 0x3266, 0x7c00, 0x0002, 0xc400];

  it('onnxruntime run directly gives the reference bits', async () => {
    const session = await ort.InferenceSession.create(halfDoubler);
    try {
      const out = await session.run({ x: new ort.Tensor('float16', Uint16Array.from(inBits), [5]) });
      expect([...(out.y?.data as Uint16Array)]).toEqual(outBits);
    } finally {
      await session.release();
    }
  });

  it('binary in and out carry the half bits unchanged', async () => {
    const bytes = Buffer.alloc(10);
    for (const [i, b] of inBits.entries()) bytes.writeUInt16LE(b, i * 2);
    const answer = await post(
      HALF,
      binaryRequest(
        {
          inputs: [{ name: 'x', shape: [5], datatype: 'FP16', parameters: { binary_data_size: 10 } }],
          parameters: { binary_data_output: true },
        },
        [bytes],
      ),
    );
    expect(answer.status).toBe(200);
    expect((answer.json.outputs as Array<{ datatype: string }>)[0]?.datatype).toBe('FP16');
    const y = answer.binary.y as Buffer;
    expect([0, 1, 2, 3, 4].map((i) => y.readUInt16LE(i * 2))).toEqual(outBits);
  });

  it('JSON numbers are rounded to half precision in, and halves come out as numbers', async () => {
    const answer = await post(HALF, {
      body: JSON.stringify({
        inputs: [{ name: 'x', shape: [5], datatype: 'FP16', data: [1, 0.1, 65504, 2 ** -24, -2] }],
      }),
    });
    expect(answer.status).toBe(200);
    const [y] = answer.json.outputs as Array<{ datatype: string; data: Array<number | null> }>;
    expect(y?.datatype).toBe('FP16');
    // 0.1 is sent as its nearest half, 0.0999755859375; infinity has no JSON number and is written as null.
    expect(y?.data).toEqual([2, 0.199951171875, null, 2 ** -23, -4]);
  });
});

describe('binary tensor data extension: malformed requests get 400 { error } and the server keeps serving', () => {
  const beatBytes = () => fp32Bytes(beats.flat());
  const cases: Array<[string, string, { headers?: Record<string, string>; body: string | Buffer }, RegExp]> =
    [
      [
        'a header that is not an integer',
        ECG,
        { ...goodBinary(), headers: { 'Inference-Header-Content-Length': 'ten' } },
        /must be a non-negative integer/,
      ],
      [
        'a negative header',
        ECG,
        { ...goodBinary(), headers: { 'Inference-Header-Content-Length': '-5' } },
        /must be a non-negative integer/,
      ],
      [
        'a header larger than the body',
        ECG,
        {
          ...goodBinary(),
          headers: { 'Inference-Header-Content-Length': String(goodBinary().body.byteLength + 1) },
        },
        /longer than the \d+-byte request body/,
      ],
      [
        'a negative binary_data_size',
        ECG,
        binaryRequest({ inputs: [binaryInput(-4)] }, [beatBytes()]),
        /binary_data_size must be a non-negative integer/,
      ],
      [
        'a fractional binary_data_size',
        ECG,
        binaryRequest({ inputs: [binaryInput(1.5)] }, [beatBytes()]),
        /binary_data_size must be a non-negative integer/,
      ],
      [
        'a binary_data_size given as a string',
        ECG,
        binaryRequest({ inputs: [{ ...binaryInput(), parameters: { binary_data_size: '12288' } }] }, [
          beatBytes(),
        ]),
        /binary_data_size must be a non-negative integer/,
      ],
      [
        'both data and binary_data_size',
        ECG,
        binaryRequest({ inputs: [{ ...jsonInput(), parameters: { binary_data_size: 12288 } }] }, [
          beatBytes(),
        ]),
        /both "data" and binary_data_size/,
      ],
      [
        'a binary_data_size not matching the shape',
        ECG,
        binaryRequest({ inputs: [binaryInput(32 * 96 * 4 - 4)] }, [beatBytes().subarray(4)]),
        /binary_data_size is 12284 bytes, its shape \[32,96\] of FP32 needs 12288/,
      ],
      [
        'binary data left over after the inputs',
        ECG,
        binaryRequest({ inputs: [binaryInput()] }, [beatBytes(), Buffer.from([1, 2, 3])]),
        /12291 bytes of binary data follow the JSON, the inputs' binary_data_size add up to 12288/,
      ],
      [
        'binary data shorter than binary_data_size',
        ECG,
        binaryRequest({ inputs: [binaryInput()] }, [beatBytes().subarray(8)]),
        /runs past the end of the 12280 bytes of binary data/,
      ],
      [
        'binary_data_size without the header (no binary section)',
        ECG,
        { body: JSON.stringify({ inputs: [binaryInput()] }) },
        /runs past the end of the 0 bytes of binary data/,
      ],
      [
        'binary bytes after JSON without the header',
        ECG,
        { body: Buffer.concat([Buffer.from(JSON.stringify({ inputs: [binaryInput()] })), beatBytes()]) },
        /malformed JSON/,
      ],
      [
        'BYTES lengths running past the slice',
        TYPED,
        binaryRequest(
          {
            inputs: [
              { name: 'notes', shape: [2], datatype: 'BYTES', parameters: { binary_data_size: 11 } },
              { name: 'flags', shape: [2], datatype: 'BOOL', data: [true, false] },
              { name: 'counts', shape: [2], datatype: 'INT64', data: [1, 2] },
            ],
          },
          // "abc" then a length of 9 with only 0 bytes behind it in the 11-byte slice.
          [Buffer.concat([bytesElements(['abc']), Buffer.from([9, 0, 0, 0])])],
        ),
        /BYTES element 1 has a length of 9 bytes, past the end/,
      ],
      [
        'BYTES lengths leaving bytes over in the slice',
        TYPED,
        binaryRequest(
          {
            inputs: [
              { name: 'notes', shape: [1], datatype: 'BYTES', parameters: { binary_data_size: 9 } },
              { name: 'flags', shape: [1], datatype: 'BOOL', data: [true] },
              { name: 'counts', shape: [1], datatype: 'INT64', data: [1] },
            ],
          },
          [Buffer.concat([bytesElements(['abc']), Buffer.from('xy')])],
        ),
        /binary_data_size is 9 bytes, its 1 BYTES elements take 7/,
      ],
      [
        'a BOOL byte other than 0 or 1',
        TYPED,
        binaryRequest(
          {
            inputs: [
              { name: 'notes', shape: [2], datatype: 'BYTES', data: ['a', 'b'] },
              { name: 'flags', shape: [2], datatype: 'BOOL', parameters: { binary_data_size: 2 } },
              { name: 'counts', shape: [2], datatype: 'INT64', data: [1, 2] },
            ],
          },
          [Buffer.from([1, 2])],
        ),
        /binary element 1 is 2; a BOOL is one byte, 0 or 1/,
      ],
      [
        'binary_data on an output that is not a boolean',
        ECG,
        binaryRequest(
          { inputs: [binaryInput()], outputs: [{ name: 'label', parameters: { binary_data: 1 } }] },
          [beatBytes()],
        ),
        /binary_data must be true or false/,
      ],
    ];
  for (const [what, path, request, message] of cases) {
    it(`${what} → 400 { error }`, async () => {
      const answer = await post(path, request);
      expect(answer.status).toBe(400);
      expect(Object.keys(answer.json)).toEqual(['error']);
      expect(answer.json.error).toMatch(message);
      const after = await post(ECG, goodBinary());
      expect(after.status).toBe(200);
    });
  }

  it('the body-size limit counts the binary section too (413)', async () => {
    const small = await createInferenceServer({
      port: 0,
      provider: env.devnet.provider,
      registry: env.devnet.contracts.ModelRegistry as `0x${string}`,
      content: env.devnet.content,
      maxBodyBytes: 12_000,
    });
    try {
      const { headers, body } = goodBinary();
      // The JSON part alone is far under the limit; with the 12288 binary bytes the body is over it.
      expect(body.byteLength - 12288).toBeLessThan(1000);
      const response = await fetch(`${small.url}${ECG}`, { method: 'POST', headers, body });
      expect(response.status).toBe(413);
      expect(Object.keys((await response.json()) as object)).toEqual(['error']);
      expect(small.stats().modelLoads).toBe(0);
    } finally {
      await small.close();
    }
  });
});

describe('unversioned infer: latest version cached per block', () => {
  it('reads the registry once per block, and picks up a newly published version once it is mined', async () => {
    const calls: string[] = [];
    const counting = await createInferenceServer({
      port: 0,
      provider: {
        request(args) {
          calls.push(args.method);
          return env.devnet.provider.request(args as Parameters<typeof env.devnet.provider.request>[0]);
        },
      },
      registry: env.devnet.contracts.ModelRegistry as `0x${string}`,
      content: env.devnet.content,
    });
    try {
      const unversioned = async () => {
        const { headers, body } = goodBinary();
        const response = await fetch(`${counting.url}/v2/models/ecg200-classifier/infer`, {
          method: 'POST',
          headers,
          body,
        });
        expect(response.status).toBe(200);
        return ((await response.json()) as { model_version: string }).model_version;
      };
      expect(await unversioned()).toBe('1.0.0');
      const callsAfterFirst = calls.filter((m) => m === 'eth_call').length;
      expect(callsAfterFirst).toBeGreaterThan(0);
      expect(await unversioned()).toBe('1.0.0');
      expect(await unversioned()).toBe('1.0.0');
      // Same block: only eth_blockNumber, no registry read.
      expect(calls.filter((m) => m === 'eth_call').length).toBe(callsAfterFirst);
      expect(calls.filter((m) => m === 'eth_blockNumber').length).toBe(3);

      await env.publisher.models.publish(ecgBytes, {
        name: 'ecg200-classifier',
        version: '2.0.0',
        task: 'ecg-classification',
      });
      expect(await unversioned()).toBe('2.0.0');
      const metadata = (await (await fetch(`${counting.url}/v2/models/ecg200-classifier`)).json()) as {
        versions: string[];
      };
      expect(metadata.versions).toEqual(['1.0.0', '2.0.0']);
      // The explicit version still resolves to itself.
      const v1 = await fetch(`${counting.url}${ECG}`, { method: 'POST', ...goodBinary() });
      expect(((await v1.json()) as { model_version: string }).model_version).toBe('1.0.0');
    } finally {
      await counting.close();
    }
  });
});
