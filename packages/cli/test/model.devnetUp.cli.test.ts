import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { type CliProcess, spawnCli } from './spawnCli';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

const running: CliProcess[] = [];
afterEach(async () => {
  for (const cli of running.splice(0)) {
    if (cli.child.exitCode === null && cli.child.signalCode === null) {
      cli.child.kill('SIGKILL');
      await cli.exited;
    }
  }
});

/** Run `aidoc …` as a child process from source, `stdin` piped in; resolves with its exit code and output. */
function runAidoc(
  args: string[],
  stdin: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', 'packages/cli/src/bin.ts', ...args],
      { cwd: repoRoot, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, DEBUG: '' } },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

describe('aidoc devnet up --with-models (child process)', () => {
  it('reports "inference" in the ready line, answers OIP health, and serves the reference models to aidoc model infer --input -', async () => {
    const cli = spawnCli(['devnet', 'up', '--port', '0', '--with-models', '--json'], 60_000);
    running.push(cli);
    const ready = JSON.parse(await cli.waitForLine((line) => line.startsWith('{'), 'ready line')) as {
      rpc: string;
      ipfs: string;
      inference: string;
    };
    expect(Object.keys(ready)).toContain('inference');
    expect(ready.inference).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(ready.inference).not.toMatch(/:(0|9000)$/); // --port 0: a free inference port too

    const health = await fetch(`${ready.inference}/v2/health/ready`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ready: true });

    const endpoints = ['--rpc', ready.rpc, '--ipfs', ready.ipfs, '--inference', ready.inference];
    const list = await runAidoc(['model', 'list', ...endpoints], '');
    expect(list.code, list.stderr).toBe(0);
    const names = (JSON.parse(list.stdout) as { name: string }[]).map((m) => m.name).sort();
    expect(names).toEqual(['ecg200-classifier', 'wdbc-classifier']);

    // One heartbeat from the ECG200 test split (first column is the class), piped through stdin.
    const text = await readFile(`${repoRoot}/models/data/ecg200/ECG200_TEST.txt`, 'utf8');
    const heartbeat = text.split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    expect(heartbeat).toHaveLength(96);
    const request = { inputs: [{ name: 'heartbeat', shape: [1, 96], datatype: 'FP32', data: heartbeat }] };
    const inferred = await runAidoc(
      ['model', 'infer', 'ecg200-classifier@1.0.0', '--input', '-', ...endpoints],
      JSON.stringify(request),
    );
    expect(inferred.code, inferred.stderr).toBe(0);
    const outputs = (JSON.parse(inferred.stdout) as { outputs: { name: string; data: number[] }[] }).outputs;
    const probabilities = outputs.find((o) => o.name === 'probabilities')!.data;
    expect(probabilities).toHaveLength(2);
    expect(probabilities[0]! + probabilities[1]!).toBeCloseTo(1, 5);

    // The same request with curl's equivalent gives the same numbers.
    const raw = await fetch(`${ready.inference}/v2/models/ecg200-classifier/versions/1.0.0/infer`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(request),
    });
    const rawOutputs = ((await raw.json()) as { outputs: { name: string; data: number[] }[] }).outputs;
    expect(probabilities).toEqual(rawOutputs.find((o) => o.name === 'probabilities')!.data);
    expect(outputs.find((o) => o.name === 'label')!.data).toEqual(
      rawOutputs.find((o) => o.name === 'label')!.data,
    );

    cli.child.kill('SIGINT');
    const exit = await cli.exited;
    expect(exit.code).toBe(0);
  });
});
