import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as dagPb from '@ipld/dag-pb';
import { CID } from 'multiformats/cid';
import * as Digest from 'multiformats/hashes/digest';
import { afterAll, describe, expect, it } from 'vitest';
import type { ContentStore } from '../../src/content/ContentStore';
import { createContentStore } from '../../src/content/createContentStore';
import { encodeUnixfsLeaf } from '../../src/content/kuboBufferImporter';

const dagPbCid = (bytes: Uint8Array) =>
  CID.createV0(Digest.create(0x12, createHash('sha256').update(bytes).digest()));

/** A PBNode with only this link: just its Links field, as dag-pb encodes it. */
const encodeLink = (child: CID): Uint8Array => dagPb.encode({ Links: [{ Hash: child, Name: '', Tsize: 1 }] });

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

const stores: Array<[string, () => Promise<ContentStore>]> = [
  ['memory', () => createContentStore()],
  [
    'disk',
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'aidoc-store-'));
      dirs.push(dir);
      return createContentStore({ dataDir: dir });
    },
  ],
];

describe.each(stores)('content store blocks (%s)', (_name, open) => {
  it('a block put as parts reads back joined, and counts its full size', async () => {
    const store = await open();
    const data = randomBytes(5000);
    const block = encodeUnixfsLeaf(data, 'file');
    const cid = dagPbCid(block);
    // Header, the data in uneven pieces, trailer: as the importer hands over a leaf.
    const parts = [
      block.subarray(0, 4),
      block.subarray(4, 1000),
      block.subarray(1000, 1000),
      block.subarray(1000),
    ];
    await store.put(cid, parts);
    expect(Buffer.from(await store.get(cid)).equals(Buffer.from(block))).toBe(true);
    expect(Buffer.from(await store.get(cid)).equals(Buffer.from(block))).toBe(true);
    expect(await store.stat()).toEqual({ numObjects: 1, repoSize: block.byteLength });
    await store.close();
  });

  it('recycle moves a read block buffer back for later reads, which stay correct; other bytes are ignored', async () => {
    const store = await open();
    const blocks = Array.from({ length: 6 }, () => encodeUnixfsLeaf(randomBytes(262_144), 'file'));
    for (const block of blocks) await store.put(dagPbCid(block), block);
    for (let round = 0; round < 3; round++) {
      for (const block of blocks) {
        const bytes = await store.get(dagPbCid(block));
        expect(Buffer.from(bytes).equals(Buffer.from(block))).toBe(true);
        store.recycle(bytes.subarray(10, 20)); // a view of the block is enough
        expect(bytes.byteLength).toBe(0); // its buffer moved back to the block thread
      }
    }
    // Bytes that did not come from get (the caller's own, or recycled twice) stay where they are.
    const own = randomBytes(300_000);
    store.recycle(own);
    expect(own.byteLength).toBe(300_000);
    const again = await store.get(dagPbCid(blocks[0] as Uint8Array));
    store.recycle(again);
    store.recycle(again);
    expect(
      Buffer.from(await store.get(dagPbCid(blocks[1] as Uint8Array))).equals(
        Buffer.from(blocks[1] as Uint8Array),
      ),
    ).toBe(true);
    await store.close();
  });

  it('pins and gc follow links whether or not a dag-pb block starts with its Data field', async () => {
    const store = await open();
    // Leaves stored as parts: one Data field each, recognised as link-free from their first bytes.
    const leaves = [randomBytes(3000), randomBytes(2000)].map((d) => encodeUnixfsLeaf(d, 'file'));
    const leafCids = leaves.map(dagPbCid);
    for (const [i, leaf] of leaves.entries()) {
      await store.put(leafCids[i] as CID, [leaf.subarray(0, 3), leaf.subarray(3)]);
    }
    // A canonical parent (Links, then Data) of the first leaf.
    const parent = dagPb.encode({
      Data: new Uint8Array([8, 2]),
      Links: [{ Hash: leafCids[0] as CID, Tsize: 1 }],
    });
    const parentCid = dagPbCid(parent);
    await store.put(parentCid, parent);
    // A block with Data first and its link after it: dag-pb decoders accept it, and it does link the second
    // leaf, so its first bytes alone must not be taken for a leaf's.
    const dataFirst = Buffer.concat([Buffer.from([0x0a, 0x02, 0x08, 0x02]), encodeLink(leafCids[1] as CID)]);
    expect(dagPb.decode(dataFirst).Links.map((l) => l.Hash.toString())).toEqual([leafCids[1]?.toString()]);
    const dataFirstCid = dagPbCid(dataFirst);
    await store.put(dataFirstCid, dataFirst);
    const orphan = encodeUnixfsLeaf(randomBytes(100), 'file');
    const orphanCid = dagPbCid(orphan);
    await store.put(orphanCid, [orphan]);

    await store.pin(parentCid, { recursive: true });
    await store.pin(dataFirstCid, { recursive: true });
    expect(await store.pinTypeOf(leafCids[0] as CID)).toBe('indirect');
    expect(await store.pinTypeOf(leafCids[1] as CID)).toBe('indirect');
    const removed: string[] = [];
    for await (const cid of store.gc()) removed.push(cid.multihash.toString());
    expect(removed).toEqual([orphanCid.multihash.toString()]);
    for (const cid of [...leafCids, parentCid, dataFirstCid]) expect(await store.has(cid)).toBe(true);
    // A recursive pin needs the whole DAG: with a leaf missing it is refused.
    await store.unpin(dataFirstCid);
    for await (const _ of store.gc()) {
      // collects the second leaf and the data-first block
    }
    expect(await store.has(leafCids[1] as CID)).toBe(false);
    const again = Buffer.concat([Buffer.from([0x0a, 0x02, 0x08, 0x02]), encodeLink(leafCids[1] as CID)]);
    const againCid = dagPbCid(again);
    await store.put(againCid, again);
    await expect(store.pin(againCid, { recursive: true })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await store.close();
  });
});
