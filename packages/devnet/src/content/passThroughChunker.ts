import { AidocError } from '@aidoc/sdk/errors';
import type { Chunker } from 'ipfs-unixfs-importer/chunker';

/**
 * A chunker that hands the file's bytes on as they arrive, checking that each piece is bytes, for a buffer
 * importer that does the fixed-size chunking itself (see `kuboBufferImporter`, which cuts them on a worker
 * thread). It also replaces the importer's separate chunk validator.
 *
 * @example
 * ```ts
 * importer(source, blockstore, { chunker: passThroughChunker(), bufferImporter: kuboBufferImporter(options) });
 * ```
 */
export function passThroughChunker(): Chunker {
  return passThrough;
}

/** One function for every import (not a closure per call), so V8's optimized code for it carries over. */
async function* passThrough(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  for await (const input of source) {
    if (!(input instanceof Uint8Array)) {
      throw new AidocError('INVALID_INPUT', 'File content must be bytes (Uint8Array chunks).');
    }
    yield input;
  }
}
