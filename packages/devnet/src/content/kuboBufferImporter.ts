import { createHash } from 'node:crypto';
import * as dagPb from '@ipld/dag-pb';
import { UnixFS } from 'ipfs-unixfs';
import type { BufferImporter, BufferImporterResult } from 'ipfs-unixfs-importer';
import { CID } from 'multiformats/cid';
import * as Digest from 'multiformats/hashes/digest';
import { RAW_CODE } from './blockLinks';

const SHA2_256 = 0x12;
/** UnixFS `Data.DataType` values (unixfs.proto). */
const UNIXFS_TYPE = { raw: 0, file: 2 } as const;

function varintLength(n: number): number {
  let length = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 0x80);
    length++;
  }
  return length;
}

function writeVarint(target: Uint8Array, at: number, n: number): number {
  while (n >= 0x80) {
    target[at++] = (n % 0x80) | 0x80;
    n = Math.floor(n / 0x80);
  }
  target[at++] = n;
  return at;
}

/** Bytes of a leaf block before its data: PBNode.Data tag and length, UnixFS Type, Data tag and length. */
function leafHeaderLength(n: number): number {
  const unixfsLength = unixfsLengthOf(n);
  return 1 + varintLength(unixfsLength) + 2 + (n > 0 ? 1 + varintLength(n) : 0);
}

/** UnixFS: 0x08 type, [0x12 len data] (omitted when empty), 0x18 filesize. */
function unixfsLengthOf(n: number): number {
  return 2 + (n > 0 ? 1 + varintLength(n) + n : 0) + 1 + varintLength(n);
}

/**
 * The free bytes a chunk of `chunkSize` needs around it for {@link encodeUnixfsLeaf} to build its leaf in place.
 *
 * @example
 * ```ts
 * const chunker = fixedSizeChunker(262_144, unixfsLeafPadding(262_144));
 * ```
 */
export function unixfsLeafPadding(chunkSize: number): { before: number; after: number } {
  return { before: leafHeaderLength(chunkSize), after: 1 + varintLength(chunkSize) };
}

/**
 * The dag-pb leaf block for one chunk: `PBNode { Data: UnixFS { Type, Data, filesize } }`, byte for byte what
 * `dagPb.encode({ Data: new UnixFS({ type, data }).marshal(), Links: [] })` produces. When `data` sits in a
 * buffer with exactly {@link unixfsLeafPadding} free bytes around it (as `fixedSizeChunker` leaves them), the
 * header and trailer are written around it and that whole buffer is the block: no copy. Otherwise the block is
 * a new buffer and `data` is copied once.
 *
 * @example
 * ```ts
 * const block = encodeUnixfsLeaf(new Uint8Array([1, 2, 3]), 'file');
 * ```
 */
export function encodeUnixfsLeaf(data: Uint8Array, type: 'file' | 'raw'): Uint8Array {
  const n = data.byteLength;
  const unixfsLength = unixfsLengthOf(n);
  const headerLength = leafHeaderLength(n);
  const blockLength = 1 + varintLength(unixfsLength) + unixfsLength;
  const inPlace = n > 0 && data.byteOffset === headerLength && data.buffer.byteLength === blockLength;
  const block = inPlace ? new Uint8Array(data.buffer, 0, blockLength) : new Uint8Array(blockLength);
  let at = 0;
  block[at++] = 0x0a; // PBNode.Data, length-delimited
  at = writeVarint(block, at, unixfsLength);
  block[at++] = 0x08;
  block[at++] = UNIXFS_TYPE[type];
  if (n > 0) {
    block[at++] = 0x12;
    at = writeVarint(block, at, n);
    if (!inPlace) block.set(data, at);
    at += n;
  }
  block[at++] = 0x18;
  writeVarint(block, at, n);
  return block;
}

/**
 * The importer's leaf step, reproducing `ipfs-unixfs-importer`'s default buffer importer (same blocks, same
 * CIDs) with less work per chunk: the leaf is encoded in one pass, hashed with node:crypto, and handed to the
 * blockstore without waiting for the write (the caller bounds and awaits writes before acknowledging), so
 * reading the upload never stops for storage. Leaves report their size through `blockSizes` instead of keeping
 * the chunk, so a layout level of 174 leaves holds no file data.
 *
 * @example
 * ```ts
 * importer(source, blockstore, { bufferImporter: kuboBufferImporter({ cidVersion: 0, rawLeaves: false, leafType: 'file' }) });
 * ```
 */
export function kuboBufferImporter(options: {
  cidVersion: 0 | 1;
  rawLeaves: boolean;
  leafType: 'file' | 'raw';
}): BufferImporter {
  return async function* importLeaves(file, blockstore) {
    for await (const chunk of file.content) {
      const block = options.rawLeaves ? chunk : encodeUnixfsLeaf(chunk, options.leafType);
      const digest = Digest.create(SHA2_256, createHash('sha256').update(block).digest());
      const cid = options.rawLeaves
        ? CID.createV1(RAW_CODE, digest)
        : CID.create(options.cidVersion, dagPb.code, digest);
      await blockstore.put(cid, block);
      const result: BufferImporterResult = {
        cid,
        size: BigInt(block.byteLength),
        block,
        ...(options.rawLeaves
          ? {}
          : {
              unixfs: new UnixFS({
                type: options.leafType,
                ...(chunk.byteLength > 0 ? { blockSizes: [BigInt(chunk.byteLength)] } : {}),
              }),
            }),
      };
      yield () => Promise.resolve(result);
    }
  };
}
