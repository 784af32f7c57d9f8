import { EventEmitter } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Devnet, startDevnet } from '@aidoc/devnet';
import { createAidoc, walletAccountFromMnemonic } from '@aidoc/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../src/cliContext';
import { runCli } from '../src/program';
import { collectIo } from './collectOutput';
import { spawnCli } from './spawnCli';

const DEV_MNEMONIC = 'test test test test test test test test test test test junk';
const ocrOwner = walletAccountFromMnemonic(DEV_MNEMONIC, { index: 1 });
const interpreterOwner = walletAccountFromMnemonic(DEV_MNEMONIC, { index: 2 });
const patient = walletAccountFromMnemonic(DEV_MNEMONIC, { index: 3 });

let devnet: Devnet;
let dir: string;
let env: Record<string, string>;

beforeAll(async () => {
  devnet = await startDevnet({ port: 0 });
  dir = await mkdtemp(join(tmpdir(), 'aidoc-cli-messaging-'));
  env = { AIDOC_RPC: devnet.rpcUrl, AIDOC_IPFS: devnet.ipfsUrl };
});
afterAll(async () => {
  await devnet?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Run `aidoc …` in process with stdout a pipe (JSON) against the devnet. */
async function aidoc(args: string[]) {
  const io = collectIo({ tty: false, env });
  const code = await runCli(['node', 'aidoc', ...args], io);
  const stdout = io.stdout.text();
  const lines = stdout
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as Record<string, any>);
  return { code, stdout, stderr: io.stderr.text(), json: lines[0] ?? {}, lines };
}

/** Streams that claim to be a terminal and are good enough for ink (resize events, a width). */
function terminalIo(): CliIo & { text(): string } {
  const chunks: string[] = [];
  const stream = () =>
    Object.assign(new EventEmitter(), {
      isTTY: true,
      columns: 120,
      rows: 40,
      write(chunk: string) {
        chunks.push(chunk);
        return true;
      },
    });
  return { stdout: stream(), stderr: stream(), env, text: () => chunks.join('') };
}

async function rpc(method: string, params: unknown[]): Promise<any> {
  const response = await fetch(devnet.rpcUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  return ((await response.json()) as { result: unknown }).result;
}

const hexOf = (text: string) => Buffer.from(text, 'utf8').toString('hex');

describe('aidoc dapp, msg and notify against a devnet', () => {
  let ocrId: string;
  let interpreterId: string;
  const cursor = () => join(dir, 'interpreter.cursor.json');

  it('registers two DApps, shows and lists them; a taken name is refused', async () => {
    const ocr = await aidoc([
      'dapp',
      'register',
      '--name',
      'lab-ocr',
      '--topics',
      'lab-sheet.result',
      '--account',
      'dev:1',
    ]);
    expect(ocr.code, ocr.stdout).toBe(0);
    expect(ocr.json).toMatchObject({
      name: 'lab-ocr',
      owner: ocrOwner.address,
      topicNames: ['lab-sheet.result'],
    });
    ocrId = ocr.json.dappId;
    const interpreter = await aidoc([
      '--account',
      'dev:2',
      'dapp',
      'register',
      '--name',
      'lab-interpreter',
      '--topics',
      'lab-sheet.values, lab-sheet.image',
      '--json',
    ]);
    expect(interpreter.code, interpreter.stdout).toBe(0);
    interpreterId = interpreter.json.dappId;
    expect(interpreter.json.topics).toHaveLength(2);
    expect(BigInt(interpreterId)).toBeGreaterThan(BigInt(ocrId));

    const shown = await aidoc([
      'dapp',
      'show',
      'lab-interpreter',
      '--accepts',
      'lab-sheet.values,lab-sheet.fax',
    ]);
    expect(shown.code).toBe(0);
    expect(shown.json).toMatchObject({
      dappId: interpreterId,
      name: 'lab-interpreter',
      owner: interpreterOwner.address,
      active: true,
      accepts: { 'lab-sheet.values': true, 'lab-sheet.fax': false },
    });
    const byId = await aidoc(['dapp', 'show', ocrId]);
    expect(byId.json.name).toBe('lab-ocr');

    const listed = await aidoc(['dapp', 'list', '--account', 'dev:2']);
    expect(listed.json.owner).toBe(interpreterOwner.address);
    expect(listed.json.dapps.map((d: { name: string }) => d.name)).toEqual(['lab-interpreter']);

    const taken = await aidoc(['dapp', 'register', '--name', 'lab-ocr', '--account', 'dev:4']);
    expect(taken.code).toBe(1);
    expect(taken.json.error.code).toBe('ALREADY_KNOWN');
  });

  it('sends JSON inline (encrypted: no plaintext in the transaction) and a file through IPFS', async () => {
    const first = await aidoc([
      'msg',
      'send',
      '--to',
      'lab-interpreter',
      '--topic',
      'lab-sheet.values',
      '--data',
      '{"glucose":7.9,"unit":"mmol/L"}',
      '--account',
      'dev:1',
    ]);
    expect(first.code, first.stdout).toBe(0);
    expect(first.json).toMatchObject({
      fromDapp: ocrId,
      toDapp: interpreterId,
      sequence: '1',
      topicName: 'lab-sheet.values',
      inline: true,
      encrypted: true,
    });
    const tx = await rpc('eth_getTransactionByHash', [first.json.txHash]);
    expect(tx.input).not.toContain(hexOf('glucose'));

    const image = join(dir, 'sheet.bin');
    const bytes = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7) % 256));
    await writeFile(image, bytes);
    const second = await aidoc([
      'msg',
      'send',
      '--to',
      interpreterId,
      '--topic',
      'lab-sheet.image',
      '--file',
      image,
      '--storage',
      'ipfs',
      '--from',
      'lab-ocr',
      '--account',
      'dev:1',
    ]);
    expect(second.code, second.stdout).toBe(0);
    expect(second.json).toMatchObject({ sequence: '2', inline: false, encrypted: true, file: image });
    expect(second.json.payloadCid).toMatch(/^b/);

    // --no-encrypt really sends plaintext: the same check as above now finds it
    const third = await aidoc([
      'msg',
      'send',
      '--to',
      'lab-interpreter',
      '--topic',
      'lab-sheet.values',
      '--data',
      '"hba1c 6.1 percent"',
      '--no-encrypt',
      '--account',
      'dev:1',
    ]);
    expect(third.json).toMatchObject({ sequence: '3', encrypted: false });
    const plainTx = await rpc('eth_getTransactionByHash', [third.json.txHash]);
    expect(plainTx.input).toContain(hexOf('hba1c 6.1 percent'));
  });

  it('refuses bad sends with typed errors and exit codes 1 (refused) and 2 (usage)', async () => {
    const unknown = await aidoc([
      'msg',
      'send',
      '--to',
      'no-such-dapp',
      '--topic',
      't',
      '--data',
      '1',
      '--account',
      'dev:1',
    ]);
    expect(unknown.code).toBe(1);
    expect(unknown.json.error.code).toBe('NOT_FOUND');
    const topic = await aidoc([
      'msg',
      'send',
      '--to',
      'lab-interpreter',
      '--topic',
      'lab-sheet.fax',
      '--data',
      '1',
      '--account',
      'dev:1',
    ]);
    expect(topic.code).toBe(1);
    expect(topic.json.error.code).toBe('ACCESS_DENIED');
    const big = join(dir, 'big.bin');
    await writeFile(big, Buffer.alloc(9000, 1));
    const tooBig = await aidoc([
      'msg',
      'send',
      '--to',
      'lab-interpreter',
      '--topic',
      'lab-sheet.image',
      '--file',
      big,
      '--storage',
      'inline',
      '--account',
      'dev:1',
    ]);
    expect(tooBig.code).toBe(1);
    expect(tooBig.json.error.code).toBe('LIMIT_EXCEEDED');
    const both = await aidoc([
      'msg',
      'send',
      '--to',
      'lab-interpreter',
      '--topic',
      'lab-sheet.values',
      '--data',
      '1',
      '--file',
      big,
      '--account',
      'dev:1',
    ]);
    expect(both.code).toBe(2);
    expect(both.json.error.code).toBe('INVALID_INPUT');
    const neither = await aidoc([
      'msg',
      'send',
      '--to',
      'lab-interpreter',
      '--topic',
      'lab-sheet.values',
      '--account',
      'dev:1',
    ]);
    expect(neither.code).toBe(2);
    const badJson = await aidoc(['msg', 'send', '--to', 'x', '--topic', 't', '--data', '{glucose:1}']);
    expect(badJson.code).toBe(2);
    const noCursor = await aidoc(['msg', 'listen', 'lab-interpreter', '--account', 'dev:2']);
    expect(noCursor.code).toBe(2);
    const badMax = await aidoc(['msg', 'listen', 'lab-interpreter', '--cursor', cursor(), '--max', '0']);
    expect(badMax.code).toBe(2);
    // nothing was sent by any refusal: the channel is still at 3 messages
    const next = await aidoc([
      'msg',
      'send',
      '--to',
      'lab-interpreter',
      '--topic',
      'lab-sheet.values',
      '--data',
      '4',
      '--account',
      'dev:1',
    ]);
    expect(next.json.sequence).toBe('4');
  });

  it('listens with --max as JSON lines, in order, and writes the cursor; a second listen prints only new messages', async () => {
    const first = await aidoc([
      'msg',
      'listen',
      'lab-interpreter',
      '--cursor',
      cursor(),
      '--max',
      '4',
      '--json',
      '--account',
      'dev:2',
    ]);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(first.lines.map((l) => l.event)).toEqual([
      'listening',
      'message',
      'message',
      'message',
      'message',
      'stopped',
    ]);
    expect(first.lines[0]).toMatchObject({
      dappId: interpreterId,
      name: 'lab-interpreter',
      channels: {},
      max: 4,
    });
    const messages = first.lines.slice(1, 5);
    expect(messages.map((m) => m.sequence)).toEqual(['1', '2', '3', '4']);
    expect(messages.every((m) => m.fromDapp === ocrId && m.toDapp === interpreterId)).toBe(true);
    expect(messages[0]).toMatchObject({
      id: `${ocrId}-${interpreterId}-1`,
      topicName: 'lab-sheet.values',
      payload: { glucose: 7.9, unit: 'mmol/L' },
      encrypted: true,
      inline: true,
    });
    const sheet = await readFile(join(dir, 'sheet.bin'));
    expect(messages[1]).toMatchObject({ topicName: 'lab-sheet.image', inline: false, encrypted: true });
    expect(Buffer.from(messages[1]!.payloadBase64, 'base64').equals(sheet)).toBe(true);
    expect(messages[2]).toMatchObject({ payload: 'hba1c 6.1 percent', encrypted: false });
    expect(messages[3]!.payload).toBe(4);
    expect(first.lines[5]).toMatchObject({ delivered: 4, stoppedBy: 'max', channels: { [ocrId]: '4' } });
    const saved = JSON.parse(await readFile(cursor(), 'utf8'));
    expect(saved).toMatchObject({ dappId: interpreterId, channels: { [ocrId]: '4' } });

    for (const glucose of [5.1, 6.3]) {
      const sent = await aidoc([
        'msg',
        'send',
        '--to',
        'lab-interpreter',
        '--topic',
        'lab-sheet.values',
        '--data',
        JSON.stringify({ glucose }),
        '--account',
        'dev:1',
      ]);
      expect(sent.code).toBe(0);
    }
    const second = await aidoc([
      'msg',
      'listen',
      'lab-interpreter',
      '--cursor',
      cursor(),
      '--max',
      '2',
      '--account',
      'dev:2',
    ]);
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(second.lines[0]!.channels).toEqual({ [ocrId]: '4' });
    const again = second.lines.filter((l) => l.event === 'message');
    expect(again.map((m) => [m.sequence, m.payload.glucose])).toEqual([
      ['5', 5.1],
      ['6', 6.3],
    ]);
    expect(JSON.parse(await readFile(cursor(), 'utf8')).channels).toEqual({ [ocrId]: '6' });
  });

  it('--finalized delivers from finalized blocks (every committed QBFT block is final)', async () => {
    const fresh = join(dir, 'finalized.cursor.json');
    const run = await aidoc([
      'msg',
      'listen',
      interpreterId,
      '--cursor',
      fresh,
      '--max',
      '2',
      '--finalized',
      '--account',
      'dev:2',
    ]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.lines[0]).toMatchObject({ finality: 'finalized', channels: {} });
    expect(run.lines.filter((l) => l.event === 'message').map((m) => m.sequence)).toEqual(['1', '2']);
    expect(JSON.parse(await readFile(fresh, 'utf8')).channels).toEqual({ [ocrId]: '2' });
  });

  it('listening needs the DApp owner: another account is refused', async () => {
    const other = await aidoc([
      'msg',
      'listen',
      'lab-interpreter',
      '--cursor',
      join(dir, 'thief.cursor.json'),
      '--max',
      '1',
      '--account',
      'dev:3',
    ]);
    expect(other.code).toBe(1);
    expect(other.json.error.code).toBe('UNAUTHORIZED');
  });

  it('listens as a child process until SIGINT, printing a message sent while it runs', async () => {
    const listen = spawnCli(
      ['msg', 'listen', 'lab-interpreter', '--cursor', cursor(), '--account', 'dev:2', '--json'],
      60_000,
      env,
    );
    try {
      await listen.waitForLine((line) => line.includes('"event":"listening"'), 'the listening line');
      const sent = await aidoc([
        'msg',
        'send',
        '--to',
        'lab-interpreter',
        '--topic',
        'lab-sheet.values',
        '--data',
        '{"glucose":9.4}',
        '--account',
        'dev:1',
      ]);
      expect(sent.json.sequence).toBe('7');
      const line = await listen.waitForLine((l) => l.includes('"event":"message"'), 'the message line');
      expect(JSON.parse(line)).toMatchObject({ sequence: '7', payload: { glucose: 9.4 } });
      listen.child.kill('SIGINT');
      const exit = await listen.exited;
      expect(exit.code, exit.stderr).toBe(0);
      const events = listen.lines.map((l) => JSON.parse(l) as Record<string, any>);
      expect(events.map((e) => e.event)).toEqual(['listening', 'message', 'stopped']);
      expect(events[2]).toMatchObject({ delivered: 1, stoppedBy: 'signal' });
      expect(JSON.parse(await readFile(cursor(), 'utf8')).channels).toEqual({ [ocrId]: '7' });
    } finally {
      if (listen.child.exitCode === null) listen.child.kill('SIGKILL');
    }
  });

  it('shows a live view on a terminal', async () => {
    const sent = await aidoc([
      'msg',
      'send',
      '--to',
      'lab-interpreter',
      '--topic',
      'lab-sheet.values',
      '--data',
      '{"glucose":4.2}',
      '--account',
      'dev:1',
    ]);
    expect(sent.code).toBe(0);
    const io = terminalIo();
    const code = await runCli(
      [
        'node',
        'aidoc',
        'msg',
        'listen',
        'lab-interpreter',
        '--cursor',
        cursor(),
        '--max',
        '1',
        '--account',
        'dev:2',
      ],
      io,
    );
    const text = io.text();
    expect(code, text).toBe(0);
    expect(text).toContain(
      `Listening for messages to DApp ${interpreterId} (lab-interpreter), resuming after #7 from DApp ${ocrId}`,
    );
    expect(text).toContain(`#8 from DApp ${ocrId}  lab-sheet.values`);
    expect(text).toContain('{"glucose":4.2}');
    expect(text).toContain('Stopped after 1 message; cursor saved in');
    expect(text).not.toContain('{"event"');
  });

  it('acknowledges a message with a result the sender decrypts; a second ack is refused', async () => {
    const acked = await aidoc([
      'msg',
      'ack',
      '--from',
      'lab-ocr',
      '--to',
      'lab-interpreter',
      '--seq',
      '1',
      '--data',
      '{"flagged":["glucose"]}',
      '--account',
      'dev:2',
    ]);
    expect(acked.code, acked.stdout).toBe(0);
    expect(acked.json).toMatchObject({ fromDapp: ocrId, toDapp: interpreterId, sequence: '1' });
    expect(acked.json.resultCid).toMatch(/^b/);
    const ocr = await createAidoc({ rpc: devnet.rpcUrl, ipfs: devnet.ipfsUrl, signer: ocrOwner });
    const ack = await ocr.messaging.waitForAck({
      fromDapp: 'lab-ocr',
      toDapp: 'lab-interpreter',
      sequence: 1n,
    });
    expect(ack.result).toEqual({ flagged: ['glucose'] });
    expect(ack.txHash).toBe(acked.json.txHash);

    const twice = await aidoc([
      'msg',
      'ack',
      '--from',
      ocrId,
      '--to',
      interpreterId,
      '--seq',
      '1',
      '--account',
      'dev:2',
    ]);
    expect(twice.code).toBe(1);
    expect(twice.json.error.code).toBe('ALREADY_KNOWN');
    const notOwner = await aidoc([
      'msg',
      'ack',
      '--from',
      ocrId,
      '--to',
      interpreterId,
      '--seq',
      '2',
      '--account',
      'dev:1',
    ]);
    expect(notOwner.code).toBe(1);
    expect(notOwner.json.error.code).toBe('UNAUTHORIZED');
    const plain = await aidoc([
      'msg',
      'ack',
      '--from',
      ocrId,
      '--to',
      interpreterId,
      '--seq',
      '2',
      '--account',
      'dev:2',
    ]);
    expect(plain.code).toBe(0);
    expect(plain.json.resultCid).toBe('');
  });

  it('notifies a patient who allowed the DApp; the patient lists, reads and marks it read', async () => {
    const state = join(dir, 'patient.read.json');
    expect((await aidoc(['keys', 'register', '--account', 'dev:3'])).code).toBe(0);
    const body = '{"text":"Glucose is high: please see your doctor."}';
    const early = await aidoc([
      'notify',
      'send',
      '--user',
      patient.address,
      '--topic',
      'lab-sheet.advice',
      '--data',
      body,
      '--account',
      'dev:2',
    ]);
    expect(early.code).toBe(1);
    expect(early.json.error.code).toBe('ACCESS_DENIED');
    expect(
      (await aidoc(['notify', 'list', '--account', 'dev:3', '--state', state])).json.notifications,
    ).toEqual([]);

    const allowed = await aidoc(['notify', 'allow', 'lab-interpreter', '--account', 'dev:3']);
    expect(allowed.code).toBe(0);
    expect(allowed.json).toMatchObject({ user: patient.address, dappId: interpreterId, allowed: true });
    const sent = await aidoc([
      'notify',
      'send',
      '--user',
      patient.address,
      '--topic',
      'lab-sheet.advice',
      '--data',
      body,
      '--account',
      'dev:2',
    ]);
    expect(sent.code, sent.stdout).toBe(0);
    expect(sent.json.id).toMatch(/^0x[0-9a-f]{64}-\d+$/);
    const stored = await fetch(`${devnet.ipfsUrl}/api/v0/cat?arg=${sent.json.payloadCid}`, {
      method: 'POST',
    });
    expect(Buffer.from(await stored.arrayBuffer()).toString('latin1')).not.toContain('Glucose is high');

    const unread = await aidoc(['notify', 'list', '--unread', '--account', 'dev:3', '--state', state]);
    expect(unread.json.notifications).toEqual([
      expect.objectContaining({
        id: sent.json.id,
        user: patient.address,
        dappId: interpreterId,
        read: false,
      }),
    ]);
    const read = await aidoc(['notify', 'read', sent.json.id, '--account', 'dev:3', '--state', state]);
    expect(read.code, read.stdout).toBe(0);
    expect(read.json).toMatchObject({
      id: sent.json.id,
      dappName: 'lab-interpreter',
      topicName: 'lab-sheet.advice',
      body: { text: 'Glucose is high: please see your doctor.' },
      read: true,
    });
    expect(
      (await aidoc(['notify', 'list', '--unread', '--account', 'dev:3', '--state', state])).json
        .notifications,
    ).toEqual([]);
    const all = await aidoc(['notify', 'list', '--user', patient.address, '--state', state]);
    expect(all.json.notifications.map((n: { read: boolean }) => n.read)).toEqual([true]);
    // someone else cannot read the patient's notification
    const other = await aidoc([
      'notify',
      'read',
      sent.json.id,
      '--account',
      'dev:4',
      '--state',
      join(dir, 'x.json'),
    ]);
    expect(other.code).toBe(1);
    expect(other.json.error.code).toBe('DECRYPTION_FAILED');

    const revoked = await aidoc(['notify', 'allow', 'lab-interpreter', '--revoke', '--account', 'dev:3']);
    expect(revoked.json.allowed).toBe(false);
    const after = await aidoc([
      'notify',
      'send',
      '--user',
      patient.address,
      '--topic',
      't',
      '--data',
      '1',
      '--account',
      'dev:2',
    ]);
    expect(after.json.error.code).toBe('ACCESS_DENIED');
    expect((await aidoc(['notify', 'read', 'not-an-id', '--account', 'dev:3'])).code).toBe(2);
  });
});
