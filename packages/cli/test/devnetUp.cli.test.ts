import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type CliProcess, spawnCli } from './spawnCli';

const running: CliProcess[] = [];
afterEach(async () => {
  for (const cli of running.splice(0)) {
    if (cli.child.exitCode === null && cli.child.signalCode === null) {
      cli.child.kill('SIGKILL');
      await cli.exited;
    }
  }
});

function start(args: string[]): CliProcess {
  const cli = spawnCli(args);
  running.push(cli);
  return cli;
}

interface ReadyLine {
  rpc: string;
  ws: string;
  ipfs?: string;
  chainId: number;
  accounts: { address: string; privateKey: string }[];
  contracts: Record<string, string>;
}

async function readyLine(cli: CliProcess): Promise<ReadyLine> {
  return JSON.parse(await cli.waitForLine((line) => line.startsWith('{'), 'ready line')) as ReadyLine;
}

async function rpc(url: string, method: string, params: unknown[] = []): Promise<unknown> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  const body = (await response.json()) as { result?: unknown; error?: unknown };
  if (body.error) throw new Error(`${method} failed: ${JSON.stringify(body.error)}`);
  return body.result;
}

describe('aidoc devnet up (child process)', () => {
  it('prints one ready line, serves JSON-RPC on the reported free port, logs blocks, stops on SIGINT', async () => {
    const cli = start(['devnet', 'up', '--port', '0', '--chain-id', '1337', '--accounts', '3', '--json']);
    const ready = await readyLine(cli);

    expect(Object.keys(ready)).toEqual([
      'rpc',
      'ws',
      'ipfs',
      'inference',
      'chainId',
      'accounts',
      'contracts',
    ]);
    expect(ready.rpc).toMatch(/^http:\/\/127\.0\.0\.1:\d+/);
    expect(ready.rpc).not.toMatch(/:0\/?$/);
    expect(ready.ws).toMatch(/^ws:\/\/127\.0\.0\.1:\d+/);
    expect(ready.chainId).toBe(1337);
    expect(ready.accounts).toHaveLength(3);
    // m/44'/60'/0'/0/0 of the public test mnemonic.
    expect(ready.accounts[0]!.address.toLowerCase()).toBe('0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266');
    expect(ready.accounts[0]!.privateKey).toBe(
      '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80',
    );
    expect(typeof ready.contracts).toBe('object');

    expect(await rpc(ready.rpc, 'eth_chainId')).toBe('0x539');
    const ipfsVersion = await fetch(`${ready.ipfs}/api/v0/version`, { method: 'POST' });
    expect(ipfsVersion.status).toBe(200);

    // A mined block shows up as a JSON log line.
    await rpc(ready.rpc, 'evm_mine');
    const blockLine = JSON.parse(
      await cli.waitForLine((line) => line.includes('"event":"block"'), 'block line'),
    ) as Record<string, unknown>;
    expect(blockLine).toMatchObject({ event: 'block', number: expect.stringMatching(/^\d+$/) });
    expect(blockLine.hash).toMatch(/^0x[0-9a-f]{64}$/);

    // Every stdout line is JSON.
    for (const line of cli.lines) expect(() => JSON.parse(line)).not.toThrow();

    cli.child.kill('SIGINT');
    const { code, stderr } = await cli.exited;
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(JSON.parse(cli.lines.at(-1)!)).toEqual({ event: 'stopped', signal: 'SIGINT' });
  });

  it('keeps the chain in --data-dir across restarts', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'aidoc-cli-'));
    try {
      const first = start(['devnet', 'up', '--port', '0', '--data-dir', dataDir, '--json']);
      const firstRpc = (await readyLine(first)).rpc;
      await rpc(firstRpc, 'evm_mine');
      await rpc(firstRpc, 'evm_mine');
      const height = await rpc(firstRpc, 'eth_blockNumber');
      expect(BigInt(height as string)).toBeGreaterThanOrEqual(2n);
      first.child.kill('SIGINT');
      expect((await first.exited).code).toBe(0);

      const second = start(['devnet', 'up', '--port', '0', '--data-dir', dataDir, '--json']);
      expect(await rpc((await readyLine(second)).rpc, 'eth_blockNumber')).toBe(height);
      second.child.kill('SIGTERM');
      expect((await second.exited).code).toBe(0);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('stops cleanly on SIGTERM too', async () => {
    const cli = start(['devnet', 'up', '--port', '0', '--json']);
    await readyLine(cli);
    cli.child.kill('SIGTERM');
    expect((await cli.exited).code).toBe(0);
  });

  it('exits 1 with a PORT_IN_USE error and no stack trace when the port is taken', async () => {
    const first = start(['devnet', 'up', '--port', '0', '--json']);
    const port = new URL((await readyLine(first)).rpc).port;

    const second = start(['devnet', 'up', '--port', port, '--json']);
    const { code, stderr } = await second.exited;
    expect(code).toBe(1);
    expect(second.lines).toHaveLength(1);
    const { error } = JSON.parse(second.lines[0]!) as { error: { code: string; message: string } };
    expect(error.code).toBe('PORT_IN_USE');
    expect(error.message).toContain(port);
    expect(stderr).not.toMatch(/\n\s+at /);

    first.child.kill('SIGINT');
    expect((await first.exited).code).toBe(0);
  });

  it('exits 2 with a clear message for --block-time abc', async () => {
    const cli = start(['devnet', 'up', '--block-time', 'abc', '--json']);
    const { code, stderr } = await cli.exited;
    expect(code).toBe(2);
    const { error } = JSON.parse(cli.lines.join('\n')) as { error: { code: string; message: string } };
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toContain("'abc' is invalid");
    expect(error.message).toContain('seconds');
    expect(stderr).toBe('');
  });
});
