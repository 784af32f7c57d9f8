import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { messengerAbi } from '@aidoc/contracts';
import { type Devnet, startDevnet } from '@aidoc/devnet';
import { type Hex, hexToBytes } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveEncryptionKey } from '../src/crypto';
import { AidocError } from '../src/errors';
import {
  createMessagingClient,
  decodeMessagePayload,
  type MessagingClient,
  memoryCursorStore,
  type ReceivedMessage,
} from '../src/messaging';
import { fileReadStateStore, type Notification } from '../src/notifications';

let devnet: Devnet;
let ocr: MessagingClient;
let interpreter: MessagingClient;
let curious: MessagingClient;
let patient: MessagingClient;
let dir: string;

const SECRET_INLINE = 'glucose=7.9 mmol/L patient=Ada-Lovelace-1815';
const SECRET_IPFS = `hba1c=6.9% ${'Ada-Lovelace-history '.repeat(600)}`;
const SECRET_RESULT = 'ADVICE: see your doctor about glucose';
const SECRET_NOTE = 'Dear Ada, your glucose is above the reference range';

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

async function until(predicate: () => boolean, what: string): Promise<void> {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > 30_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Every byte the chain and the content store hold: transaction inputs, log data, stored blocks. */
async function everythingPublic(): Promise<Buffer[]> {
  const out: Buffer[] = [];
  const latest = await ocr.publicClient.getBlockNumber();
  for (let n = 0n; n <= latest; n++) {
    const block = await ocr.publicClient.getBlock({ blockNumber: n, includeTransactions: true });
    for (const tx of block.transactions) out.push(Buffer.from(hexToBytes(tx.input)));
  }
  const logs = await ocr.publicClient.getLogs({ fromBlock: 0n, toBlock: latest });
  for (const log of logs) out.push(Buffer.from(hexToBytes(log.data)));
  for await (const cid of devnet.content.blocks()) out.push(Buffer.from(await devnet.content.get(cid)));
  return out;
}

beforeAll(async () => {
  devnet = await startDevnet({ port: 0 });
  dir = await mkdtemp(join(tmpdir(), 'aidoc-privacy-'));
  [ocr, interpreter, curious, patient] = await Promise.all([client(1), client(2), client(3), client(4)]);
  await patient.keys.register();
  await ocr.messaging.register({ name: 'lab-ocr', topics: ['lab-sheet.result'] });
  await interpreter.messaging.register({ name: 'lab-interpreter', topics: ['lab-sheet.values'] });
  await curious.messaging.register({ name: 'curious', topics: ['lab-sheet.values'] });
});

afterAll(async () => {
  await devnet?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('privacy', () => {
  it('no payload plaintext appears in any transaction, log or stored block; a third DApp cannot decrypt', async () => {
    const seen: ReceivedMessage[] = [];
    const listener = await interpreter.messaging.listen(
      'lab-interpreter',
      async (m) => {
        seen.push(m);
        if (m.payload === SECRET_IPFS) await interpreter.messaging.ack(m, SECRET_RESULT);
      },
      { cursor: memoryCursorStore() },
    );
    await ocr.messaging.send('lab-interpreter', 'lab-sheet.values', SECRET_INLINE);
    const { sent, ack } = await ocr.messaging.request('lab-interpreter', 'lab-sheet.values', SECRET_IPFS);
    await patient.notifications.allow('lab-interpreter');
    await interpreter.notifications.send(patient.address as Hex, 'lab-sheet.advice', SECRET_NOTE);
    await until(() => seen.length === 2, 'both messages');
    await listener.stop();

    // The intended parties read everything.
    expect(seen.map((m) => m.payload)).toEqual([SECRET_INLINE, SECRET_IPFS]);
    expect(sent.inline).toBe(false);
    expect(ack.result).toBe(SECRET_RESULT);
    const [note] = await patient.notifications.list();
    expect((await patient.notifications.read(note as never)).body).toBe(SECRET_NOTE);

    // Nothing public holds a plaintext.
    const secrets = [SECRET_INLINE, 'Ada-Lovelace', SECRET_RESULT, SECRET_NOTE].map((s) => Buffer.from(s));
    const blobs = await everythingPublic();
    expect(blobs.length).toBeGreaterThan(10);
    for (const blob of blobs) for (const secret of secrets) expect(blob.includes(secret)).toBe(false);

    // A third DApp following the chain and the content store gets only ciphertext.
    const curiousKey = deriveEncryptionKey(devnet.accounts[3]?.privateKey as Hex);
    const logs = await curious.publicClient.getContractEvents({
      address: curious.contracts.Messenger as Hex,
      abi: messengerAbi,
      eventName: 'MessageSent',
      fromBlock: 0n,
    });
    expect(logs.length).toBe(2);
    for (const log of logs) {
      const { fromDapp, toDapp, topic, payloadCid, payload } = log.args as {
        fromDapp: bigint;
        toDapp: bigint;
        topic: `0x${string}`;
        payloadCid: string;
        payload: `0x${string}`;
      };
      const wire = payloadCid ? await curious.content.catBytes(payloadCid) : hexToBytes(payload);
      let error: unknown;
      try {
        decodeMessagePayload(
          wire,
          { kind: 'msg', from: fromDapp, to: toDapp, topic, topicName: '' },
          curiousKey.secretKey,
        );
      } catch (e) {
        error = e;
      }
      expect(AidocError.is(error, 'DECRYPTION_FAILED')).toBe(true);
    }
    const listenAsOther = await curious.messaging
      .listen('lab-interpreter', () => {}, { cursor: memoryCursorStore() })
      .catch((e: unknown) => e);
    expect(AidocError.is(listenAsOther, 'UNAUTHORIZED')).toBe(true);
  });
});

describe('notifications', () => {
  it('a wallet watches, lists, reads and marks notifications from a DApp it allowed', async () => {
    const readState = join(dir, 'read.json');
    const watched: Notification[] = [];
    const watcher = await patient.notifications.watch((n) => void watched.push(n));
    try {
      expect(await patient.notifications.isAllowed('lab-interpreter')).toBe(true);
      const first = await interpreter.notifications.send(patient.address as Hex, 'lab-sheet.advice', {
        flagged: ['glucose'],
      });
      await interpreter.notifications.send(patient.address as Hex, 'lab-sheet.advice', 'second');
      await until(() => watched.length === 2, 'two notifications');
      expect(watched.map((n) => n.body)).toEqual([{ flagged: ['glucose'] }, 'second']);
      expect(watched[0]?.dappName).toBe('lab-interpreter');
      expect(watched[0]?.topicName).toBe('lab-sheet.advice');

      const all = await patient.notifications.list({ readState });
      expect(all.length).toBe(3);
      expect(all.every((n) => !n.read)).toBe(true);
      const opened = await patient.notifications.read(first.id, { readState });
      expect(opened.body).toEqual({ flagged: ['glucose'] });
      expect((await patient.notifications.list({ readState, unreadOnly: true })).length).toBe(2);
      await patient.notifications.markRead(
        all.map((n) => n.id),
        { readState },
      );
      expect(
        await patient.notifications.list({ readState: fileReadStateStore(readState), unreadOnly: true }),
      ).toEqual([]);

      // Another account sees the notification but cannot read it.
      const other = await curious.notifications.read(first.id, { markRead: false });
      expect(other.body).toBeUndefined();
      expect(other.error?.code).toBe('DECRYPTION_FAILED');

      // Disallowing stops further notifications.
      await patient.notifications.allow('lab-interpreter', false);
      const refused = await interpreter.notifications
        .send(patient.address as Hex, 'lab-sheet.advice', 'x')
        .catch((e: unknown) => e);
      expect(AidocError.is(refused, 'ACCESS_DENIED')).toBe(true);
    } finally {
      await watcher.stop();
    }
  });
});
