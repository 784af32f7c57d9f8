import { randomBytes } from 'node:crypto';
import * as dagPb from '@ipld/dag-pb';
import { UnixFS } from 'ipfs-unixfs';
import { fixedSize } from 'ipfs-unixfs-importer/chunker';
import { describe, expect, it } from 'vitest';
import { fixedSizeChunker } from '../../src/content/fixedSizeChunker';
import { encodeUnixfsLeaf, unixfsLeafPadding } from '../../src/content/kuboBufferImporter';

async function collect(source: AsyncIterable<Uint8Array>): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for await (const chunk of source) out.push(Buffer.from(chunk));
  return out;
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

  it('fixedSizeChunker yields the same chunks as fixedSize for any input split, including empty input', async () => {
    const cases: Array<{ length: number; splits: number[]; chunk: number }> = [
      { length: 0, splits: [1], chunk: 1024 },
      { length: 1, splits: [1], chunk: 1024 },
      { length: 1024, splits: [1024], chunk: 1024 },
      { length: 5000, splits: [7, 1500, 3], chunk: 1024 },
      { length: 10_000, splits: [65_536], chunk: 4096 },
      { length: 300_000, splits: [65_536, 100], chunk: 262_144 },
    ];
    for (const { length, splits, chunk } of cases) {
      const bytes = randomBytes(length);
      const ours = await collect(fixedSizeChunker(chunk)(pieces(bytes, splits)));
      const theirs = await collect(fixedSize({ chunkSize: chunk })(pieces(bytes, splits)));
      expect(
        ours.map((c) => c.toString('hex')),
        `${length}/${chunk}`,
      ).toEqual(theirs.map((c) => c.toString('hex')));
      // Every chunk owns its buffer exactly, so a store can keep it without copying.
      for await (const c of fixedSizeChunker(chunk)(pieces(bytes, splits))) {
        expect([c.byteOffset, c.byteLength]).toEqual([0, c.buffer.byteLength]);
      }
    }
  });

  it('a padded chunk becomes its leaf block in place, with the same bytes as the reference encoding', async () => {
    for (const size of [128, 262_144, 1_048_576]) {
      const bytes = randomBytes(size * 2 + 5);
      const chunks: Uint8Array[] = [];
      for await (const c of fixedSizeChunker(size, unixfsLeafPadding(size))(pieces(bytes, [65_536]))) {
        chunks.push(c);
      }
      expect(chunks.map((c) => c.byteLength)).toEqual([size, size, 5]);
      for (const [i, chunk] of chunks.entries()) {
        const data = Buffer.from(chunk);
        const expected = dagPb.encode({ Data: new UnixFS({ type: 'file', data }).marshal(), Links: [] });
        const block = encodeUnixfsLeaf(chunk, 'file');
        expect(Buffer.from(block).equals(Buffer.from(expected)), `${size} chunk ${i}`).toBe(true);
        // Full chunks are wrapped without a copy; the short remainder is copied.
        expect(block.buffer === chunk.buffer).toBe(i < 2);
      }
    }
  });
});
