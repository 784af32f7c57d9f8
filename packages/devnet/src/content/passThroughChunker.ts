import type { Chunker } from 'ipfs-unixfs-importer/chunker';

/**
 * A chunker that hands the file's pieces on as they are, for a buffer importer that does the fixed-size
 * chunking itself: see `kuboBufferImporter`, which cuts the leaves on the content store's block thread.
 * Returning the source itself saves the importer an async generator step per network chunk; `addContent`
 * checks that pieces are bytes where they come from a caller rather than a request reader.
 *
 * @example
 * ```ts
 * importer(source, blockstore, { chunker: passThroughChunker(), bufferImporter: kuboBufferImporter(options) });
 * ```
 */
export function passThroughChunker(): Chunker {
  return passThrough;
}

/** One function for every import (not a closure per call), so V8's optimized code for its callers carries over. */
function passThrough(source: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
  return source;
}
