import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { create } from 'kubo-rpc-client';
import { CID } from 'multiformats/cid';
import { afterAll, describe, expect, it } from 'vitest';
import { blockLinks } from '../../src/content/blockLinks';
import { createContentStore } from '../../src/content/createContentStore';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '../../../..');
const children: ChildProcess[] = [];

async function startChild(dataDir: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', join(here, 'fixtures/contentServerChild.ts'), dataDir],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.push(child);
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr += d;
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d) => {
      out += d;
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) resolve((JSON.parse(line) as { url: string }).url);
    });
    child.on('exit', (code) => reject(new Error(`child exited ${code}: ${stderr}`)));
  });
  return { url, child };
}

async function kill9(child: ChildProcess) {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

const concat = async (source: AsyncIterable<Uint8Array>) => {
  const parts: Uint8Array[] = [];
  for await (const part of source) parts.push(part);
  return Buffer.concat(parts);
};

describe('content persistence across kill -9 (--data-dir)', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('content added before kill -9 is readable after restart; pins survive; gc removes exactly the unpinned blocks', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'aidoc-content-'));
    dirs.push(dataDir);
    const first = await startChild(dataDir);
    const kubo = create({ url: first.url });
    const payload = new Uint8Array(600_000).map((_, i) => (i * 7) % 256);
    const pinned = await kubo.add(payload, { chunker: 'size-100000' }); // 6 leaves + root, pinned recursively
    const loose = await kubo.add(
      new Uint8Array(250_000).map((_, i) => (i * 13) % 256),
      { chunker: 'size-100000', pin: false },
    );
    const direct = await kubo.block.put(new TextEncoder().encode('direct pin'));
    await kubo.pin.add(direct, { recursive: false });
    await kill9(first.child);

    const second = await startChild(dataDir);
    const again = create({ url: second.url });
    expect(Buffer.compare(await concat(again.cat(pinned.cid)), Buffer.from(payload))).toBe(0);
    const pins = new Map<string, string>();
    for await (const pin of again.pin.ls({ type: 'all' })) pins.set(pin.cid.toString(), pin.type);
    expect(pins.get(pinned.cid.toString())).toBe('recursive');
    expect(pins.get(direct.toString())).toBe('direct');
    expect(pins.has(loose.cid.toString())).toBe(false);
    await kill9(second.child);

    // Open the same folder in-process to compute the expected garbage independently of the server.
    const store = await createContentStore({ dataDir });
    const reachable = async (root: CID) => {
      const keys = new Set<string>();
      const stack = [root];
      while (stack.length) {
        const cid = stack.pop() as CID;
        keys.add(CID.createV1(0x55, cid.multihash).toString());
        stack.push(...blockLinks(cid, await store.get(cid)));
      }
      return keys;
    };
    const live = new Set([...(await reachable(pinned.cid)), CID.createV1(0x55, direct.multihash).toString()]);
    const before = new Set<string>();
    for await (const cid of store.blocks()) before.add(cid.toString());
    const expected = [...before].filter((k) => !live.has(k)).sort();
    expect(expected.length).toBeGreaterThanOrEqual(4); // the loose file's root and its 3 leaves
    for (const k of await reachable(loose.cid)) expect(expected).toContain(k);

    const removed: string[] = [];
    for await (const cid of store.gc()) removed.push(cid.toString());
    expect(removed.sort()).toEqual(expected);
    const after = new Set<string>();
    for await (const cid of store.blocks()) after.add(cid.toString());
    expect([...after].sort()).toEqual([...live].sort());
    expect((await store.stat()).numObjects).toBe(live.size);
    await store.close();
  });
});
