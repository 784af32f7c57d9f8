import { afterAll, beforeAll, expect, it } from 'vitest';
import { encodeOnnxModel } from '../../../../models/onnx/encodeOnnxModel';
import { createInferenceServer, type InferenceServer } from '../../src/inference/createInferenceServer';
import { startDevnet } from '../../src/startDevnet';
import type { Devnet } from '../../src/types';
import { connectModels } from './connectModels';

// A model that computes for a long while: 100 MatMuls of a [rows, 512] input by a 512x512 averaging matrix
// (one shared initializer, so the file stays small). onnxruntime-node computes `run` synchronously on the
// calling thread; the server must run it elsewhere so the devnet keeps answering meanwhile.
const WIDTH = 512;
const LAYERS = 100;
const ROWS = 64;

function slowModel(): Uint8Array {
  const names = Array.from({ length: LAYERS + 1 }, (_, i) => (i === 0 ? 'x' : i === LAYERS ? 'y' : `h${i}`));
  return encodeOnnxModel({
    graphName: 'slow',
    inputs: [{ name: 'x', elemType: 'FLOAT', shape: ['batch', WIDTH] }],
    outputs: [{ name: 'y', elemType: 'FLOAT', shape: ['batch', WIDTH] }],
    initializers: [
      { name: 'w', dims: [WIDTH, WIDTH], data: new Float32Array(WIDTH * WIDTH).fill(1 / WIDTH) },
    ],
    nodes: Array.from({ length: LAYERS }, (_, i) => ({
      opType: 'MatMul',
      inputs: [names[i] as string, 'w'],
      outputs: [names[i + 1] as string],
    })),
  });
}

let devnet: Devnet;
let server: InferenceServer;

beforeAll(async () => {
  devnet = await startDevnet({ port: 0 });
  server = await createInferenceServer({
    port: 0,
    provider: devnet.provider,
    registry: devnet.contracts.ModelRegistry as `0x${string}`,
    content: devnet.content,
  });
  const { models } = await connectModels(devnet, 0, server.url);
  await models.publish(slowModel(), { name: 'slow', version: '1', task: 'test' });
}, 120_000);

afterAll(async () => {
  await server?.close();
  await devnet?.stop();
});

it('the devnet answers JSON-RPC while a slow model runs (sessions run on their own thread)', async () => {
  const body = JSON.stringify({
    inputs: [{ name: 'x', shape: [ROWS, WIDTH], datatype: 'FP32', data: new Array(ROWS * WIDTH).fill(1) }],
  });
  let inferenceAnswered = false;
  const inference = fetch(`${server.url}/v2/models/slow/versions/1/infer`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body,
  }).then(async (response) => {
    inferenceAnswered = true;
    return {
      status: response.status,
      json: (await response.json()) as { outputs: Array<{ data: number[] }> },
    };
  });
  // Wait until the server has handed the run to onnxruntime, then ask the chain something.
  while (server.stats().sessionRuns === 0) await new Promise((resolve) => setTimeout(resolve, 1));
  const rpc = await fetch(devnet.rpcUrl, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_blockNumber', params: [] }),
  });
  expect(((await rpc.json()) as { result: string }).result).toMatch(/^0x[0-9a-f]+$/);
  expect(inferenceAnswered).toBe(false);
  // And the slow model's answer is right: averaging all-ones rows keeps them all ones.
  const { status, json } = await inference;
  expect(status).toBe(200);
  expect(json.outputs[0]?.data).toHaveLength(ROWS * WIDTH);
  expect(json.outputs[0]?.data.every((v) => Math.abs(v - 1) < 1e-4)).toBe(true);
}, 120_000);
