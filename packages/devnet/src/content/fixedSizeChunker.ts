import type { Chunker } from 'ipfs-unixfs-importer/chunker';

/**
 * A fixed-size chunker with the same output as ipfs-unixfs-importer's `fixedSize` (and Kubo's `size-N`): chunks
 * of exactly `chunkSize` bytes, then the remainder, and one empty chunk for empty input. Each chunk is a fresh
 * buffer of its own, filled by a single copy from the input (no list of views to concatenate), so a store can
 * keep it as is.
 *
 * @example
 * ```ts
 * importer(source, blockstore, { chunker: fixedSizeChunker(262_144) });
 * ```
 */
export function fixedSizeChunker(chunkSize: number): Chunker {
  return async function* chunk(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
    let current = new Uint8Array(chunkSize);
    let filled = 0;
    let emitted = false;
    for await (const input of source) {
      let at = 0;
      while (at < input.byteLength) {
        const n = Math.min(chunkSize - filled, input.byteLength - at);
        current.set(at === 0 && n === input.byteLength ? input : input.subarray(at, at + n), filled);
        filled += n;
        at += n;
        if (filled === chunkSize) {
          yield current;
          emitted = true;
          current = new Uint8Array(chunkSize);
          filled = 0;
        }
      }
    }
    if (filled > 0 || !emitted) yield current.slice(0, filled);
  };
}
