import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Devnet, startDevnet } from '@aidoc/devnet';
import { walletAccountFromMnemonic } from '@aidoc/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/program';
import { collectIo } from './collectOutput';

const modelsDir = fileURLToPath(new URL('../../../models/', import.meta.url));
const DEV_MNEMONIC = 'test test test test test test test test test test test junk';
const publisher = walletAccountFromMnemonic(DEV_MNEMONIC, { index: 0 });

let devnet: Devnet;
let dir: string;
let env: Record<string, string>;
/** The first rows of models/data/wdbc.csv: 30 features, then the label (0 = malignant, 1 = benign). */
let wdbcRows: { features: number[]; label: number }[];

beforeAll(async () => {
  devnet = await startDevnet({ port: 0, withModels: true });
  dir = await mkdtemp(join(tmpdir(), 'aidoc-cli-model-'));
  env = { AIDOC_RPC: devnet.rpcUrl, AIDOC_IPFS: devnet.ipfsUrl, AIDOC_INFERENCE: devnet.inferenceUrl };
  const csv = await readFile(join(modelsDir, 'data/wdbc.csv'), 'utf8');
  wdbcRows = csv
    .trim()
    .split('\n')
    .slice(1, 41)
    .map((line) => {
      const values = line.split(',').map(Number);
      return { features: values.slice(0, 30), label: values[30] as number };
    });
});
afterAll(async () => {
  await devnet?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Run `aidoc …` in process, stdout a pipe (JSON) unless `tty`, against the devnet through the AIDOC_* env. */
async function aidoc(args: string[], options: { tty?: boolean; env?: Record<string, string> } = {}) {
  const io = collectIo({ tty: options.tty ?? false, env: { ...env, ...options.env } });
  const code = await runCli(['node', 'aidoc', ...args], io);
  const stdout = io.stdout.text();
  // biome-ignore lint/suspicious/noExplicitAny: test access to parsed JSON
  const json: any = options.tty ? undefined : JSON.parse(stdout);
  return { code, stdout, stderr: io.stderr.text(), json };
}

async function writeRequest(name: string, body: unknown): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, JSON.stringify(body));
  return file;
}

function wdbcRequest(rows: { features: number[] }[]) {
  return {
    inputs: [
      { name: 'features', shape: [rows.length, 30], datatype: 'FP32', data: rows.map((r) => r.features) },
    ],
  };
}

describe('aidoc model (in-process devnet with the reference models)', () => {
  it('lists the reference models with name, version, task and cid, filters by task, and prints a table on a terminal', async () => {
    const list = await aidoc(['model', 'list', '--json']);
    expect(list.code).toBe(0);
    expect(Array.isArray(list.json)).toBe(true);
    const byName = new Map(list.json.map((m: { name: string }) => [m.name, m]));
    expect(byName.get('wdbc-classifier')).toMatchObject({
      name: 'wdbc-classifier',
      version: '1.0.0',
      task: 'breast-cancer-diagnosis',
      cid: expect.stringMatching(/^Qm[1-9A-HJ-NP-Za-km-z]{44}$/),
      price: '0',
    });
    expect(byName.get('ecg200-classifier')).toMatchObject({
      version: '1.0.0',
      task: 'ecg-classification',
      cid: expect.stringMatching(/^Qm/),
    });

    const ecg = await aidoc(['model', 'list', '--task', 'ecg-classification', '--json']);
    expect(ecg.json.map((m: { name: string }) => m.name)).toEqual(['ecg200-classifier']);
    expect((await aidoc(['model', 'list', '--task', 'no-such-task'])).json).toEqual([]);

    const table = await aidoc(['model', 'list'], { tty: true });
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^name\s+version\s+task/);
    expect(table.stdout).toMatch(/wdbc-classifier\s+1\.0\.0\s+breast-cancer-diagnosis\s+free\s+Qm/);
  });

  it('shows a model with its inputs and outputs, by name or name@version', async () => {
    const info = await aidoc(['model', 'info', 'wdbc-classifier', '--json']);
    expect(info.code).toBe(0);
    expect(info.json).toMatchObject({
      name: 'wdbc-classifier',
      version: '1.0.0',
      versions: ['1.0.0'],
      rating: { count: 0 },
      metadata: {
        schema: 'aidoc.model/1',
        inputs: [{ name: 'features', datatype: 'FP32', shape: [-1, 30] }],
        outputs: [
          { name: 'probabilities', datatype: 'FP32', shape: [-1, 2] },
          { name: 'label', datatype: 'INT64', shape: [-1] },
        ],
      },
    });
    expect(new Date(info.json.publishedAt).getTime()).toBeGreaterThan(0);

    const text = await aidoc(['model', 'info', 'ecg200-classifier@1.0.0'], { tty: true });
    expect(text.stdout).toContain('ecg200-classifier@1.0.0');
    expect(text.stdout).toMatch(/inputs\s+heartbeat FP32 \[-1, 96\]/);

    const unknown = await aidoc(['model', 'info', 'no-such-model']);
    expect(unknown.code).toBe(1);
    expect(unknown.json.error.code).toBe('NOT_FOUND');
  });

  it('infers from an OIP request file: probabilities per row, labels matching the dataset, the same numbers as a raw OIP call', async () => {
    // Four malignant and four benign rows.
    const rows = [
      ...wdbcRows.filter((r) => r.label === 0).slice(0, 4),
      ...wdbcRows.filter((r) => r.label === 1).slice(0, 4),
    ];
    const body = wdbcRequest(rows);
    const file = await writeRequest('wdbc-8.json', body);
    const result = await aidoc(['model', 'infer', 'wdbc-classifier@1.0.0', '--input', file, '--json']);
    expect(result.code, result.stdout).toBe(0);
    expect(result.json).toMatchObject({ modelName: 'wdbc-classifier', modelVersion: '1.0.0' });
    expect(result.json.payment).toBeUndefined(); // a free model is not paid for by default
    const probabilities = result.json.outputs.find((o: { name: string }) => o.name === 'probabilities');
    const label = result.json.outputs.find((o: { name: string }) => o.name === 'label');
    expect(probabilities).toMatchObject({ datatype: 'FP32', shape: [8, 2] });
    expect(label).toMatchObject({ datatype: 'INT64', shape: [8] });
    for (let i = 0; i < rows.length; i++) {
      const [p0, p1] = probabilities.data.slice(2 * i, 2 * i + 2) as [number, number];
      expect(p0 + p1).toBeCloseTo(1, 5);
      expect(label.data[i]).toBe(p0 > p1 ? 0 : 1);
    }
    // The reference model gets these rows right (99% held-out accuracy).
    expect(label.data).toEqual(rows.map((r) => r.label));

    const raw = await fetch(`${devnet.inferenceUrl}/v2/models/wdbc-classifier/versions/1.0.0/infer`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const rawBody = (await raw.json()) as { outputs: { name: string; data: number[] }[] };
    expect(probabilities.data).toEqual(rawBody.outputs.find((o) => o.name === 'probabilities')?.data);

    const text = await aidoc(['model', 'infer', 'wdbc-classifier', '--input', file], { tty: true });
    expect(text.stdout).toMatch(/label INT64 \[8\]\s+\[0, 0, 0, 0, 1, 1, 1, 1\]/);

    // Tensors as raw bytes on the wire (binary tensor data extension): the same outputs.
    const binary = await aidoc([
      'model',
      'infer',
      'wdbc-classifier@1.0.0',
      '--input',
      file,
      '--binary',
      '--json',
    ]);
    expect(binary.code, binary.stdout).toBe(0);
    expect(binary.json.outputs).toEqual(result.json.outputs);
  });

  it('refuses bad inference input with a typed error and exit code 2, unknown models with NOT_FOUND', async () => {
    const row = wdbcRows[0]!.features;
    const cases: [string, unknown, string][] = [
      [
        'wrong-name.json',
        { inputs: [{ name: 'x', shape: [1, 30], datatype: 'FP32', data: row }] },
        'no input "x"',
      ],
      [
        'wrong-shape.json',
        { inputs: [{ name: 'features', shape: [1, 29], datatype: 'FP32', data: row.slice(1) }] },
        'shape',
      ],
      [
        'wrong-length.json',
        { inputs: [{ name: 'features', shape: [1, 30], datatype: 'FP32', data: row.slice(1) }] },
        '29 values',
      ],
      ['no-inputs.json', { outputs: [] }, 'no "inputs"'],
    ];
    for (const [name, body, message] of cases) {
      const run = await aidoc([
        'model',
        'infer',
        'wdbc-classifier',
        '--input',
        await writeRequest(name, body),
      ]);
      expect(run.code, name).toBe(2);
      expect(run.json.error.code, name).toBe('INVALID_INPUT');
      expect(run.json.error.message, name).toContain(message);
    }
    const notJson = join(dir, 'not-json.json');
    await writeFile(notJson, '{"inputs": [');
    expect(
      (await aidoc(['model', 'infer', 'wdbc-classifier', '--input', notJson])).json.error.message,
    ).toContain('not valid JSON');

    const good = await writeRequest('good.json', wdbcRequest(wdbcRows.slice(0, 1)));
    const unknownVersion = await aidoc(['model', 'infer', 'wdbc-classifier@9.9.9', '--input', good]);
    expect(unknownVersion.code).toBe(1);
    expect(unknownVersion.json.error.code).toBe('NOT_FOUND');

    const missingInput = await aidoc(['model', 'infer', 'wdbc-classifier']);
    expect(missingInput.code).toBe(2);
    expect(missingInput.json.error.message).toContain('--input');

    const noServer = await aidoc([
      'model',
      'infer',
      'wdbc-classifier',
      '--input',
      good,
      '--inference',
      'http://127.0.0.1:9',
    ]);
    expect(noServer.code).toBe(1);
    expect(noServer.json.error.code).toBe('NETWORK');
  });

  it('publishes an ONNX file under a new name with a price and metadata, lists it, refuses a re-publish (exit 1, ALREADY_KNOWN), pays and rates a call', async () => {
    const metadataFile = join(dir, 'metadata.json');
    await writeFile(metadataFile, JSON.stringify({ description: 'WDBC copy published by the CLI test' }));
    const onnx = join(modelsDir, 'wdbc-classifier.onnx');
    const publishArgs = ['model', 'publish', onnx, '--name', 'cli-wdbc', '--version', '1.0.0'];
    const rest = ['--task', 'breast-cancer-diagnosis', '--price', '0.5', '--metadata', metadataFile];

    const noAccount = await aidoc([...publishArgs, ...rest]);
    expect(noAccount.code).toBe(2);
    expect(noAccount.json.error.message).toContain('needs an account');

    const published = await aidoc([...publishArgs, ...rest, '--account', 'dev:0', '--json']);
    expect(published.code, published.stdout).toBe(0);
    expect(published.json).toMatchObject({
      name: 'cli-wdbc',
      version: '1.0.0',
      task: 'breast-cancer-diagnosis',
      price: '500000000000000000',
      cid: expect.stringMatching(/^Qm/),
      metadataCid: expect.stringMatching(/^Qm/),
      txHash: expect.stringMatching(/^0x[0-9a-f]{64}$/),
      source: { file: onnx },
      metadata: { metadata: { description: 'WDBC copy published by the CLI test' } },
    });

    const list = await aidoc(['model', 'list', '--json']);
    const listed = list.json.find((m: { name: string }) => m.name === 'cli-wdbc');
    expect(listed).toMatchObject({
      version: '1.0.0',
      task: 'breast-cancer-diagnosis',
      cid: published.json.cid,
      publisher: publisher.address,
    });
    // Same bytes as the reference model: same CID.
    const reference = list.json.find((m: { name: string }) => m.name === 'wdbc-classifier');
    expect(published.json.cid).toBe(reference.cid);

    const again = await aidoc([...publishArgs, ...rest, '--account', 'dev:0', '--json']);
    expect(again.code).toBe(1);
    expect(again.json.error).toMatchObject({
      code: 'ALREADY_KNOWN',
      message: expect.stringContaining('already published'),
      data: { contractError: 'VersionExists' },
    });

    // A priced model: infer pays from --account and returns the call id; the payer rates it once.
    const request = await writeRequest('paid.json', wdbcRequest(wdbcRows.slice(0, 1)));
    const paid = await aidoc(['model', 'infer', 'cli-wdbc@1.0.0', '--input', request, '--account', 'dev:1']);
    expect(paid.code, paid.stdout).toBe(0);
    expect(paid.json.payment).toMatchObject({
      callId: expect.stringMatching(/^\d+$/),
      price: '500000000000000000',
      txHash: expect.stringMatching(/^0x/),
    });
    const callId = paid.json.payment.callId as string;

    const notPayer = await aidoc(['model', 'rate', callId, '5', '--account', 'dev:2']);
    expect(notPayer.code).toBe(1);
    expect(notPayer.json.error.code).toBe('ACCESS_DENIED');

    const rated = await aidoc([
      'model',
      'rate',
      callId,
      '4',
      '--comment',
      'Agrees with pathology',
      '--account',
      'dev:1',
    ]);
    expect(rated.code, rated.stdout).toBe(0);
    expect(rated.json).toMatchObject({ callId, score: 4, commentCid: expect.stringMatching(/^Qm/) });

    const twice = await aidoc(['model', 'rate', callId, '5', '--account', 'dev:1']);
    expect(twice.code).toBe(1);
    expect(twice.json.error).toMatchObject({
      code: 'ALREADY_KNOWN',
      data: { contractError: 'AlreadyRated' },
    });

    const badScore = await aidoc(['model', 'rate', callId, '6', '--account', 'dev:1']);
    expect(badScore.code).toBe(2);

    const info = await aidoc(['model', 'info', 'cli-wdbc', '--json']);
    expect(info.json).toMatchObject({ rating: { count: 1, average: 4 }, price: '500000000000000000' });
  });

  it('pays for a call of a free model with --pay (so it can be rated), which needs --account', async () => {
    const request = await writeRequest('free-paid.json', wdbcRequest(wdbcRows.slice(0, 1)));
    const noAccount = await aidoc(['model', 'infer', 'wdbc-classifier', '--input', request, '--pay']);
    expect(noAccount.code).toBe(2);
    expect(noAccount.json.error.message).toContain('needs an account');
    const paid = await aidoc([
      'model',
      'infer',
      'wdbc-classifier',
      '--input',
      request,
      '--pay',
      '--account',
      'dev:3',
    ]);
    expect(paid.code, paid.stdout).toBe(0);
    expect(paid.json.payment).toMatchObject({ callId: expect.stringMatching(/^\d+$/), price: '0' });
    const rated = await aidoc(['model', 'rate', paid.json.payment.callId, '5', '--account', 'dev:3']);
    expect(rated.code, rated.stdout).toBe(0);
    expect(rated.json.commentCid).toBe('');
  });

  it('refuses a file that is not an ONNX model before storing or registering anything', async () => {
    const fake = join(dir, 'fake.onnx');
    await writeFile(fake, 'this is not a protobuf');
    const run = await aidoc([
      'model',
      'publish',
      fake,
      '--name',
      'cli-fake',
      '--version',
      '1.0.0',
      '--task',
      'x',
      '--account',
      'dev:0',
    ]);
    expect(run.code).toBe(2);
    expect(run.json.error.code).toBe('INVALID_INPUT');
    const exists = await aidoc(['model', 'info', 'cli-fake']);
    expect(exists.json.error.code).toBe('NOT_FOUND');

    const both = await aidoc([
      'model',
      'publish',
      fake,
      '--endpoint',
      'http://127.0.0.1:1',
      '--name',
      'x',
      '--version',
      '1',
      '--task',
      'x',
      '--account',
      'dev:0',
    ]);
    expect(both.code).toBe(2);
    expect(both.json.error.message).toContain('either an ONNX file or --endpoint');
  });

  it('publishes an AI-API model by endpoint and sends its inference there, not to --inference', async () => {
    // A stand-in for a hosted OIP server (Triton, KServe): it records what it receives.
    const received: { url: string | undefined; body: string }[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8').on('data', (chunk: string) => {
        body += chunk;
      });
      req.on('end', () => {
        received.push({ url: req.url, body });
        res.setHeader('content-type', 'application/json');
        res.end(
          JSON.stringify({
            model_name: 'lab-api',
            model_version: '2',
            outputs: [{ name: 'score', datatype: 'FP32', shape: [1], data: [0.25] }],
          }),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const run = await aidoc([
        'model',
        'publish',
        '--endpoint',
        endpoint,
        '--name',
        'lab-api',
        '--version',
        '2',
        '--task',
        'lab-interpretation',
        '--account',
        'dev:0',
      ]);
      expect(run.code, run.stdout).toBe(0);
      expect(run.json).toMatchObject({ cid: '', source: { endpoint } });
      const info = await aidoc(['model', 'info', 'lab-api', '--json']);
      expect(info.json).toMatchObject({ endpoint, metadata: { format: 'oip-endpoint' } });

      const request = await writeRequest('lab.json', {
        id: 'req-1',
        inputs: [{ name: 'values', shape: [1, 2], datatype: 'FP32', data: [[5.4, 140]] }],
      });
      const inferred = await aidoc(['model', 'infer', 'lab-api', '--input', request]);
      expect(inferred.code, inferred.stdout).toBe(0);
      expect(inferred.json.outputs).toEqual([{ name: 'score', datatype: 'FP32', shape: [1], data: [0.25] }]);
      expect(received).toHaveLength(1);
      expect(received[0]!.url).toBe('/v2/models/lab-api/versions/2/infer');
      expect(JSON.parse(received[0]!.body)).toMatchObject({
        id: 'req-1',
        inputs: [{ name: 'values', shape: [1, 2], datatype: 'FP32', data: [5.4, 140] }],
      });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
