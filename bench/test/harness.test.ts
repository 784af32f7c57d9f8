import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stopChildProcess, trackChildProcess } from '../harness/childProcessRegistry';
import { createJsonRpcClient, JsonRpcError } from '../harness/createJsonRpcClient';
import { mapWithConcurrency } from '../harness/mapWithConcurrency';
import { readProcessTreeMemory } from '../harness/readProcessTreeMemory';

describe('createJsonRpcClient', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    // A tiny JSON-RPC server: echo_add returns the sum of its params, anything else is -32601.
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => {
        body += c.toString();
      });
      req.on('end', () => {
        const answer = (r: { id: number; method: string; params: number[] }) =>
          r.method === 'echo_add'
            ? { jsonrpc: '2.0', id: r.id, result: r.params.reduce((a, b) => a + b, 0) }
            : { jsonrpc: '2.0', id: r.id, error: { code: -32601, message: 'method not found' } };
        const parsed = JSON.parse(body);
        res.setHeader('content-type', 'application/json');
        // Batch answers come back reversed: the client must match them by id.
        res.end(JSON.stringify(Array.isArray(parsed) ? parsed.map(answer).reverse() : answer(parsed)));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('returns results, matches batch answers by id, and throws JSON-RPC errors with their code', async () => {
    const rpc = createJsonRpcClient(url, { connections: 2 });
    expect(await rpc.request('echo_add', [2, 3])).toBe(5);
    expect(
      await rpc.batch([
        { method: 'echo_add', params: [1] },
        { method: 'echo_add', params: [1, 1] },
      ]),
    ).toEqual([1, 2]);
    const error = await rpc.request('nope').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JsonRpcError);
    expect((error as JsonRpcError).code).toBe(-32601);
    await rpc.close();
  });
});

describe('mapWithConcurrency', () => {
  it('keeps item order and never runs more than the limit at once', async () => {
    let running = 0;
    let peak = 0;
    const out = await mapWithConcurrency([5, 1, 4, 2, 3, 0, 6], 3, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, n));
      running--;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30, 0, 60]);
    expect(peak).toBe(3);
  });
});

describe('process trees', () => {
  it('sums peak RSS over a child and its grandchild, and stopChildProcess kills the whole group', async () => {
    // A parent node process that starts a grandchild and prints its pid, then both idle.
    const script = `
      const { spawn } = require('node:child_process');
      const g = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
      console.log(g.pid);
      setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ['-e', script], {
      stdio: ['ignore', 'pipe', 'ignore'],
      detached: true,
    });
    trackChildProcess(child);
    const grandchildPid = await new Promise<number>((resolve) =>
      child.stdout?.once('data', (c: Buffer) => resolve(Number(c.toString().trim()))),
    );
    const memory = readProcessTreeMemory(child.pid as number);
    expect(memory.processes).toBe(2);
    expect(memory.peakRssBytes).toBeGreaterThan(readProcessTreeMemory(grandchildPid).peakRssBytes);

    await stopChildProcess(child, 1_000);
    // Gone, or a zombie waiting for init to reap it: either way no longer running.
    const state = () => {
      try {
        return /^State:\s+(\S)/m.exec(readFileSync(`/proc/${grandchildPid}/status`, 'utf8'))?.[1];
      } catch {
        return 'gone';
      }
    };
    for (let i = 0; i < 40 && state() !== 'gone' && state() !== 'Z'; i++)
      await new Promise((r) => setTimeout(r, 50));
    expect(['gone', 'Z']).toContain(state());
  });
});
