import { createHash, randomBytes } from 'node:crypto';
import { AidocError } from '@aidoc/sdk/errors';
import * as dagPb from '@ipld/dag-pb';
import { UnixFS } from 'ipfs-unixfs';
import { type ImporterOptions, importer } from 'ipfs-unixfs-importer';
import { fixedSize } from 'ipfs-unixfs-importer/chunker';
import { base32 } from 'multiformats/bases/base32';
import { CID } from 'multiformats/cid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addContent, kuboImporterOptions } from '../../src/content/addContent';
import type { ContentStore } from '../../src/content/ContentStore';
import { createContentStore } from '../../src/content/createContentStore';
import { encodeUnixfsLeaf } from '../../src/content/kuboBufferImporter';
import { parseKuboAddOptions } from '../../src/content/parseKuboAddOptions';

/**
 * Imports one file with `options`, its bytes arriving in pieces of `splits` sizes: the root CID and every
 * stored block (a block handed over as parts is joined), keyed by CID.
 */
async function importOne(
  bytes: Uint8Array,
  splits: number[],
  options: ImporterOptions,
): Promise<{ root: string; blocks: Map<string, Buffer> }> {
  const blocks = new Map<string, Buffer>();
  const blockstore = {
    put: async (cid: CID, block: Uint8Array | Uint8Array[]) => {
      blocks.set(cid.toString(), Buffer.concat(block instanceof Uint8Array ? [block] : block));
      return cid;
    },
  };
  let root = '';
  for await (const entry of importer(
    [{ path: 'f', content: pieces(bytes, splits) }],
    blockstore as never,
    options,
  )) {
    root = entry.cid.toString();
  }
  return { root, blocks };
}

async function rootOf(bytes: Uint8Array, splits: number[], options: ImporterOptions): Promise<string> {
  return (await importOne(bytes, splits, options)).root;
}

async function* pieces(bytes: Uint8Array, sizes: number[]): AsyncGenerator<Uint8Array> {
  let at = 0;
  for (let i = 0; at < bytes.byteLength; i++) {
    const n = sizes[i % sizes.length] ?? 1;
    yield bytes.subarray(at, at + n);
    at += n;
  }
}

/** A block's multihash, the key both the importer's CIDs and the store's `blocks()` reduce to. */
const multihashOf = (cid: string) => base32.baseEncode(CID.parse(cid).multihash.bytes);

describe('fast import parts match ipfs-unixfs / ipfs-unixfs-importer byte for byte', () => {
  let store: ContentStore;
  beforeAll(async () => {
    store = await createContentStore();
  });
  afterAll(async () => {
    await store.close();
  });

  it('encodeUnixfsLeaf equals dagPb.encode(UnixFS.marshal()) for file and raw leaves of every varint width', () => {
    for (const size of [0, 1, 127, 128, 300, 16_383, 16_384, 100_000, 262_144, 1_048_576]) {
      const data = randomBytes(size);
      for (const type of ['file', 'raw'] as const) {
        const expected = dagPb.encode({ Data: new UnixFS({ type, data }).marshal(), Links: [] });
        expect(
          Buffer.from(encodeUnixfsLeaf(data, type)).equals(Buffer.from(expected)),
          `${type} ${size}`,
        ).toBe(true);
      }
    }
  });

  // The full leaves are cut, framed, hashed and stored on the store's block thread; the importer with its own
  // chunker and buffer importer is the reference. Every option that changes the leaves, and input splits that
  // straddle chunks.
  it('leaves built on the block thread give the same CIDs and blocks as the importer defaults, for any input split and option', async () => {
    const cases: Array<{ length: number; splits: number[]; flags: string }> = [
      { length: 0, splits: [1], flags: '' },
      { length: 1, splits: [1], flags: 'raw-leaves=true' },
      { length: 1024, splits: [1024], flags: 'chunker=size-1024' },
      { length: 5000, splits: [7, 1500, 3], flags: 'chunker=size-1024&cid-version=1' },
      { length: 10_000, splits: [65_536], flags: 'chunker=size-4096&trickle=true' },
      { length: 300_000, splits: [65_536, 100], flags: '' },
      { length: 3 * 262_144 + 17, splits: [100_000, 1], flags: 'cid-version=1&raw-leaves=false' },
      { length: 2 * 262_144, splits: [262_144], flags: 'trickle=true&raw-leaves=true' },
    ];
    for (const { length, splits, flags } of cases) {
      const bytes = randomBytes(length);
      const options = parseKuboAddOptions(new URLSearchParams(flags));
      // The same options with the importer's own chunker, chunk validator and buffer importer.
      const {
        chunker: _c,
        chunkValidator: _v,
        bufferImporter: _b,
        ...shared
      } = kuboImporterOptions(options, {
        store,
      });
      const reference: ImporterOptions = { ...shared, chunker: fixedSize({ chunkSize: options.chunkSize }) };
      const b = await importOne(bytes, splits, reference);
      for await (const _ of store.gc()) {
        // each case starts from an empty store
      }
      const a = await importOne(bytes, splits, kuboImporterOptions(options, { store }));
      const label = `${length} bytes, ${flags || 'defaults'}`;
      expect(a.root, label).toBe(b.root);
      // The stored bytes too: the full leaves are in the store (put there by the block thread), the short last
      // leaf and the nodes above went through the importer's blockstore. Together they are the reference's
      // blocks, byte for byte, and each block is what its CID names.
      const stored = new Set<string>();
      for await (const cid of store.blocks()) stored.add(base32.baseEncode(cid.multihash.bytes));
      for (const cid of a.blocks.keys()) stored.add(multihashOf(cid));
      expect([...stored].sort(), label).toEqual([...new Set([...b.blocks.keys()].map(multihashOf))].sort());
      for (const [cid, block] of b.blocks) {
        const ours = a.blocks.get(cid) ?? Buffer.from(await store.get(CID.parse(cid)));
        expect(ours.equals(block), `${label}: block ${cid}`).toBe(true);
        const digest = createHash('sha256').update(ours).digest();
        expect(Buffer.from(CID.parse(cid).multihash.digest).equals(digest), `${label}: ${cid}`).toBe(true);
      }
    }
  });

  it('addContent refuses content pieces that are not bytes with INVALID_INPUT, and nothing of the file stays pinned', async () => {
    async function* mixed(): AsyncGenerator<Uint8Array> {
      yield randomBytes(300_000);
      yield 'not bytes' as unknown as Uint8Array;
    }
    const run = async () => {
      const entries = [{ path: 'f', content: mixed() }];
      for await (const _ of addContent(store, entries, parseKuboAddOptions(new URLSearchParams()))) {
        // nothing is expected
      }
    };
    await expect(run()).rejects.toSatisfy((e) => AidocError.is(e, 'INVALID_INPUT'));
    const pins: string[] = [];
    for await (const pin of store.pins()) pins.push(pin.cid.toString());
    expect(pins).toEqual([]);
  });

  it('moves the input to the block thread only when the import owns it, and copies it otherwise', async () => {
    const options = parseKuboAddOptions(new URLSearchParams());
    for (const size of [300_000, 3 * 1024 * 1024 + 5]) {
      const bytes = randomBytes(size);
      const copied = Buffer.from(bytes);
      const expected = await rootOf(copied, [65_536], kuboImporterOptions(options, { store }));
      // Not owned (the default): the caller's buffer is untouched.
      expect(copied.equals(bytes)).toBe(true);
      // Owned, in pieces of one buffer over several worker messages: the pieces before the last are copied
      // (more could come from their buffer), the last one moves the buffer, and the CID is the same.
      const owned = new Uint8Array(bytes);
      const ours = kuboImporterOptions(options, { store, owned: true });
      expect(await rootOf(owned, [65_536], ours)).toBe(expected);
      expect(owned.buffer.byteLength).toBe(0);
    }
  });
});
