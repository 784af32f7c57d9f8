import { createHash, randomBytes } from 'node:crypto';
import * as dagPb from '@ipld/dag-pb';
import { UnixFS } from 'ipfs-unixfs';
import { type ImporterOptions, importer } from 'ipfs-unixfs-importer';
import { fixedSize } from 'ipfs-unixfs-importer/chunker';
import { CID } from 'multiformats/cid';
import { describe, expect, it } from 'vitest';
import { kuboImporterOptions } from '../../src/content/addContent';
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

describe('fast import parts match ipfs-unixfs / ipfs-unixfs-importer byte for byte', () => {
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

  // The leaves are cut, framed and hashed on a worker thread; the importer with its own chunker and buffer
  // importer is the reference. Every option that changes the leaves, and input splits that straddle chunks.
  it('worker-built leaves give the same CIDs as the importer defaults, for any input split and option', async () => {
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
      const { chunker: _c, chunkValidator: _v, bufferImporter: _b, ...shared } = kuboImporterOptions(options);
      const reference: ImporterOptions = { ...shared, chunker: fixedSize({ chunkSize: options.chunkSize }) };
      const b = await importOne(bytes, splits, reference);
      // Leaves hashed in place and stored as parts, and leaves assembled on the worker.
      for (const contiguousLeaves of [false, true]) {
        const a = await importOne(bytes, splits, kuboImporterOptions(options, { contiguousLeaves }));
        const label = `${length} bytes, ${flags || 'defaults'}, contiguous ${contiguousLeaves}`;
        expect(a.root, label).toBe(b.root);
        // The stored bytes too: each block is what its CID names (the worker hashes the bytes and this thread
        // stores the leaf it is handed or assembles it from the returned bytes, so both must agree).
        expect([...a.blocks.keys()].sort(), label).toEqual([...b.blocks.keys()].sort());
        for (const [cid, block] of a.blocks) {
          expect(block.equals(b.blocks.get(cid) as Buffer), `${label}: block ${cid}`).toBe(true);
          const digest = createHash('sha256').update(block).digest();
          expect(Buffer.from(CID.parse(cid).multihash.digest).equals(digest), `${label}: ${cid}`).toBe(true);
        }
      }
    }
  });

  it('moves the input to the worker only when the import owns it, and copies it otherwise', async () => {
    const options = parseKuboAddOptions(new URLSearchParams());
    for (const size of [300_000, 3 * 1024 * 1024 + 5]) {
      const bytes = randomBytes(size);
      const copied = Buffer.from(bytes);
      const expected = await rootOf(copied, [65_536], kuboImporterOptions(options));
      // Not owned (the default): the caller's buffer is untouched.
      expect(copied.equals(bytes)).toBe(true);
      // Owned, in pieces of one buffer over several worker messages: the pieces before the last are copied
      // (more could come from their buffer), the last one moves the buffer, and the CID is the same.
      for (const contiguousLeaves of [false, true]) {
        const owned = new Uint8Array(bytes);
        const ours = kuboImporterOptions(options, { owned: true, contiguousLeaves });
        expect(await rootOf(owned, [65_536], ours)).toBe(expected);
        expect(owned.buffer.byteLength).toBe(0);
      }
    }
  });
});
