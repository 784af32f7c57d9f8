import { readFileSync } from 'node:fs';
import { AidocError, type InferInput } from '@aidoc/sdk';
import { CID } from 'multiformats/cid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEcg200, loadWdbc } from '../../../../models/loadReferenceDatasets';
import { encodeOnnxModel } from '../../../../models/onnx/encodeOnnxModel';
import { readFileContent } from '../../src/content/readFileContent';
import type { InferenceServer } from '../../src/inference/createInferenceServer';
import type { Devnet } from '../../src/types';
import { runOnnxDirectly as direct } from './runOnnxDirectly';
import { type ModelsDevnet, startModelsDevnet } from './startModelsDevnet';

const AID = 10n ** 18n;
const wdbcBytes = readFileSync(new URL('../../../../models/wdbc-classifier.onnx', import.meta.url));
const ecgBytes = readFileSync(new URL('../../../../models/ecg200-classifier.onnx', import.meta.url));

let devnet: Devnet;
let server: InferenceServer;
let publisher: ModelsDevnet['publisher'];
let user: ModelsDevnet['user'];
let env: ModelsDevnet | undefined;

beforeAll(async () => {
  env = await startModelsDevnet();
  ({ devnet, server, publisher, user } = env);
});

afterAll(async () => {
  await env?.stop();
});

async function post(path: string, body: string | object, headers: Record<string, string> = {}) {
  const response = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

describe('models: publish, list, info, infer through the devnet OIP server', () => {
  it('lists the published reference models, by task too', async () => {
    const all = await user.models.list();
    expect(all.map((m) => `${m.name}@${m.version}`).sort()).toEqual([
      'ecg200-classifier@1.0.0',
      'wdbc-classifier@1.0.0',
    ]);
    expect(all.every((m) => m.cid.length > 0 && m.listing === 'listed' && m.price === 0n)).toBe(true);
    const ecg = await user.models.list({ task: 'ecg-classification' });
    expect(ecg.map((m) => m.name)).toEqual(['ecg200-classifier']);
    expect(await user.models.list({ search: 'WDBC' })).toHaveLength(1);
    expect(await user.models.list({ task: 'retinopathy' })).toEqual([]);
  });

  it('info returns the signature read by onnxruntime at publish, stored as metadata in IPFS', async () => {
    const info = await user.models.info('wdbc-classifier@1.0.0');
    expect(info.versions).toEqual(['1.0.0']);
    expect(info.metadata?.format).toBe('onnx');
    expect(info.metadata?.inputs).toEqual([
      { name: 'features', datatype: 'FP32', shape: [-1, 30], dimNames: { 0: 'batch' } },
    ]);
    expect(info.metadata?.outputs.map((o) => [o.name, o.datatype, o.shape])).toEqual([
      ['probabilities', 'FP32', [-1, 2]],
      ['label', 'INT64', [-1]],
    ]);
    expect(info.metadata?.file?.size).toBe(wdbcBytes.byteLength);
    // The CID resolves to the very file in the devnet's content store.
    const stored: Uint8Array[] = [];
    for await (const part of readFileContent(devnet.content, CID.parse(info.cid))) stored.push(part);
    expect(Buffer.concat(stored).equals(wdbcBytes)).toBe(true);
    expect((await user.models.info('wdbc-classifier')).version).toBe('1.0.0');
    await expect(user.models.info('nope@1.0.0')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(user.models.info('wdbc-classifier@9.9.9')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('SDK infer equals running the ONNX file directly in onnxruntime', async () => {
    const rows = loadWdbc().test.x.slice(0, 5);
    const result = await user.models.infer('wdbc-classifier@1.0.0', [
      { name: 'features', shape: [5, 30], data: Float32Array.from(rows.flat()) },
    ]);
    const expected = await direct(wdbcBytes, 'features', rows);
    const probabilities = result.outputs.find((o) => o.name === 'probabilities');
    const label = result.outputs.find((o) => o.name === 'label');
    expect(probabilities?.shape).toEqual([5, 2]);
    expect(probabilities?.data).toEqual(expected.probabilities);
    expect(label?.datatype).toBe('INT64');
    expect(label?.data).toEqual(expected.label);
    expect(result.payment).toBeUndefined();
    expect(result.modelVersion).toBe('1.0.0');
  });

  it('SDK infer with binary tensor data gives the same outputs as JSON and as onnxruntime directly', async () => {
    const rows = loadEcg200().test.x.slice(0, 32);
    const input = [{ name: 'heartbeat', shape: [32, 96], data: Float32Array.from(rows.flat()) }];
    const [json, binary] = [
      await user.models.infer('ecg200-classifier@1.0.0', input),
      await user.models.infer('ecg200-classifier@1.0.0', input, { binary: true }),
    ];
    expect(binary.outputs).toEqual(json.outputs);
    const expected = await direct(ecgBytes, 'heartbeat', rows);
    expect(binary.outputs.find((o) => o.name === 'label')?.data).toEqual(expected.label);
    expect(binary.outputs.find((o) => o.name === 'probabilities')?.data).toEqual(expected.probabilities);
  });

  it('raw OIP REST (what curl sends) gives the same outputs, and the metadata and health endpoints answer', async () => {
    const beat = loadEcg200().test.x[0] as number[];
    const { status, json } = await post('/v2/models/ecg200-classifier/versions/1.0.0/infer', {
      id: 'req-1',
      inputs: [{ name: 'heartbeat', shape: [1, 96], datatype: 'FP32', data: beat }],
      outputs: [{ name: 'label' }],
    });
    expect(status).toBe(200);
    const expected = await direct(ecgBytes, 'heartbeat', [beat]);
    expect(json).toEqual({
      model_name: 'ecg200-classifier',
      model_version: '1.0.0',
      id: 'req-1',
      outputs: [{ name: 'label', datatype: 'INT64', shape: [1], data: [Number(expected.label[0])] }],
    });
    expect(await (await fetch(`${server.url}/v2/health/live`)).json()).toEqual({ live: true });
    expect((await fetch(`${server.url}/v2/health/ready`)).status).toBe(200);
    expect((await fetch(`${server.url}/v2/models/ecg200-classifier/ready`)).status).toBe(200);
    const metadata = await (await fetch(`${server.url}/v2/models/ecg200-classifier`)).json();
    expect(metadata).toEqual({
      name: 'ecg200-classifier',
      versions: ['1.0.0'],
      platform: 'onnxruntime_onnx',
      inputs: [{ name: 'heartbeat', datatype: 'FP32', shape: [-1, 96] }],
      outputs: [
        { name: 'probabilities', datatype: 'FP32', shape: [-1, 2] },
        { name: 'label', datatype: 'INT64', shape: [-1] },
      ],
    });
  });

  it('refuses to re-publish an existing version, and another publisher taking the name', async () => {
    const error = await publisher.models
      .publish(wdbcBytes, { name: 'wdbc-classifier', version: '1.0.0', task: 'breast-cancer-diagnosis' })
      .catch((e: unknown) => e);
    expect(AidocError.is(error, 'ALREADY_KNOWN')).toBe(true);
    expect((error as AidocError).shortMessage).toMatch(/already published/);
    const other = await user.models
      .publish(wdbcBytes, { name: 'wdbc-classifier', version: '2.0.0', task: 'breast-cancer-diagnosis' })
      .catch((e: unknown) => e);
    expect(AidocError.is(other, 'UNAUTHORIZED')).toBe(true);
    expect((await user.models.info('wdbc-classifier')).versions).toEqual(['1.0.0']);
  });

  it('refuses a non-ONNX or corrupt file before anything is stored or registered', async () => {
    const before = await devnet.content.stat();
    const corrupt = Uint8Array.from(wdbcBytes.subarray(0, 200));
    for (const bytes of [new TextEncoder().encode('not a model'), corrupt]) {
      await expect(
        publisher.models.publish(bytes, { name: 'broken', version: '1.0.0', task: 'x' }),
      ).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    }
    expect(await publisher.models.exists('broken')).toBe(false);
    expect(await devnet.content.stat()).toEqual(before);
  });

  it('paid inference pays the price to the publisher and enables one rating; no paid call, no rating', async () => {
    const published = await publisher.models.publish(wdbcBytes, {
      name: 'wdbc-paid',
      version: '1.0.0',
      task: 'breast-cancer-diagnosis',
      price: 2n * AID,
      metadata: { description: 'priced copy' },
    });
    expect(published.cid).not.toBe('');
    const userBefore = await user.aidBalance();
    const publisherBefore = await publisher.aidBalance();
    const rows = loadWdbc().test.x.slice(0, 1);
    const result = await user.models.infer('wdbc-paid@1.0.0', [
      { name: 'features', shape: [1, 30], data: Float32Array.from(rows.flat()) },
    ]);
    expect(result.payment?.price).toBe(2n * AID);
    expect(await user.aidBalance()).toBe(userBefore - 2n * AID);
    expect(await publisher.aidBalance()).toBe(publisherBefore + 2n * AID);
    const callId = result.payment?.callId as bigint;
    // Someone who did not pay for that call cannot rate it; a call id that does not exist cannot be rated.
    await expect(publisher.models.rate(callId, 5)).rejects.toMatchObject({ code: 'ACCESS_DENIED' });
    await expect(user.models.rate(callId + 1000n, 5)).rejects.toMatchObject({ code: 'ACCESS_DENIED' });
    await expect(user.models.rate(callId, 6)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    const rated = await user.models.rate(callId, 4, { comment: 'agrees with pathology' });
    expect(rated.commentCid).not.toBe('');
    await expect(user.models.rate(callId, 5)).rejects.toMatchObject({ code: 'ALREADY_KNOWN' });
    const info = await user.models.info('wdbc-paid@1.0.0');
    expect(info.rating).toEqual({ count: 1, average: 4 });
    expect(info.price).toBe(2n * AID);
  });

  it('bad input to a priced model charges nothing', async () => {
    const before = await user.aidBalance();
    await expect(
      user.models.infer('wdbc-paid@1.0.0', [
        { name: 'features', shape: [1, 29], data: new Float32Array(29) },
      ]),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(
      user.models.infer('wdbc-paid@1.0.0', [{ name: 'wrong', shape: [1, 30], data: new Float32Array(30) }]),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect(await user.aidBalance()).toBe(before);
  });

  it('AI-API models register an endpoint instead of a file, and infer goes to that endpoint', async () => {
    // The devnet server itself stands in for an external OIP service hosting a model of the same name.
    const published = await publisher.models.publish(
      { endpoint: server.url },
      { name: 'wdbc-classifier-api', version: '1.0.0', task: 'breast-cancer-diagnosis' },
    );
    expect(published.cid).toBe('');
    const info = await user.models.info('wdbc-classifier-api');
    expect(info.endpoint).toBe(server.url);
    expect(info.metadata?.format).toBe('oip-endpoint');
    // infer sends the request to the registered endpoint (here the devnet server, which does not host AI-API
    // models itself and says so in OIP's error shape).
    const requestsBefore = server.stats().requests;
    const error = await user.models
      .infer('wdbc-classifier-api@1.0.0', [{ name: 'features', shape: [1, 30], data: new Float32Array(30) }])
      .catch((e: unknown) => e);
    expect(AidocError.is(error, 'NOT_FOUND')).toBe(true);
    expect((error as AidocError).data?.error).toMatch(/AI-API model served at/);
    expect(server.stats().requests).toBe(requestsBefore + 1);
    const response = await fetch(`${server.url}/v2/models/wdbc-classifier-api/versions/1.0.0`);
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: string }).error).toMatch(/AI-API model served at/);
  });

  it('typed tensors in and out: INT64, BOOL, BYTES, FP64', async () => {
    const bytes = encodeOnnxModel({
      graphName: 'typed',
      inputs: [
        { name: 'counts', elemType: 'INT64', shape: ['n', 2] },
        { name: 'flags', elemType: 'BOOL', shape: ['n', 2] },
        { name: 'codes', elemType: 'STRING', shape: ['n'] },
        { name: 'values', elemType: 'DOUBLE', shape: ['n'] },
      ],
      outputs: [
        { name: 'counts_twice', elemType: 'INT64', shape: ['n', 2] },
        { name: 'not_flags', elemType: 'BOOL', shape: ['n', 2] },
        { name: 'codes_out', elemType: 'STRING', shape: ['n'] },
        { name: 'values_out', elemType: 'DOUBLE', shape: ['n'] },
      ],
      nodes: [
        { opType: 'Add', inputs: ['counts', 'counts'], outputs: ['counts_twice'] },
        { opType: 'Not', inputs: ['flags'], outputs: ['not_flags'] },
        { opType: 'Identity', inputs: ['codes'], outputs: ['codes_out'] },
        { opType: 'Identity', inputs: ['values'], outputs: ['values_out'] },
      ],
    });
    const published = await publisher.models.publish(bytes, { name: 'typed', version: '1', task: 'test' });
    expect(published.metadata.inputs.map((i) => i.datatype)).toEqual(['INT64', 'BOOL', 'BYTES', 'FP64']);
    const big = 2n ** 60n;
    const inputs: InferInput[] = [
      { name: 'counts', shape: [2, 2], data: BigInt64Array.from([1n, -2n, big, 3n]) },
      { name: 'flags', shape: [2, 2], datatype: 'BOOL', data: [true, false, false, true] },
      { name: 'codes', shape: [2], datatype: 'BYTES', data: ['LOINC 8867-4', 'ünïcode'] },
      { name: 'values', shape: [2], datatype: 'FP64', data: [0.1, 1e300] },
    ];
    const { outputs } = await user.models.infer('typed@1', inputs);
    const byName = Object.fromEntries(outputs.map((o) => [o.name, o]));
    expect(byName.counts_twice?.data).toEqual(BigInt64Array.from([2n, -4n, 2n * big, 6n]));
    expect(byName.not_flags?.data).toEqual([false, true, true, false]);
    expect(byName.codes_out?.data).toEqual(['LOINC 8867-4', 'ünïcode']);
    expect(byName.values_out?.data).toEqual(Float64Array.from([0.1, 1e300]));
    // The SDK's binary encoder and the server's binary decoder agree on every one of these layouts.
    const binary = await user.models.infer('typed@1', inputs, { binary: true });
    expect(binary.outputs).toEqual(outputs);
  });
});
