import { createHash, randomBytes } from 'node:crypto';
import { appendFile, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { base32 } from 'multiformats/bases/base32';
import * as Digest from 'multiformats/hashes/digest';
import { afterAll, describe, expect, it } from 'vitest';
import type { LeafImportEvent, LeafImportOptions } from '../../src/content/ContentStore';
import { type BlockWorker, openBlockWorker } from '../../src/content/openBlockWorker';

/** Kubo's datastore key of a block's bytes, computed here with multiformats (the thread has its own base32). */
const keyOf = (bytes: Uint8Array) =>
  base32.baseEncode(Digest.create(0x12, createHash('sha256').update(bytes).digest()).bytes).toUpperCase();

/** Runs one leaf import to its end; returns every event. */
async function importFile(
  blocks: BlockWorker,
  options: LeafImportOptions,
  pushes: Array<{ segments: Uint8Array[]; owned: boolean }>,
): Promise<LeafImportEvent[]> {
  const events: LeafImportEvent[] = [];
  const stream = blocks.importLeaves(options);
  await new Promise<void>((resolve) => {
    stream.onEvent = (event) => {
      events.push(event);
      if (event.type !== 'hashed') resolve();
    };
    for (const { segments, owned } of pushes) stream.push(segments, owned);
    stream.end();
  });
  return events;
}

describe('block thread: pack files on disk', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });
  const freshDir = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'aidoc-packs-'));
    dirs.push(dir);
    return dir;
  };

  it('keeps every acknowledged block across a reopen and drops a record cut off by a kill', async () => {
    const dir = await freshDir();
    const blocks = new Map([...Array(20).keys()].map((i) => [`KEY${i}`, randomBytes(1000 + i * 5000)]));
    const packs = await openBlockWorker({ dataDir: dir });
    await Promise.all([...blocks].map(([key, bytes]) => packs.put(key, bytes)));
    await packs.close();
    // What a kill in the middle of a write leaves: a header announcing more bytes than follow.
    const [pack] = await readdir(dir);
    const torn = Buffer.alloc(5 + 4 + 10);
    torn.writeUInt32LE(5000, 0);
    torn[4] = 4;
    torn.write('TORN', 5, 'latin1');
    await appendFile(join(dir, pack as string), torn);

    const again = await openBlockWorker({ dataDir: dir });
    expect(again.sizes.has('TORN')).toBe(false);
    for (const [key, bytes] of blocks) {
      expect(Buffer.from((await again.get(key)) as Uint8Array)).toEqual(bytes);
      expect(again.sizes.get(key)).toBe(bytes.byteLength);
    }
    await again.put('AFTER', Buffer.from('written after the torn record'));
    await again.close();
    const third = await openBlockWorker({ dataDir: dir });
    expect(Buffer.from((await third.get('AFTER')) as Uint8Array).toString()).toBe(
      'written after the torn record',
    );
    expect(third.sizes.size).toBe(21);
    await third.close();
  });

  it('delete forgets exactly the given keys and reclaims their pack', async () => {
    const dir = await freshDir();
    const packs = await openBlockWorker({ dataDir: dir });
    const keep = randomBytes(3000);
    await packs.put('KEEP', keep);
    await packs.put('DROP1', randomBytes(3000));
    await packs.put('DROP2', randomBytes(3000));
    await packs.delete(['DROP1', 'DROP2']);
    expect(packs.sizes.has('DROP1') || packs.sizes.has('DROP2')).toBe(false);
    expect(packs.totalBytes).toBe(3000);
    expect(await packs.get('DROP1')).toBeUndefined();
    expect(Buffer.from((await packs.get('KEEP')) as Uint8Array)).toEqual(keep);
    await packs.close();
    const again = await openBlockWorker({ dataDir: dir });
    expect([...again.sizes.keys()]).toEqual(['KEEP']);
    expect(Buffer.from((await again.get('KEEP')) as Uint8Array)).toEqual(keep);
    await again.close();
    // The old pack is gone; only the rewritten one remains.
    expect((await readdir(dir)).length).toBe(1);
  });

  it('stores a block given as parts as one record, and reads its head without the rest', async () => {
    const dir = await freshDir();
    const packs = await openBlockWorker({ dataDir: dir });
    const parts = [Buffer.from([0x0a, 0x80, 0x01]), randomBytes(100), Buffer.alloc(0), randomBytes(28)];
    const whole = Buffer.concat(parts);
    await packs.put('PARTS', parts);
    expect(await packs.head('PARTS', 2)).toEqual({ head: new Uint8Array(whole.subarray(0, 2)), size: 131 });
    expect((await packs.head('PARTS', 1000))?.head).toEqual(new Uint8Array(whole));
    expect(await packs.head('ABSENT', 2)).toBeUndefined();
    // The caller's parts are copied, never moved: they stay usable.
    expect(parts[1]?.byteLength).toBe(100);
    await packs.close();
    const again = await openBlockWorker({ dataDir: dir });
    expect(Buffer.from((await again.get('PARTS')) as Uint8Array)).toEqual(whole);
    await again.close();
  });

  it('writes imported leaves to the packs before reporting them, and they survive a reopen', async () => {
    const dir = await freshDir();
    const packs = await openBlockWorker({ dataDir: dir });
    const header = Uint8Array.of(0x0a, 0x10);
    const trailer = Uint8Array.of(0x18, 0x10);
    const data = randomBytes(3 * 16 + 5);
    const events = await importFile(packs, { chunkSize: 16, header, trailer, store: true }, [
      { segments: [data.subarray(0, 20), data.subarray(20)], owned: false },
    ]);
    const digests = Buffer.concat(
      events.flatMap((e) => (e.type === 'hashed' ? [Buffer.from(e.digests)] : [])),
    );
    expect(events.at(-1)).toEqual({ type: 'end', remainder: new Uint8Array(data.subarray(48)) });
    const leaves = [0, 1, 2].map((i) => Buffer.concat([header, data.subarray(16 * i, 16 * i + 16), trailer]));
    expect(digests).toEqual(Buffer.concat(leaves.map((l) => createHash('sha256').update(l).digest())));
    for (const leaf of leaves) {
      expect(packs.sizes.get(keyOf(leaf))).toBe(20);
      expect(packs.isLeaf(keyOf(leaf))).toBe(true);
    }
    await packs.close();
    const again = await openBlockWorker({ dataDir: dir });
    for (const leaf of leaves)
      expect(Buffer.from((await again.get(keyOf(leaf))) as Uint8Array)).toEqual(leaf);
    await again.close();
  });
});

describe('block thread: leaves in memory', () => {
  it('cuts, hashes and stores leaves under the keys multiformats computes, identical leaves once', async () => {
    const blocks = await openBlockWorker();
    const header = Uint8Array.of(1, 2, 3);
    const trailer = Uint8Array.of(9);
    const chunk = randomBytes(1000);
    // Three identical chunks and a remainder, pushed in pieces that straddle the chunk boundaries.
    const data = Buffer.concat([chunk, chunk, chunk, Buffer.from('tail')]);
    const events = await importFile(blocks, { chunkSize: 1000, header, trailer, store: true }, [
      { segments: [data.subarray(0, 1500)], owned: false },
      { segments: [data.subarray(1500, 2999), data.subarray(2999)], owned: false },
    ]);
    const leaf = Buffer.concat([header, chunk, trailer]);
    const digest = createHash('sha256').update(leaf).digest();
    const hashed = events.filter((e) => e.type === 'hashed');
    expect(Buffer.concat(hashed.map((e) => Buffer.from(e.digests)))).toEqual(
      Buffer.concat([digest, digest, digest]),
    );
    expect(hashed.reduce((n, e) => n + e.consumed, 0)).toBe(data.byteLength);
    expect([...blocks.sizes]).toEqual([[keyOf(leaf), 1004]]);
    expect(Buffer.from((await blocks.get(keyOf(leaf))) as Uint8Array)).toEqual(leaf);
    expect(await blocks.head(keyOf(leaf), 5)).toEqual({
      head: new Uint8Array(leaf.subarray(0, 5)),
      size: 1004,
    });
    expect(Buffer.from((events.at(-1) as { remainder: Uint8Array }).remainder).toString()).toBe('tail');
    await blocks.close();
  });

  it('only hashes without store, moves owned buffers that end their piece, and copies the rest', async () => {
    const blocks = await openBlockWorker();
    const owned = new Uint8Array(randomBytes(64 * 1024));
    const shared = new Uint8Array(randomBytes(64 * 1024));
    const events = await importFile(
      blocks,
      { chunkSize: 4096, header: new Uint8Array(0), trailer: new Uint8Array(0), store: false },
      [{ segments: [owned, shared.subarray(0, 1000)], owned: true }],
    );
    expect(events.filter((e) => e.type === 'hashed').length).toBeGreaterThan(0);
    expect(blocks.sizes.size).toBe(0);
    // The owned buffer moved; the piece that does not end its buffer was copied, its buffer untouched.
    expect(owned.buffer.byteLength).toBe(0);
    expect(shared.byteLength).toBe(64 * 1024);
    await blocks.close();
  });

  it('refuses work once closed, with a typed error', async () => {
    const blocks = await openBlockWorker();
    await blocks.put('A', Uint8Array.of(1));
    await blocks.close();
    await expect(blocks.put('B', Uint8Array.of(2))).rejects.toMatchObject({ code: 'INTERNAL' });
    const events = await importFile(
      blocks,
      { chunkSize: 4, header: new Uint8Array(0), trailer: new Uint8Array(0), store: true },
      [{ segments: [Uint8Array.of(1, 2, 3, 4, 5)], owned: false }],
    );
    expect(events).toEqual([{ type: 'error', message: 'The content store is closed.' }]);
  });
});
