import { AidocError } from '@aidoc/sdk/errors';
import type { Chunker } from 'ipfs-unixfs-importer/chunker';

/** Buffers to recycle: `take` returns a free one of the asked size (or undefined), `give` returns one. */
export interface ChunkBufferPool {
  take(byteLength: number): ArrayBuffer | undefined;
  give(buffer: ArrayBufferLike): void;
}

/**
 * A small pool of equally sized buffers (at most `max` kept), for chunks whose blocks the store copies out.
 *
 * @example
 * ```ts
 * const pool = createChunkBufferPool(80);
 * const chunker = fixedSizeChunker(262_144, undefined, pool);
 * ```
 */
export function createChunkBufferPool(max: number): ChunkBufferPool {
  const free: ArrayBuffer[] = [];
  return {
    take: (byteLength) => {
      const buffer = free.pop();
      return buffer !== undefined && buffer.byteLength === byteLength ? buffer : undefined;
    },
    give: (buffer) => {
      if (free.length < max && buffer instanceof ArrayBuffer) free.push(buffer);
    },
  };
}

/** Free bytes to leave around each chunk inside its buffer, so a leaf block can be built around it in place. */
export interface ChunkPadding {
  before: number;
  after: number;
}

/**
 * A fixed-size chunker with the same output as ipfs-unixfs-importer's `fixedSize` (and Kubo's `size-N`), which
 * also checks that every input chunk is bytes (so the importer's separate chunk validator can be skipped): chunks
 * of exactly `chunkSize` bytes, then the remainder, and one empty chunk for empty input. Each chunk is filled
 * by a single copy from the input into a buffer of its own (no list of views to concatenate). With `padding`,
 * every full chunk sits in a buffer with exactly `padding.before` free bytes before it and `padding.after` after
 * it (see `encodeUnixfsLeaf`, which then wraps it without copying); the remainder never has padding. With a
 * `pool`, buffers given back (once the store has copied a block out) are filled again instead of new ones.
 *
 * @example
 * ```ts
 * importer(source, blockstore, { chunker: fixedSizeChunker(262_144) });
 * ```
 */
export function fixedSizeChunker(
  chunkSize: number,
  padding: ChunkPadding = { before: 0, after: 0 },
  pool?: ChunkBufferPool,
): Chunker {
  const { before, after } = padding;
  const size = before + chunkSize + after;
  // Not zero-filled: every byte of a chunk is written before it is yielded, the padding by the leaf encoder.
  const allocate = () => {
    const reused = pool?.take(size);
    return reused !== undefined
      ? new Uint8Array(reused, before, chunkSize)
      : Buffer.allocUnsafeSlow(size).subarray(before, before + chunkSize);
  };
  return async function* chunk(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
    let current = allocate();
    let filled = 0;
    let emitted = false;
    for await (const input of source) {
      if (!(input instanceof Uint8Array)) {
        throw new AidocError('INVALID_INPUT', 'File content must be bytes (Uint8Array chunks).');
      }
      let at = 0;
      while (at < input.byteLength) {
        const n = Math.min(chunkSize - filled, input.byteLength - at);
        current.set(at === 0 && n === input.byteLength ? input : input.subarray(at, at + n), filled);
        filled += n;
        at += n;
        if (filled === chunkSize) {
          yield current;
          emitted = true;
          current = allocate();
          filled = 0;
        }
      }
    }
    if (filled > 0 || !emitted) yield Uint8Array.prototype.slice.call(current, 0, filled);
  };
}
