import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { messengerAbi } from '@aidoc/contracts';
import { type Devnet, startDevnet } from '@aidoc/devnet';
import { getAddress, type Hex } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AidocError } from '../src/errors';
import {
  createMessagingClient,
  fileCursorStore,
  type MessagingClient,
  memoryCursorStore,
  type ReceivedMessage,
} from '../src/messaging';

let devnet: Devnet;
let ocr: MessagingClient;
let interpreter: MessagingClient;
let third: MessagingClient;
let patient: MessagingClient;
let stranger: MessagingClient;
let ocrId: bigint;
let interpreterId: bigint;
let thirdId: bigint;
let dir: string;

function client(index: number) {
  const account = devnet.accounts[index];
  if (!account) throw new Error('no such dev account');
  return createMessagingClient({
    rpc: devnet.rpcUrl,
    ipfs: devnet.ipfsUrl,
    signer: account.privateKey,
    pollingIntervalMs: 50,
  });
}

async function refusal(promise: Promise<unknown>): Promise<AidocError> {
  try {
    await promise;
  } catch (e) {
    if (AidocError.is(e)) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

async function countBlocks(): Promise<number> {
  let n = 0;
  for await (const _ of devnet.content.blocks()) n++;
  return n;
}

async function sequenceOf(from: bigint, to: bigint): Promise<bigint> {
  return ocr.publicClient.readContract({
    address: ocr.contracts.Messenger as Hex,
    abi: messengerAbi,
    functionName: 'channelSequence',
    args: [from, to],
  });
}

/** A TCP relay in front of the devnet's WebSocket port whose connections the test can cut. */
function relay(targetPort: number): Promise<{ url: string; cut(): void; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((inbound) => {
    const outbound = connect(targetPort, '127.0.0.1');
    for (const s of [inbound, outbound]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {});
    }
    inbound.pipe(outbound);
    outbound.pipe(inbound);
  });
  return new Promise((res) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      res({
        url: `ws://127.0.0.1:${port}`,
        cut: () => {
          for (const s of sockets) s.destroy();
        },
        close: () =>
          new Promise<void>((r) => {
            for (const s of sockets) s.destroy();
            server.close(() => r());
          }),
      });
    }),
  );
}

/** Waits (polling) until `predicate` holds. */
async function until(predicate: () => boolean, what: string, limitMs = 30_000): Promise<void> {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > limitMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

beforeAll(async () => {
  devnet = await startDevnet({ port: 0 });
  dir = await mkdtemp(join(tmpdir(), 'aidoc-messaging-'));
  [ocr, interpreter, third, patient, stranger] = await Promise.all([
    client(1),
    client(2),
    client(3),
    client(4),
    client(5),
  ]);
  await patient.keys.register();
  ocrId = (await ocr.messaging.register({ name: 'lab-ocr', topics: ['lab-sheet.result'] })).dappId;
  interpreterId = (
    await interpreter.messaging.register({ name: 'lab-interpreter', topics: ['lab-sheet.values', 'stream'] })
  ).dappId;
  thirdId = (await third.messaging.register({ name: 'curious', topics: ['lab-sheet.values'] })).dappId;
});

afterAll(async () => {
  await devnet?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('DApp registry', () => {
  it('registers DApps with their key and topics and reads them by id or name', async () => {
    const d = await ocr.messaging.get('lab-interpreter');
    expect(d.dappId).toBe(interpreterId);
    expect(d.encryptionKey).toBe(interpreter.keys.publicKey);
    expect(d.owner).toBe(getAddress(devnet.accounts[2]?.address as Hex));
    expect(await ocr.messaging.accepts(interpreterId, 'lab-sheet.values')).toBe(true);
    expect(await ocr.messaging.accepts(interpreterId, 'lab-sheet.image')).toBe(false);
    expect((await interpreter.messaging.owned()).map((x) => x.name)).toEqual(['lab-interpreter']);
    const taken = await refusal(stranger.messaging.register({ name: 'lab-ocr', topics: [] }));
    expect(taken.code).toBe('ALREADY_KNOWN');
    expect(taken.data?.contractError).toBe('NameTaken');
  });
});

describe('refusals send nothing', () => {
  it('unknown DApp, refused topic, oversized payload: typed errors, no transaction, no content', async () => {
    const blocksBefore = await countBlocks();
    const seqBefore = await sequenceOf(ocrId, interpreterId);
    const unknownName = await refusal(ocr.messaging.send('no-such-dapp', 'lab-sheet.values', { a: 1 }));
    expect(unknownName.code).toBe('NOT_FOUND');
    const unknownId = await refusal(ocr.messaging.send(999n, 'lab-sheet.values', { a: 1 }));
    expect(unknownId.code).toBe('NOT_FOUND');
    const topic = await refusal(ocr.messaging.send('lab-interpreter', 'lab-sheet.image', { a: 1 }));
    expect(topic.code).toBe('ACCESS_DENIED');
    expect(topic.data?.contractError).toBe('TopicNotAccepted');
    const big = new Uint8Array(20_000).fill(7);
    const inline = await refusal(
      ocr.messaging.send('lab-interpreter', 'lab-sheet.values', big, { storage: 'inline' }),
    );
    expect(inline.code).toBe('LIMIT_EXCEEDED');
    const limit = await refusal(
      ocr.messaging.send('lab-interpreter', 'lab-sheet.values', big, { maxPayloadBytes: 10_000 }),
    );
    expect(limit.code).toBe('LIMIT_EXCEEDED');
    const notOwner = await refusal(
      stranger.messaging.send('lab-interpreter', 'lab-sheet.values', 'x', { from: ocrId }),
    );
    expect(notOwner.code).toBe('UNAUTHORIZED');
    expect(await sequenceOf(ocrId, interpreterId)).toBe(seqBefore);
    expect(await countBlocks()).toBe(blocksBefore);
  });

  it('a notification to a user who has not allowed the DApp', async () => {
    const blocksBefore = await countBlocks();
    const e = await refusal(
      interpreter.notifications.send(devnet.accounts[6]?.address as Hex, 'advice', 'hello'),
    );
    expect(e.code).toBe('ACCESS_DENIED');
    expect(e.data?.contractError).toBe('NotificationsNotAllowed');
    expect(await countBlocks()).toBe(blocksBefore);
  });
});

describe('send, listen, ack', () => {
  it('delivers inline and IPFS payloads decrypted, and correlates an ack with its request', async () => {
    const seen: ReceivedMessage[] = [];
    const listener = await interpreter.messaging.listen(
      'lab-interpreter',
      async (m) => {
        seen.push(m);
        if (m.topicName === 'lab-sheet.values')
          await interpreter.messaging.ack(m, { flagged: Object.keys(m.payload as object) });
      },
      { cursor: memoryCursorStore() },
    );
    try {
      const small = await ocr.messaging.send('lab-interpreter', 'lab-sheet.values', { glucose: 7.9 });
      expect(small.inline).toBe(true);
      expect(small.encrypted).toBe(true);
      const large = { note: 'x'.repeat(10_000), hba1c: 6.9 };
      const { sent, ack } = await ocr.messaging.request('lab-interpreter', 'lab-sheet.values', large, {
        timeoutMs: 30_000,
      });
      expect(sent.inline).toBe(false);
      expect(sent.payloadCid).toMatch(/^bafk/);
      expect(ack.sequence).toBe(sent.sequence);
      expect(ack.result).toEqual({ flagged: ['note', 'hba1c'] });
      await until(() => seen.length >= 2, 'two messages');
      expect(seen.map((m) => m.payload)).toEqual([{ glucose: 7.9 }, large]);
      expect(seen.every((m) => m.encrypted && m.error === undefined)).toBe(true);
      const again = await refusal(interpreter.messaging.ack(seen[0] as ReceivedMessage));
      expect(again.code).toBe('ALREADY_KNOWN');
      expect(again.data?.contractError).toBe('AlreadyAcked');
      const stranger_ = await refusal(
        third.messaging.ack({ fromDapp: ocrId, toDapp: interpreterId, sequence: 1 }),
      );
      expect(stranger_.code).toBe('UNAUTHORIZED');
    } finally {
      await listener.stop();
    }
  });

  it('refuses to listen without the DApp key', async () => {
    const e = await refusal(
      third.messaging.listen('lab-interpreter', () => {}, { cursor: memoryCursorStore() }),
    );
    expect(e.code).toBe('UNAUTHORIZED');
  });
});

describe('exactly once, in channel order', () => {
  const PER_SENDER = 30;

  async function sendStream(from: MessagingClient, label: string, count: number, gate: () => Promise<void>) {
    for (let i = 1; i <= count; i++) {
      await from.messaging.send(
        'lab-interpreter',
        'stream',
        { label, i },
        i % 5 === 0 ? { storage: 'ipfs' } : {},
      );
      if (i === Math.floor(count / 3)) await gate();
    }
  }

  function check(seen: ReceivedMessage[], senders: bigint[], base: Map<bigint, bigint>) {
    const ids = seen.map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const from of senders) {
      const stream = seen.filter((m) => m.fromDapp === from && m.topicName === 'stream');
      const start = base.get(from) ?? 0n;
      expect(stream.map((m) => m.sequence)).toEqual(
        Array.from({ length: PER_SENDER }, (_, i) => start + BigInt(i + 1)),
      );
      expect(stream.map((m) => (m.payload as { i: number }).i)).toEqual(
        Array.from({ length: PER_SENDER }, (_, i) => i + 1),
      );
    }
  }

  it('a listener stopped mid-stream and restarted from its cursor file sees every message once, in order', async () => {
    const cursorFile = join(dir, 'restart.cursor.json');
    const base = new Map([
      [ocrId, await sequenceOf(ocrId, interpreterId)],
      [thirdId, await sequenceOf(thirdId, interpreterId)],
    ]);
    const seen: ReceivedMessage[] = [];
    const handler = (m: ReceivedMessage) => {
      if (m.topicName === 'stream') seen.push(m);
    };
    // Start after the earlier tests' messages: a cursor that says they were handled.
    await fileCursorStore(cursorFile).save({
      version: 1,
      dappId: interpreterId.toString(),
      block: '0',
      channels: Object.fromEntries([...base].map(([k, v]) => [k.toString(), v.toString()])),
    });
    let listener = await interpreter.messaging.listen('lab-interpreter', handler, { cursor: cursorFile });
    let restarted = false;
    const gate = async () => {
      if (restarted) return;
      restarted = true;
      await until(() => seen.length > 0, 'first deliveries');
      await listener.stop();
      const saved = JSON.parse(await readFile(cursorFile, 'utf8'));
      expect(Object.keys(saved.channels).length).toBeGreaterThan(0);
    };
    const ocrSends = sendStream(ocr, 'ocr', PER_SENDER, gate);
    const thirdSends = sendStream(third, 'third', PER_SENDER, async () => {});
    await ocrSends;
    const stoppedAt = seen.length;
    listener = await interpreter.messaging.listen('lab-interpreter', handler, { cursor: cursorFile });
    await thirdSends;
    await until(() => seen.length >= PER_SENDER * 2, 'all messages');
    await listener.stop();
    expect(stoppedAt).toBeLessThan(PER_SENDER * 2);
    check(seen, [ocrId, thirdId], base);
  });

  it('a dropped WebSocket is reconnected and the missed messages are caught up', async () => {
    const proxy = await relay(Number(new URL(devnet.wsUrl).port));
    const base = new Map([
      [ocrId, await sequenceOf(ocrId, interpreterId)],
      [thirdId, await sequenceOf(thirdId, interpreterId)],
    ]);
    const seen: ReceivedMessage[] = [];
    const warnings: AidocError[] = [];
    const cursor = memoryCursorStore({
      version: 1,
      dappId: interpreterId.toString(),
      block: '0',
      channels: Object.fromEntries([...base].map(([k, v]) => [k.toString(), v.toString()])),
    });
    const listener = await interpreter.messaging.listen(
      'lab-interpreter',
      (m) => {
        if (m.topicName === 'stream') seen.push(m);
      },
      { cursor, wsUrl: proxy.url, onWarning: (w) => warnings.push(w) },
    );
    try {
      await until(() => listener.stats.connections === 1, 'the subscription');
      const gate = async () => {
        await until(() => seen.length > 0, 'first deliveries');
        proxy.cut();
        await until(() => listener.stats.disconnects === 1, 'the drop to be noticed');
      };
      await Promise.all([
        sendStream(ocr, 'ocr', PER_SENDER, gate),
        sendStream(third, 'third', PER_SENDER, async () => {}),
      ]);
      await until(() => seen.length >= PER_SENDER * 2, 'all messages');
      expect(listener.stats.connections).toBeGreaterThanOrEqual(2);
      expect(listener.stats.liveLogs).toBeGreaterThan(0);
      expect(warnings.some((w) => w.code === 'NETWORK')).toBe(true);
      check(seen, [ocrId, thirdId], base);
      expect(cursor.current()?.channels[ocrId.toString()]).toBe(
        ((base.get(ocrId) ?? 0n) + BigInt(PER_SENDER)).toString(),
      );
    } finally {
      await listener.stop();
      await proxy.close();
    }
  });

  it('finalized mode delivers the same stream', async () => {
    const seen: ReceivedMessage[] = [];
    const cursor = memoryCursorStore();
    const listener = await interpreter.messaging.listen('lab-interpreter', (m) => void seen.push(m), {
      cursor,
      finality: 'finalized',
    });
    try {
      const total = Number(
        (await sequenceOf(ocrId, interpreterId)) + (await sequenceOf(thirdId, interpreterId)),
      );
      await ocr.messaging.send('lab-interpreter', 'stream', 'last');
      await until(() => seen.length >= total + 1, 'every message so far');
      const byChannel = (from: bigint) =>
        seen.filter((m) => m.fromDapp === from).map((m) => Number(m.sequence));
      expect(byChannel(ocrId)).toEqual(Array.from({ length: byChannel(ocrId).length }, (_, i) => i + 1));
      expect(byChannel(thirdId)).toEqual(Array.from({ length: byChannel(thirdId).length }, (_, i) => i + 1));
      expect(seen.at(-1)?.payload).toBe('last');
    } finally {
      await listener.stop();
    }
  });
});
