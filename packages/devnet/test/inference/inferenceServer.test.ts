import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadWdbc } from '../../../../models/loadReferenceDatasets';
import { encodeOnnxModel } from '../../../../models/onnx/encodeOnnxModel';
import { createInferenceServer, type InferenceServer } from '../../src/inference/createInferenceServer';
import { publishReferenceModels } from '../../src/inference/publishReferenceModels';
import { startDevnet } from '../../src/startDevnet';
import type { Devnet } from '../../src/types';
import { connectModels } from './connectModels';

let devnet: Devnet;
let server: InferenceServer;
let models: Awaited<ReturnType<typeof connectModels>>['models'];
const row = loadWdbc().test.x[0] as number[];
const WDBC = '/v2/models/wdbc-classifier/versions/1.0.0';

function serverFor(options: Partial<Parameters<typeof createInferenceServer>[0]> = {}) {
  return createInferenceServer({
    port: 0,
    provider: devnet.provider,
    registry: devnet.contracts.ModelRegistry as `0x${string}`,
    content: devnet.content,
    ...options,
  });
}

async function call(base: string, method: string, path: string, body?: string | object) {
  const response = await fetch(`${base}${path}`, {
    method,
    ...(body !== undefined
      ? {
          headers: { 'Content-Type': 'application/json' },
          body: typeof body === 'string' ? body : JSON.stringify(body),
        }
      : {}),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

const good = (rows = 1) => ({
  inputs: [
    {
      name: 'features',
      shape: [rows, 30],
      datatype: 'FP32',
      data: Array.from({ length: rows }, () => row).flat(),
    },
  ],
});

beforeAll(async () => {
  devnet = await startDevnet({ port: 0, validators: 1 });
  server = await serverFor({ maxBodyBytes: 64 * 1024 });
  ({ models } = await connectModels(devnet, 0, server.url));
  await publishReferenceModels(models);
  // A model without a batch dimension (fixed shape [1, 2]).
  await models.publish(
    encodeOnnxModel({
      graphName: 'fixed',
      inputs: [{ name: 'x', elemType: 'FLOAT', shape: [1, 2] }],
      outputs: [{ name: 'y', elemType: 'FLOAT', shape: [1, 2] }],
      nodes: [{ opType: 'Add', inputs: ['x', 'x'], outputs: ['y'] }],
    }),
    { name: 'fixed-doubler', version: '1', task: 'test' },
  );
});

afterAll(async () => {
  await server?.close();
  await devnet?.stop();
});

describe('OIP server: bad input answered per the protocol, and it keeps serving', () => {
  const cases: Array<[string, string, string, string | object | undefined, number, RegExp]> = [
    ['malformed JSON', 'POST', `${WDBC}/infer`, '{"inputs": [', 400, /malformed JSON/],
    ['a body that is not an object', 'POST', `${WDBC}/infer`, '[1,2]', 400, /JSON object/],
    ['no inputs', 'POST', `${WDBC}/infer`, { inputs: [] }, 400, /non-empty array/],
    ['unknown model', 'POST', '/v2/models/nope/versions/1/infer', good(), 404, /unknown model "nope"/],
    [
      'unknown version',
      'POST',
      '/v2/models/wdbc-classifier/versions/9/infer',
      good(),
      404,
      /unknown version "9"/,
    ],
    ['unknown model metadata', 'GET', '/v2/models/nope', undefined, 404, /unknown model/],
    ['unknown model readiness', 'GET', '/v2/models/nope/ready', undefined, 404, /unknown model/],
    [
      'wrong input name',
      'POST',
      `${WDBC}/infer`,
      { inputs: [{ ...good().inputs[0], name: 'feature' }] },
      400,
      /unexpected input "feature"/,
    ],
    [
      'wrong shape',
      'POST',
      `${WDBC}/infer`,
      { inputs: [{ name: 'features', shape: [1, 29], datatype: 'FP32', data: row.slice(0, 29) }] },
      400,
      /expects \[-1,30\]/,
    ],
    [
      'wrong rank',
      'POST',
      `${WDBC}/infer`,
      { inputs: [{ name: 'features', shape: [30], datatype: 'FP32', data: row }] },
      400,
      /expects \[-1,30\]/,
    ],
    [
      'wrong datatype',
      'POST',
      `${WDBC}/infer`,
      { inputs: [{ ...good().inputs[0], datatype: 'INT64' }] },
      400,
      /datatype INT64, the model expects FP32/,
    ],
    [
      'data length not matching the shape',
      'POST',
      `${WDBC}/infer`,
      { inputs: [{ name: 'features', shape: [2, 30], datatype: 'FP32', data: row }] },
      400,
      /has 30 data elements, its shape \[2,30\] needs 60/,
    ],
    [
      'a string where a number belongs',
      'POST',
      `${WDBC}/infer`,
      { inputs: [{ name: 'features', shape: [1, 30], datatype: 'FP32', data: ['x', ...row.slice(1)] }] },
      400,
      /data\[0\] must be a number/,
    ],
    [
      'unknown requested output',
      'POST',
      `${WDBC}/infer`,
      { ...good(), outputs: [{ name: 'logits' }] },
      400,
      /unknown output "logits"/,
    ],
    ['a huge body', 'POST', `${WDBC}/infer`, JSON.stringify(good(1000)), 413, /exceeds the limit/],
    ['GET on infer', 'GET', `${WDBC}/infer`, undefined, 405, /use POST/],
    ['an unknown endpoint', 'GET', '/v2/repository/index', undefined, 404, /no such endpoint/],
  ];
  for (const [what, method, path, body, status, message] of cases) {
    it(`${what} → ${status} { error }`, async () => {
      const answer = await call(server.url, method, path, body);
      expect(answer.status).toBe(status);
      expect(Object.keys(answer.json)).toEqual(['error']);
      expect(answer.json.error).toMatch(message);
      const after = await call(server.url, 'POST', `${WDBC}/infer`, good());
      expect(after.status).toBe(200);
    });
  }

  it('a huge chunked body without Content-Length → 413 { error }', async () => {
    const chunk = new TextEncoder().encode(' '.repeat(16 * 1024));
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 8; i++) controller.enqueue(chunk);
        controller.close();
      },
    });
    const response = await fetch(`${server.url}${WDBC}/infer`, {
      method: 'POST',
      body,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ error: 'request body exceeds the limit of 65536 bytes' });
    expect((await call(server.url, 'POST', `${WDBC}/infer`, good())).status).toBe(200);
  });

  it('an unknown model loads nothing', async () => {
    const fresh = await serverFor();
    try {
      await call(fresh.url, 'POST', '/v2/models/nope/infer', good());
      await call(fresh.url, 'POST', '/v2/models/wdbc-classifier/versions/7/infer', good());
      expect(fresh.stats()).toMatchObject({ modelLoads: 0, sessionRuns: 0, errors: 2 });
    } finally {
      await fresh.close();
    }
  });

  it('a few thousand mixed good and bad concurrent requests: every good one answered correctly', async () => {
    const expected = (await call(server.url, 'POST', `${WDBC}/infer`, good())).json.outputs;
    const bad = [
      ['{"inputs": [', 400],
      [JSON.stringify({ inputs: [{ ...good().inputs[0], datatype: 'FP64' }] }), 400],
      [
        JSON.stringify({
          inputs: [{ name: 'features', shape: [1, 31], datatype: 'FP32', data: [...row, 1] }],
        }),
        400,
      ],
    ] as const;
    const total = 2400;
    let next = 0;
    const failures: string[] = [];
    async function worker() {
      while (next < total) {
        const i = next++;
        if (i % 4 === 3) {
          const [body, status] = bad[i % bad.length] as (typeof bad)[number];
          const answer = await call(server.url, 'POST', `${WDBC}/infer`, body);
          if (answer.status !== status || typeof answer.json.error !== 'string')
            failures.push(`bad ${i}: ${answer.status}`);
        } else if (i % 4 === 2) {
          const answer = await call(server.url, 'POST', '/v2/models/nope/infer', good());
          if (answer.status !== 404) failures.push(`unknown ${i}: ${answer.status}`);
        } else {
          const answer = await call(server.url, 'POST', `${WDBC}/infer`, good());
          if (answer.status !== 200 || JSON.stringify(answer.json.outputs) !== JSON.stringify(expected))
            failures.push(`good ${i}: ${answer.status}`);
        }
      }
    }
    await Promise.all(Array.from({ length: 48 }, worker));
    expect(failures).toEqual([]);
    expect((await call(server.url, 'GET', '/v2/health/ready')).status).toBe(200);
  });
});

describe('OIP server: sessions and batching', () => {
  it('loads each model once and batches concurrent requests to a model with a dynamic batch dimension', async () => {
    const batching = await serverFor({ maxBatchSize: 8, maxQueueDelayMs: 60_000 });
    try {
      const bodies = Array.from({ length: 16 }, (_, i) => ({
        inputs: [
          { name: 'features', shape: [1, 30], datatype: 'FP32', data: loadWdbc().test.x[i] as number[] },
        ],
      }));
      const answers = await Promise.all(bodies.map((b) => call(batching.url, 'POST', `${WDBC}/infer`, b)));
      expect(answers.every((a) => a.status === 200)).toBe(true);
      // Each request gets its own row back: the same as asking for all 16 rows in one request.
      const together = await call(batching.url, 'POST', `${WDBC}/infer`, {
        inputs: [
          {
            name: 'features',
            shape: [8, 30],
            datatype: 'FP32',
            data: bodies.slice(0, 8).flatMap((b) => b.inputs[0]?.data ?? []),
          },
        ],
      });
      const labels = (together.json.outputs as Array<{ name: string; data: number[] }>).find(
        (o) => o.name === 'label',
      )?.data;
      expect(
        answers
          .slice(0, 8)
          .map((a) => (a.json.outputs as Array<{ name: string; data: number[] }>)[1]?.data[0]),
      ).toEqual(labels);
      expect(batching.stats()).toMatchObject({
        modelLoads: 1,
        // 16 single-row requests with a batch size of 8: two full batches, then the 8-row request alone.
        sessionRuns: 3,
        batchedRuns: 2,
        batchedRequests: 16,
        maxRequestsPerRun: 8,
        inferences: 17,
      });
    } finally {
      await batching.close();
    }
  });

  it('requests asking for different outputs share a batch, and each gets the outputs it asked for', async () => {
    const batching = await serverFor({ maxBatchSize: 4, maxQueueDelayMs: 60_000 });
    try {
      const answers = await Promise.all([
        call(batching.url, 'POST', `${WDBC}/infer`, good()),
        call(batching.url, 'POST', `${WDBC}/infer`, { ...good(), outputs: [{ name: 'label' }] }),
        call(batching.url, 'POST', `${WDBC}/infer`, good()),
        call(batching.url, 'POST', `${WDBC}/infer`, good()),
      ]);
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
      expect((answers[1]?.json.outputs as Array<{ name: string }>).map((o) => o.name)).toEqual(['label']);
      expect(batching.stats()).toMatchObject({ sessionRuns: 1, batchedRuns: 1, maxRequestsPerRun: 4 });
    } finally {
      await batching.close();
    }
  });

  it('stacks no more input bytes than maxBatchBytes into one run', async () => {
    // One WDBC row is 30 FP32 values, 120 bytes: a 240-byte cap makes two requests a full batch.
    const capped = await serverFor({ maxBatchSize: 64, maxBatchBytes: 240, maxQueueDelayMs: 60_000 });
    try {
      const answers = await Promise.all(
        Array.from({ length: 4 }, () => call(capped.url, 'POST', `${WDBC}/infer`, good())),
      );
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
      expect(capped.stats()).toMatchObject({ sessionRuns: 2, batchedRuns: 2, maxRequestsPerRun: 2 });
    } finally {
      await capped.close();
    }
  });

  it('refuses limits that are not positive integers, before listening', async () => {
    for (const bad of [
      { maxBatchSize: 0 },
      { maxBatchBytes: 1.5 },
      { maxQueueDelayMs: -1 },
      { intraOpNumThreads: Number.NaN },
    ]) {
      await expect(serverFor(bad)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    }
  });

  it('does not batch a model without a dynamic batch dimension', async () => {
    const fresh = await serverFor({ maxBatchSize: 8, maxQueueDelayMs: 60_000 });
    try {
      const answers = await Promise.all(
        Array.from({ length: 4 }, () =>
          call(fresh.url, 'POST', '/v2/models/fixed-doubler/infer', {
            inputs: [{ name: 'x', shape: [1, 2], datatype: 'FP32', data: [1.5, -2] }],
          }),
        ),
      );
      expect(answers.map((a) => a.json.outputs)).toEqual(
        Array.from({ length: 4 }, () => [{ name: 'y', datatype: 'FP32', shape: [1, 2], data: [3, -4] }]),
      );
      expect(fresh.stats()).toMatchObject({ modelLoads: 1, sessionRuns: 4, batchedRuns: 0 });
    } finally {
      await fresh.close();
    }
  });

  it('evicts the least recently used session beyond the memory cap, and reloads it when asked again', async () => {
    // The ECG model file is ~14 KB and the WDBC one ~1.4 KB: a 15 KB cap holds one of them at a time.
    const small = await serverFor({ maxLoadedBytes: 15_000 });
    try {
      const ecg = {
        inputs: [{ name: 'heartbeat', shape: [1, 96], datatype: 'FP32', data: new Array(96).fill(0) }],
      };
      expect((await call(small.url, 'POST', `${WDBC}/infer`, good())).status).toBe(200);
      expect((await call(small.url, 'POST', '/v2/models/ecg200-classifier/infer', ecg)).status).toBe(200);
      expect(small.stats()).toMatchObject({ modelLoads: 2, modelEvictions: 1, loadedModels: 1 });
      expect((await call(small.url, 'POST', `${WDBC}/infer`, good())).status).toBe(200);
      expect(small.stats()).toMatchObject({ modelLoads: 3, modelEvictions: 2, loadedModels: 1 });
      expect(small.stats().loadedBytes).toBeLessThanOrEqual(15_000);
    } finally {
      await small.close();
    }
  });
});
