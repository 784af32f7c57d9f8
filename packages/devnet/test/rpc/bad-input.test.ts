import { connect } from 'node:net';
import { type Devnet, startDevnet } from '@aidoc/devnet';
import {
  type Hex,
  keccak256,
  type PrivateKeyAccount,
  parseEther,
  parseGwei,
  serializeTransaction,
} from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type RpcResponse, rawRpc, rpcResult } from './fixtures/rawRpc';

/** A parsed response body: the tests probe its shape field by field. */
// biome-ignore lint/suspicious/noExplicitAny: raw JSON read by the assertions
type Wire = any;

const MIB = 1024 * 1024;
const to = '0x000000000000000000000000000000000000bEEF' as const;
const fee = { maxFeePerGas: parseGwei('10'), maxPriorityFeePerGas: parseGwei('1') };

describe('bad input gets the right JSON-RPC error and changes nothing', () => {
  let devnet: Devnet;
  let post: (
    body: string | Uint8Array,
    headers?: Record<string, string>,
  ) => Promise<{ status: number; json: Wire }>;
  let alice: PrivateKeyAccount;
  let bob: PrivateKeyAccount;

  const nonceOf = async (a: PrivateKeyAccount) =>
    Number(BigInt(await rpcResult<string>(devnet.rpcUrl, 'eth_getTransactionCount', [a.address, 'pending'])));
  const sendRaw = (raw: Hex) => rawRpc(devnet.rpcUrl, 'eth_sendRawTransaction', [raw]);
  const expectError = (r: RpcResponse, code: number, message: RegExp) => {
    expect(r.result, JSON.stringify(r)).toBeUndefined();
    expect(r.error?.code, JSON.stringify(r.error)).toBe(code);
    expect(r.error?.message).toMatch(message);
  };

  beforeAll(async () => {
    devnet = await startDevnet({ port: 0 });
    alice = privateKeyToAccount(devnet.accounts[0]!.privateKey);
    bob = privateKeyToAccount(devnet.accounts[1]!.privateKey);
    post = async (body, headers = {}) => {
      const res = await fetch(devnet.rpcUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      });
      const text = await res.text();
      return { status: res.status, json: text ? JSON.parse(text) : undefined };
    };
  });

  afterAll(async () => {
    await devnet?.stop();
  });

  describe('envelope', () => {
    it('malformed JSON → -32700 with id null', async () => {
      for (const body of ['{"jsonrpc":"2.0","id":1,"method":', 'not json', '{]', '']) {
        const { json } = await post(body);
        expect(json.error.code, body).toBe(-32700);
        expect(json.id).toBeNull();
      }
    });

    it('not an object, missing method, bad jsonrpc or id → -32600', async () => {
      for (const body of ['42', '"eth_blockNumber"', 'null', 'true']) {
        const { json } = await post(body);
        expect(json.error.code, body).toBe(-32600);
      }
      const missing = await post(JSON.stringify({ jsonrpc: '2.0', id: 7 }));
      expect(missing.json).toMatchObject({ id: 7, error: { code: -32600 } });
      const numericMethod = await post(JSON.stringify({ jsonrpc: '2.0', id: 8, method: 5 }));
      expect(numericMethod.json).toMatchObject({ id: 8, error: { code: -32600 } });
      const version = await post(JSON.stringify({ jsonrpc: '1.0', id: 9, method: 'eth_chainId' }));
      expect(version.json).toMatchObject({ id: 9, error: { code: -32600 } });
      const badId = await post(JSON.stringify({ jsonrpc: '2.0', id: { x: 1 }, method: 'eth_chainId' }));
      expect(badId.json).toMatchObject({ id: null, error: { code: -32600 } });
    });

    it('unknown method → -32601 with the id echoed', async () => {
      const { json } = await post(
        JSON.stringify({ jsonrpc: '2.0', id: 'abc', method: 'eth_doesNotExist', params: [] }),
      );
      expect(json).toMatchObject({ jsonrpc: '2.0', id: 'abc', error: { code: -32601 } });
      expect(json.error.message).toMatch(/eth_doesNotExist/);
    });

    it('wrong params → -32602', async () => {
      const cases: [string, unknown][] = [
        ['eth_getBalance', ['0x1234', 'latest']],
        ['eth_getBalance', []],
        ['eth_getBalance', [alice.address, 'latest', 'extra']],
        ['eth_getBalance', { address: alice.address }],
        ['eth_getBlockByNumber', ['0xzz', false]],
        ['eth_getBlockByNumber', ['pending-ish', false]],
        ['eth_getTransactionByHash', ['0x1234']],
        ['eth_call', ['not an object', 'latest']],
        ['eth_getLogs', [{ fromBlock: 'yesterday' }]],
        ['eth_sendRawTransaction', ['not hex']],
        ['eth_getStorageAt', [alice.address, `0x${'1'.repeat(70)}`, 'latest']],
      ];
      for (const [method, params] of cases) {
        const { json } = await post(JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }));
        expect(json.error?.code, `${method} ${JSON.stringify(params)} → ${JSON.stringify(json)}`).toBe(
          -32602,
        );
      }
    });

    it('oversized body (content-length) → HTTP 413 with a JSON-RPC error; then still serving', async () => {
      const big = JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'eth_call',
        params: [{ data: `0x${'00'.repeat(9 * MIB)}` }],
      });
      expect(big.length).toBeGreaterThan(16 * MIB);
      const declared = await post(big);
      expect(declared.status).toBe(413);
      expect(declared.json.jsonrpc).toBe('2.0');
      expect(typeof declared.json.error.code).toBe('number');
      expect(declared.json.error.message).toMatch(/too large/);
      for (let i = 0; i < 3; i++) expect(await rpcResult(devnet.rpcUrl, 'eth_chainId')).toBe('0x7a69');
    });

    it('oversized chunked body (no content-length) → HTTP 413; later requests from the same client are served', async () => {
      const chunk = new Uint8Array(MIB).fill(0x20);
      let sent = 0;
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent >= 20) return controller.close();
          sent++;
          controller.enqueue(chunk);
        },
      });
      const res = await fetch(devnet.rpcUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: stream,
        duplex: 'half',
        // viem and ethers put a timeout signal on every request; so does this client.
        signal: AbortSignal.timeout(15_000),
      } as RequestInit);
      expect(res.status).toBe(413);
      expect(((await res.json()) as Wire).error.code).toBeTypeOf('number');
      // Same fetch client (undici pool): each of these must get an answer. The signal only turns a hang
      // into a failure instead of a test timeout; nothing here measures time.
      for (let i = 0; i < 4; i++) {
        const r = await fetch(devnet.rpcUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ jsonrpc: '2.0', id: i, method: 'eth_chainId', params: [] }),
          signal: AbortSignal.timeout(15_000),
        });
        expect(((await r.json()) as Wire).result).toBe('0x7a69');
      }
    });

    it('answers an oversized upload with 413 and Connection: close, then closes the socket (not reused half-read)', async () => {
      const { port, hostname } = new URL(devnet.rpcUrl);
      const socket = connect(Number(port), hostname);
      socket.on('error', () => {}); // the server may reset while we are still writing
      let received = '';
      socket.on('data', (b: Buffer) => {
        received += b.toString();
      });
      const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
      socket.write(
        'POST / HTTP/1.1\r\nHost: devnet\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n',
      );
      const chunk = Buffer.alloc(MIB, 0x20);
      const uncaught: unknown[] = [];
      const onUncaught = (e: unknown) => uncaught.push(e);
      process.on('uncaughtException', onUncaught);
      try {
        for (let i = 0; i < 20 && !socket.destroyed && !received; i++) {
          await new Promise<void>((resolve) => {
            const ok = socket.write(
              Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]),
            );
            if (ok) return resolve();
            socket.once('drain', () => resolve());
            socket.once('close', () => resolve());
          });
        }
        await closed;
        // Let the server finish its own callbacks for this connection.
        await rpcResult(devnet.rpcUrl, 'eth_chainId');
      } finally {
        process.off('uncaughtException', onUncaught);
      }
      expect(uncaught.map(String)).toEqual([]);
      const head = received.split('\r\n\r\n')[0] ?? '';
      expect(head).toMatch(/^HTTP\/1\.1 413/);
      expect(head).toMatch(/\r\nconnection: close/i);
      expect(await rpcResult(devnet.rpcUrl, 'eth_chainId')).toBe('0x7a69');
    });

    it('empty batch → one -32600 error object', async () => {
      const { json } = await post('[]');
      expect(Array.isArray(json)).toBe(false);
      expect(json).toMatchObject({ id: null, error: { code: -32600 } });
    });

    it('batch mixing good and bad requests answers each by id; notifications get no answer', async () => {
      const batch = [
        { jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] },
        { jsonrpc: '2.0', id: 2, method: 'eth_nope', params: [] },
        { jsonrpc: '2.0', id: 3, method: 'eth_getBalance', params: ['0xbad'] },
        42,
        { jsonrpc: '2.0', method: 'eth_blockNumber', params: [] },
        { jsonrpc: '2.0', id: 4, method: 'eth_getBalance', params: [alice.address, 'latest'] },
      ];
      const { json } = await post(JSON.stringify(batch));
      expect(Array.isArray(json)).toBe(true);
      expect(json).toHaveLength(5);
      const byId = new Map<unknown, Wire>(
        (json as Wire[]).filter((r) => r.id !== null).map((r) => [r.id, r]),
      );
      expect(byId.get(1).result).toBe('0x7a69');
      expect(byId.get(2).error.code).toBe(-32601);
      expect(byId.get(3).error.code).toBe(-32602);
      expect(BigInt(byId.get(4).result)).toBeGreaterThan(0n);
      expect((json as Wire[]).filter((r) => r.id === null)).toEqual([
        expect.objectContaining({ error: expect.objectContaining({ code: -32600 }) }),
      ]);
    });
  });

  describe('transactions', () => {
    it('bad signature → rejected, nothing mined', async () => {
      const head = await rpcResult(devnet.rpcUrl, 'eth_blockNumber');
      const unsigned = {
        chainId: 31337,
        type: 'eip1559' as const,
        nonce: await nonceOf(alice),
        gas: 21_000n,
        ...fee,
        to,
        value: 1n,
      };
      const highS = serializeTransaction(unsigned, {
        r: `0x${'11'.repeat(32)}`,
        s: '0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a1',
        yParity: 0,
      });
      const rOverflow = serializeTransaction(unsigned, {
        r: '0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364142',
        s: '0x01',
        yParity: 1,
      });
      const zero = serializeTransaction(unsigned, { r: '0x0', s: '0x0', yParity: 0 });
      for (const raw of [highS, rOverflow, zero]) {
        const r = await sendRaw(raw);
        expect(r.error, raw).toBeDefined();
        expect([-32000, -32602]).toContain(r.error!.code);
        expect(r.error!.message).toMatch(/signature|signed|sender/i);
      }
      expect(await rpcResult(devnet.rpcUrl, 'eth_blockNumber')).toBe(head);
    });

    it('nonce too low → -32000 "nonce too low"', async () => {
      const n = await nonceOf(alice);
      const ok = await sendRaw(
        await alice.signTransaction({ chainId: 31337, nonce: n, gas: 21_000n, ...fee, to, value: 1n }),
      );
      expect(ok.error).toBeUndefined();
      const again = await sendRaw(
        await alice.signTransaction({ chainId: 31337, nonce: n, gas: 21_000n, ...fee, to, value: 2n }),
      );
      expectError(again, -32000, /nonce too low/);
    });

    it('nonce more than 1024 ahead → -32000 "nonce too high"; within the gap it is queued', async () => {
      const carol = privateKeyToAccount(devnet.accounts[5]!.privateKey);
      const n = await nonceOf(carol);
      const far = await sendRaw(
        await carol.signTransaction({ chainId: 31337, nonce: n + 1025, gas: 21_000n, ...fee, to, value: 1n }),
      );
      expectError(far, -32000, /nonce too high/);
      const near = await carol.signTransaction({
        chainId: 31337,
        nonce: n + 3,
        gas: 21_000n,
        ...fee,
        to,
        value: 1n,
      });
      const queued = await sendRaw(near);
      expect(queued.error).toBeUndefined();
      expect(queued.result).toBe(keccak256(near));
      const status = await rpcResult<{ queued: string }>(devnet.rpcUrl, 'txpool_status');
      expect(BigInt(status.queued)).toBeGreaterThanOrEqual(1n);
      expect(await rpcResult(devnet.rpcUrl, 'eth_getTransactionReceipt', [queued.result])).toBeNull();
      await rpcResult(devnet.rpcUrl, 'anvil_dropTransaction', [queued.result]);
    });

    it('insufficient funds → -32000 "insufficient funds"', async () => {
      const poor = privateKeyToAccount(generatePrivateKey());
      const r = await sendRaw(
        await poor.signTransaction({ chainId: 31337, nonce: 0, gas: 21_000n, ...fee, to, value: 1n }),
      );
      expectError(r, -32000, /insufficient funds/);
      const tooMuch = await sendRaw(
        await bob.signTransaction({
          chainId: 31337,
          nonce: await nonceOf(bob),
          gas: 21_000n,
          ...fee,
          to,
          value: parseEther('10001'),
        }),
      );
      expectError(tooMuch, -32000, /insufficient funds/);
      // eth_estimateGas for the same transfer: geth says "insufficient funds for transfer" (-32000).
      const est = await rawRpc(devnet.rpcUrl, 'eth_estimateGas', [
        { from: bob.address, to, value: `0x${parseEther('10001').toString(16)}` },
      ]);
      expectError(est, -32000, /insufficient funds/);
    });

    it('fee cap below base fee → -32000', async () => {
      const r = await sendRaw(
        await bob.signTransaction({
          chainId: 31337,
          nonce: await nonceOf(bob),
          gas: 21_000n,
          maxFeePerGas: 1n,
          maxPriorityFeePerGas: 1n,
          to,
          value: 1n,
        }),
      );
      expectError(r, -32000, /max fee per gas less than block base fee/);
    });

    it('wrong chain id → -32000 "invalid chain id"', async () => {
      const r = await sendRaw(
        await bob.signTransaction({
          chainId: 1,
          nonce: await nonceOf(bob),
          gas: 21_000n,
          ...fee,
          to,
          value: 1n,
        }),
      );
      expectError(r, -32000, /invalid chain id/);
      expect(r.error!.message).not.toMatch(/[{}]|return /);
    });

    it('underpriced replacement (< 10% bump) → -32000; a 10% bump replaces the pending transaction', async () => {
      await rpcResult(devnet.rpcUrl, 'evm_setAutomine', [false]);
      try {
        const n = await nonceOf(bob);
        const original = await bob.signTransaction({
          chainId: 31337,
          nonce: n,
          gas: 21_000n,
          ...fee,
          to,
          value: 1n,
        });
        expect((await sendRaw(original)).error).toBeUndefined();
        expect(await rpcResult(devnet.rpcUrl, 'eth_getTransactionReceipt', [keccak256(original)])).toBeNull();
        const bump = (pct: bigint) => ({
          maxFeePerGas: (fee.maxFeePerGas * (100n + pct)) / 100n,
          maxPriorityFeePerGas: (fee.maxPriorityFeePerGas * (100n + pct)) / 100n,
        });
        const cheap = await sendRaw(
          await bob.signTransaction({ chainId: 31337, nonce: n, gas: 21_000n, ...bump(5n), to, value: 2n }),
        );
        expectError(cheap, -32000, /replacement transaction underpriced/);
        // Bumping only one of the two fee fields is not enough either.
        const half = await sendRaw(
          await bob.signTransaction({
            chainId: 31337,
            nonce: n,
            gas: 21_000n,
            maxFeePerGas: fee.maxFeePerGas * 2n,
            maxPriorityFeePerGas: fee.maxPriorityFeePerGas,
            to,
            value: 2n,
          }),
        );
        expectError(half, -32000, /replacement transaction underpriced/);
        const replacement = await bob.signTransaction({
          chainId: 31337,
          nonce: n,
          gas: 21_000n,
          ...bump(10n),
          to,
          value: 3n,
        });
        const ok = await sendRaw(replacement);
        expect(ok.error).toBeUndefined();
        await rpcResult(devnet.rpcUrl, 'evm_mine');
        const mined = await rpcResult<{ status: string } | null>(devnet.rpcUrl, 'eth_getTransactionReceipt', [
          keccak256(replacement),
        ]);
        expect(mined?.status).toBe('0x1');
        expect(await rpcResult(devnet.rpcUrl, 'eth_getTransactionByHash', [keccak256(original)])).toBeNull();
        expect(await nonceOf(bob)).toBe(n + 1);
      } finally {
        await rpcResult(devnet.rpcUrl, 'evm_setAutomine', [true]);
      }
    });
  });

  describe('WebSocket', () => {
    const open = (url: string) =>
      new Promise<WebSocket>((resolve, reject) => {
        const ws = new WebSocket(url);
        ws.once('open', () => resolve(ws));
        ws.once('error', reject);
      });
    const nextMessage = (ws: WebSocket) =>
      new Promise<Wire>((resolve) => ws.once('message', (d) => resolve(JSON.parse(d.toString()))));

    it('answers garbage frames with errors and keeps the connection serving', async () => {
      const ws = await open(devnet.wsUrl);
      try {
        for (const [frame, code] of [
          ['garbage', -32700],
          ['{"jsonrpc":"2.0","id":1,"method":', -32700],
          ['[]', -32600],
          ['7', -32600],
          ['{"jsonrpc":"2.0","id":2,"method":"eth_nope"}', -32601],
        ] as const) {
          const reply = nextMessage(ws);
          ws.send(frame);
          expect((await reply).error.code, frame).toBe(code);
        }
        const bin = nextMessage(ws);
        ws.send(Buffer.from([0xff, 0xfe, 0x00, 0x13, 0x37]));
        expect((await bin).error.code).toBe(-32700);
        const good = nextMessage(ws);
        ws.send(JSON.stringify({ jsonrpc: '2.0', id: 99, method: 'eth_chainId', params: [] }));
        expect(await good).toMatchObject({ id: 99, result: '0x7a69' });
      } finally {
        ws.close();
      }
    });

    it('closes a socket that sends an oversized message; other clients are unaffected', async () => {
      const ws = await open(devnet.wsUrl);
      const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
      ws.on('error', () => {});
      ws.send(Buffer.alloc(17 * MIB, 0x20));
      expect(await closed).toBe(1009);
      const other = await open(devnet.wsUrl);
      try {
        const reply = nextMessage(other);
        other.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_blockNumber', params: [] }));
        expect((await reply).result).toMatch(/^0x/);
      } finally {
        other.close();
      }
    });
  });

  it('survives a few thousand bad requests, then serves a good transaction', async () => {
    const TOTAL = 3000;
    const head = await rpcResult<string>(devnet.rpcUrl, 'eth_blockNumber');
    const n = await nonceOf(alice);
    const stale = await alice.signTransaction({
      chainId: 31337,
      nonce: n - 1,
      gas: 21_000n,
      ...fee,
      to,
      value: 1n,
    });
    const poor = await privateKeyToAccount(generatePrivateKey()).signTransaction({
      chainId: 31337,
      nonce: 0,
      gas: 21_000n,
      ...fee,
      to,
      value: 1n,
    });
    const kinds: { body: string; code: number }[] = [
      { body: '{"jsonrpc":"2.0","id":1,"method":', code: -32700 },
      { body: '"just a string"', code: -32600 },
      { body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_nope' }), code: -32601 },
      {
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_getBalance', params: ['0x12'] }),
        code: -32602,
      },
      {
        body: JSON.stringify({
          jsonrpc: '2.0',
          id: 1,
          method: 'eth_sendRawTransaction',
          params: ['0x02deadbeef'],
        }),
        code: -32602,
      },
      {
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_sendRawTransaction', params: [stale] }),
        code: -32000,
      },
      {
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_sendRawTransaction', params: [poor] }),
        code: -32000,
      },
    ];
    const counts = new Map<number, number>();
    let next = 0;
    const worker = async () => {
      while (next < TOTAL) {
        const kind = kinds[next++ % kinds.length]!;
        const { json } = await post(kind.body);
        expect(json.error?.code).toBe(kind.code);
        counts.set(kind.code, (counts.get(kind.code) ?? 0) + 1);
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    expect([...counts.values()].reduce((a, b) => a + b, 0)).toBe(TOTAL);
    expect(await rpcResult(devnet.rpcUrl, 'eth_blockNumber')).toBe(head);
    expect(await nonceOf(alice)).toBe(n);

    const good = await alice.signTransaction({
      chainId: 31337,
      nonce: n,
      gas: 21_000n,
      ...fee,
      to,
      value: 5n,
    });
    const sent = await sendRaw(good);
    expect(sent.error).toBeUndefined();
    const receipt = await rpcResult<{ status: string; blockNumber: string }>(
      devnet.rpcUrl,
      'eth_getTransactionReceipt',
      [sent.result],
    );
    expect(receipt.status).toBe('0x1');
    expect(BigInt(receipt.blockNumber)).toBe(BigInt(head) + 1n);
    expect(await rpcResult(devnet.rpcUrl, 'eth_blockNumber')).toBe(receipt.blockNumber);
  });
});
