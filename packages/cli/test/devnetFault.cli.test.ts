import { type Devnet, startDevnet } from '@aidoc/devnet';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ValidatorStatus } from '../src/commands/devnet/validatorStatus';
import { runCli } from '../src/program';
import { collectIo } from './collectOutput';

const argv = (...args: string[]) => ['node', 'aidoc', ...args];

let devnet: Devnet;
beforeAll(async () => {
  devnet = await startDevnet({ port: 0, roundTimeout: 100 });
});
afterAll(async () => {
  await devnet?.stop();
});

async function rpc<T>(method: string, params: unknown[] = []): Promise<T> {
  const response = await fetch(devnet.rpcUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  const body = (await response.json()) as { result?: T; error?: unknown };
  if (body.error) throw new Error(`${method} failed: ${JSON.stringify(body.error)}`);
  return body.result as T;
}

/** Run the CLI in-process, stdout piped (JSON), and parse its one JSON document. */
async function cliJson<T>(...args: string[]): Promise<{ code: number; out: T }> {
  const io = collectIo({ tty: false });
  const code = await runCli(argv(...args), io);
  return { code, out: JSON.parse(io.stdout.text()) as T };
}

const fault = (validator: number, ...rest: string[]) =>
  cliJson<{ validator: ValidatorStatus; fault: { kind: string } }>(
    'devnet',
    'fault',
    '--rpc',
    devnet.rpcUrl,
    '--validator',
    String(validator),
    ...rest,
  );

describe('aidoc devnet fault / status against a running devnet', () => {
  it('lists four validators, the head as finalized, and a reachable quorum', async () => {
    const { code, out } = await cliJson<{
      chainId: number;
      head: { number: string };
      finalized: { number: string };
      validators: ValidatorStatus[];
      quorum: number;
      canCommit: boolean;
    }>('devnet', 'status', '--rpc', devnet.rpcUrl);
    expect(code).toBe(0);
    expect(out.chainId).toBe(31337);
    expect(out.validators).toHaveLength(4);
    expect(out.validators.filter((v) => v.proposer)).toHaveLength(1);
    expect(out.quorum).toBe(3);
    expect(out.canCommit).toBe(true);
    expect(out.finalized.number).toBe(out.head.number);
  });

  it('with 2 of 4 crashed no block is committed while a tx waits; healing mines it', async () => {
    const [from, to] = devnet.accounts;
    const before = await rpc<string>('eth_blockNumber');

    const first = await fault(1, 'crash');
    expect(first.code).toBe(0);
    expect(first.out.validator).toMatchObject({ index: 1, crashed: true });
    expect((await fault(2, 'crash')).out.validator.crashed).toBe(true);

    const status = await cliJson<{ canCommit: boolean; reachable: number }>(
      'devnet',
      'status',
      '--rpc',
      devnet.rpcUrl,
      '--json',
    );
    expect(status.out).toMatchObject({ canCommit: false, reachable: 2 });

    // The send returns once the devnet gives up waiting for inclusion; the tx stays pending.
    const hash = await rpc<string>('eth_sendTransaction', [
      { from: from!.address, to: to!.address, value: '0x1' },
    ]);
    for (let i = 0; i < 5; i++) {
      expect(await rpc<string>('eth_blockNumber')).toBe(before);
      expect(await rpc<unknown>('eth_getTransactionReceipt', [hash])).toBeNull();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    expect((await fault(1, 'heal')).out.validator).toMatchObject({ crashed: false, partitioned: false });
    expect((await fault(2, 'recover')).out.validator.crashed).toBe(false);
    await vi.waitFor(
      async () => {
        const receipt = await rpc<{ status: string; blockNumber: string } | null>(
          'eth_getTransactionReceipt',
          [hash],
        );
        expect(receipt?.status).toBe('0x1');
        expect(BigInt(receipt!.blockNumber)).toBeGreaterThan(BigInt(before));
      },
      { timeout: 30_000, interval: 100 },
    );
  });

  it('applies delay MS and partition, and reports them in status', async () => {
    const delayed = await fault(0, 'delay', '250');
    expect(delayed.out).toMatchObject({ fault: { kind: 'delay', ms: 250 }, validator: { delayMs: 250 } });
    expect((await fault(3, 'partition')).out.validator.partitioned).toBe(true);
    const { out } = await cliJson<{ validators: ValidatorStatus[] }>(
      'devnet',
      'status',
      '--rpc',
      devnet.rpcUrl,
    );
    expect(out.validators[0]!.delayMs).toBe(250);
    expect(out.validators[3]!.partitioned).toBe(true);
    await fault(0, 'heal');
    await fault(3, 'heal');
  });

  it('prints a validator table on a terminal', async () => {
    const io = collectIo({ tty: true });
    expect(
      await runCli(argv('devnet', 'fault', '--rpc', devnet.rpcUrl, '--validator', '2', 'equivocate'), io),
    ).toBe(0);
    expect(io.stdout.text()).toMatch(
      /Validator #2 \(0x[0-9a-fA-F]{40}\): equivocate applied; now equivocating\./,
    );
    await fault(2, 'heal');
    const status = collectIo({ tty: true });
    expect(await runCli(argv('devnet', 'status', '--rpc', devnet.rpcUrl), status)).toBe(0);
    expect(status.stdout.text()).toContain('finality  progressing');
    expect(status.stdout.text()).toMatch(/#3\s+0x[0-9a-fA-F]{40}\s+validator/);
  });

  it('exits 1 with a CONSENSUS error when the devnet refuses (no validator 9)', async () => {
    const { code, out } = await cliJson<{ error: { code: string; message: string } }>(
      'devnet',
      'fault',
      '--rpc',
      devnet.rpcUrl,
      '--validator',
      '9',
      'crash',
    );
    expect(code).toBe(1);
    expect(out.error.code).toBe('CONSENSUS');
    expect(out.error.message).toContain('validator index');
  });

  it('exits 1 with a NETWORK error when nothing listens at --rpc', async () => {
    const { code, out } = await cliJson<{ error: { code: string } }>(
      'devnet',
      'status',
      '--rpc',
      'http://127.0.0.1:1',
    );
    expect(code).toBe(1);
    expect(out.error.code).toBe('NETWORK');
  });

  it('exits 2 on usage errors without calling the devnet', async () => {
    for (const args of [
      ['crash'], // no --validator
      ['--validator', '1', 'explode'],
      ['--validator', '1', 'delay'],
      ['--validator', '1', 'delay', 'soon'],
      ['--validator', '1', 'crash', '5'],
      ['--validator', 'x', 'crash'],
    ]) {
      const { code, out } = await cliJson<{ error: { code: string } }>(
        'devnet',
        'fault',
        '--rpc',
        devnet.rpcUrl,
        ...args,
      );
      expect(code, args.join(' ')).toBe(2);
      expect(out.error.code).toBe('INVALID_INPUT');
    }
    const status = await cliJson<{ validators: ValidatorStatus[] }>(
      'devnet',
      'status',
      '--rpc',
      devnet.rpcUrl,
    );
    expect(status.out.validators.every((v) => !v.crashed)).toBe(true);
  });
});
