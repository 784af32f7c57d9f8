import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Devnet, startDevnet } from '@aidoc/devnet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMessagingClient, type MessagingClient } from '../src/messaging';

const fixture = join(import.meta.dirname, 'fixtures', 'killableListener.ts');
const TOPIC = 'kill.test';
const KILLS = 3;
/** Per sender: an upper bound on messages, so the sending loop ends even if the kill phase stalls. */
const MAX_PER_SENDER = 300;

let devnet: Devnet;
let dir: string;
let receiverKey: string;
let receiverId: bigint;
let senders: Array<{ client: MessagingClient; name: string }>;
const children = new Set<ChildProcess>();

function account(i: number) {
  const a = devnet.accounts[i];
  if (!a) throw new Error(`no dev account ${i}`);
  return a;
}

async function readEffects(file: string): Promise<string[]> {
  try {
    return (JSON.parse(await readFile(file, 'utf8')) as { effects: string[] }).effects;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** Starts the listener child and resolves once it printed `ready` (rejects if it exits first). */
function startListener(file: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', fixture, file], {
    cwd: join(import.meta.dirname, '..'),
    env: {
      ...process.env,
      AIDOC_RPC: devnet.rpcUrl,
      AIDOC_WS: devnet.wsUrl,
      AIDOC_IPFS: devnet.ipfsUrl,
      AIDOC_KEY: receiverKey,
      AIDOC_DAPP: receiverId.toString(),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  child.on('exit', () => children.delete(child));
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  return new Promise((resolve, reject) => {
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      if (chunk.includes('ready')) resolve(child);
    });
    child.on('exit', (code, signal) => reject(new Error(`listener exited (${code ?? signal}): ${stderr}`)));
  });
}

function kill(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

/** Polls the state file until `done(effects)` holds; bounded by `attempts` polls. */
async function waitForEffects(
  file: string,
  done: (effects: string[]) => boolean,
  attempts: number,
): Promise<string[]> {
  for (let i = 0; i < attempts; i++) {
    const effects = await readEffects(file);
    if (done(effects)) return effects;
    await sleep(50);
  }
  return readEffects(file);
}

beforeAll(async () => {
  devnet = await startDevnet({ port: 0 });
  dir = await mkdtemp(join(tmpdir(), 'aidoc-kill-'));
  const connect = (i: number) =>
    createMessagingClient({
      rpc: devnet.rpcUrl,
      ipfs: devnet.ipfsUrl,
      signer: account(i).privateKey,
      pollingIntervalMs: 50,
    });
  receiverKey = account(3).privateKey;
  const receiver = await connect(3);
  receiverId = (await receiver.messaging.register({ name: 'kill-receiver', topics: [TOPIC] })).dappId;
  senders = [];
  for (const [i, name] of [
    [1, 'kill-sender-a'],
    [2, 'kill-sender-b'],
  ] as const) {
    const client = await connect(i);
    await client.messaging.register({ name, topics: [] });
    senders.push({ client, name });
  }
});

afterAll(async () => {
  for (const child of children) await kill(child, 'SIGKILL');
  await devnet?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('messaging: a listener SIGKILLed mid-stream', () => {
  it(`handles every message exactly once, in channel order, across ${KILLS} kills and restarts while senders keep sending`, async () => {
    const file = join(dir, 'state.json');
    const sent: string[][] = senders.map(() => []);
    let sending = true;
    // Two senders on two channels; every 7th message goes through IPFS, the rest inline.
    const sendLoops = senders.map(async ({ client }, s) => {
      for (let n = 0; sending && n < MAX_PER_SENDER; n++) {
        const message = await client.messaging.send(
          receiverId,
          TOPIC,
          { n, sender: s },
          { storage: n % 7 === 6 ? 'ipfs' : 'inline' },
        );
        sent[s]?.push(`${message.fromDapp}-${message.toDapp}-${message.sequence}`);
      }
    });

    const killedAt: number[] = [];
    for (let k = 0; k < KILLS; k++) {
      const before = (await readEffects(file)).length;
      const child = await startListener(file);
      // Let it handle at least one more message, then kill it after a random extra pause.
      await waitForEffects(file, (e) => e.length > before, 400);
      await sleep(Math.floor(Math.random() * 400));
      await kill(child, 'SIGKILL');
      killedAt.push((await readEffects(file)).length);
    }
    sending = false;
    await Promise.all(sendLoops);

    const all = sent.flat();
    const child = await startListener(file);
    const effects = await waitForEffects(file, (e) => e.length >= all.length, 2400);
    await kill(child, 'SIGTERM');

    // The kills happened mid-stream: progress between them, and messages still to deliver after the last.
    expect(killedAt.every((n, i) => n > (killedAt[i - 1] ?? 0))).toBe(true);
    expect(killedAt.at(-1)).toBeLessThan(all.length);
    // Exactly once: no duplicate, none lost, nothing unexpected.
    expect(new Set(effects).size).toBe(effects.length);
    expect([...effects].sort()).toEqual([...all].sort());
    // In channel order: each channel's messages appear in the order they were sent.
    for (const channel of sent) {
      const prefix = channel[0]?.replace(/-\d+$/, '-') ?? '';
      expect(effects.filter((id) => id.startsWith(prefix))).toEqual(channel);
    }
    expect(sent.every((channel) => channel.length > 0)).toBe(true);
  }, 240_000);
});
