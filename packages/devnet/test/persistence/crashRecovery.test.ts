import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { startDevnet } from '@aidoc/devnet';
import { type Hex, parseGwei } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, describe, expect, it } from 'vitest';

const repo = resolve(__dirname, '../../../..');
const DEV_KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80' as const;
const RECIPIENT = '0x70997970c51812dc3a010c7d01b50e0d17dc79c8' as const;

interface Running {
  child: ChildProcess;
  rpc: string;
}

/** Start `aidoc devnet up` from source on a data directory; resolves with the RPC URL once ready. */
function startChild(dataDir: string): Promise<Running> {
  const child = spawn(
    process.execPath,
    [
      '--conditions=source',
      '--import',
      'tsx',
      'packages/cli/src/bin.ts',
      'devnet',
      'up',
      '--port',
      '0',
      '--ipfs-port',
      '0',
      '--data-dir',
      dataDir,
      '--json',
    ],
    { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return new Promise((resolvePromise, reject) => {
    const lines = createInterface({ input: child.stdout! });
    let stderr = '';
    child.stderr!.on('data', (d) => {
      stderr += String(d);
    });
    const timer = setTimeout(() => reject(new Error(`devnet not ready in 60 s: ${stderr}`)), 60_000);
    lines.once('line', (line) => {
      clearTimeout(timer);
      const ready = JSON.parse(line) as { rpc?: string; error?: unknown };
      if (!ready.rpc) reject(new Error(`devnet failed: ${line} ${stderr}`));
      else resolvePromise({ child, rpc: ready.rpc });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`devnet exited with ${code}: ${stderr}`));
    });
  });
}

async function rpc<T>(url: string, method: string, params: unknown[] = []): Promise<T> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  const body = (await res.json()) as { result?: T; error?: { message: string } };
  if (body.error) throw new Error(body.error.message);
  return body.result as T;
}

function kill9(child: ChildProcess): Promise<void> {
  return new Promise((r) => {
    if (child.exitCode !== null || child.signalCode !== null) return r();
    child.once('exit', () => r());
    child.kill('SIGKILL');
  });
}

describe('persistence: kill -9 under load', () => {
  const dirs: string[] = [];
  const children: ChildProcess[] = [];
  afterAll(async () => {
    for (const c of children) await kill9(c);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('keeps every transaction a client saw a receipt for, with the same receipt, across repeated SIGKILLs', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'aidoc-crash-'));
    dirs.push(dataDir);
    const account = privateKeyToAccount(DEV_KEY);
    const seen = new Map<Hex, Record<string, unknown>>();
    let nonce = 0;
    let lastHead = -1;
    // Kill points drawn at random; the seed is printed so a failure can be replayed.
    const seed = Math.floor(Math.random() * 1e9);
    let state = seed;
    const random = () => {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      return state / 2 ** 31;
    };

    for (let round = 0; round < 4; round++) {
      const dev = await startChild(dataDir);
      children.push(dev.child);
      // Everything acknowledged before the crash is still there, byte for byte.
      for (const [hash, receipt] of seen) {
        expect(await rpc(dev.rpc, 'eth_getTransactionReceipt', [hash]), `seed ${seed}`).toEqual(receipt);
      }
      const head = Number(await rpc<string>(dev.rpc, 'eth_blockNumber'));
      expect(head, `seed ${seed}`).toBeGreaterThanOrEqual(lastHead);
      nonce = Number(await rpc<string>(dev.rpc, 'eth_getTransactionCount', [account.address, 'latest']));

      // Steady load: send, then poll the receipt; kill at a random moment while this runs.
      const killAfter = 150 + Math.floor(random() * 600);
      let stop = false;
      const load = (async () => {
        while (!stop) {
          const raw = await account.signTransaction({
            chainId: 31337,
            type: 'eip1559',
            nonce,
            to: RECIPIENT,
            value: 1n,
            gas: 21_000n,
            maxFeePerGas: parseGwei('5'),
            maxPriorityFeePerGas: 1n,
          });
          try {
            const hash = await rpc<Hex>(dev.rpc, 'eth_sendRawTransaction', [raw]);
            nonce++;
            const receipt = await rpc<Record<string, unknown> | null>(dev.rpc, 'eth_getTransactionReceipt', [
              hash,
            ]);
            if (receipt) seen.set(hash, receipt);
          } catch {
            return; // the process died under us
          }
        }
      })();
      await new Promise((r) => setTimeout(r, killAfter));
      await kill9(dev.child);
      stop = true;
      await load;
      lastHead = Math.max(lastHead, head);
    }
    expect(seen.size, `seed ${seed}`).toBeGreaterThan(0);

    // A last restart: all receipts there, and the chain keeps growing.
    const dev = await startChild(dataDir);
    children.push(dev.child);
    for (const [hash, receipt] of seen) {
      expect(await rpc(dev.rpc, 'eth_getTransactionReceipt', [hash]), `seed ${seed}`).toEqual(receipt);
    }
    const before = Number(await rpc<string>(dev.rpc, 'eth_blockNumber'));
    await rpc(dev.rpc, 'evm_mine');
    expect(Number(await rpc<string>(dev.rpc, 'eth_blockNumber'))).toBe(before + 1);
    await kill9(dev.child);
  }, 180_000);

  it('refuses a data directory of another chain or schema, and keeps snapshots working on disk', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'aidoc-dir-'));
    dirs.push(dataDir);
    const a = await startDevnet({ port: 0, listen: false, dataDir, validators: 1 });
    const snap = await a.provider.request({ method: 'evm_snapshot' });
    await a.provider.request({
      method: 'eth_sendTransaction',
      params: [{ from: a.accounts[0]!.address, to: RECIPIENT, value: '0x5' }],
    });
    expect(await a.provider.request({ method: 'eth_blockNumber' })).toBe('0x1');
    expect(await a.provider.request({ method: 'evm_revert', params: [snap] })).toBe(true);
    expect(await a.provider.request({ method: 'eth_blockNumber' })).toBe('0x0');
    await a.stop();
    // The revert was persisted: a restart resumes at block 0.
    const b = await startDevnet({ port: 0, listen: false, dataDir, validators: 1 });
    expect(await b.provider.request({ method: 'eth_blockNumber' })).toBe('0x0');
    await b.stop();
    await expect(startDevnet({ port: 0, listen: false, dataDir, chainId: 1337 })).rejects.toMatchObject({
      code: 'DATA_DIR',
    });
    // Stamp an incompatible schema version and expect a clear refusal.
    const { ClassicLevel } = await import('classic-level');
    const db = new ClassicLevel<Uint8Array, Uint8Array>(join(dataDir, 'chain'), {
      keyEncoding: 'view',
      valueEncoding: 'view',
    });
    await db.put(Uint8Array.from([0x6d, ...new TextEncoder().encode('version')]), Uint8Array.of(99));
    await db.close();
    await expect(startDevnet({ port: 0, listen: false, dataDir })).rejects.toMatchObject({
      code: 'DATA_DIR',
      shortMessage: expect.stringContaining('incompatible'),
    });
  });
});
