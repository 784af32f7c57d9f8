import { createHash } from 'node:crypto';
import { AidocError } from '@aidoc/sdk/errors';
import * as dagPb from '@ipld/dag-pb';
import { UnixFS } from 'ipfs-unixfs';
import type { BufferImporter, BufferImporterResult } from 'ipfs-unixfs-importer';
import { CID } from 'multiformats/cid';
import * as Digest from 'multiformats/hashes/digest';
import { RAW_CODE } from './blockLinks';
import { type LeafEvent, openLeafStream } from './createLeafWorker';

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
 * The dag-pb leaf block for one chunk: `PBNode { Data: UnixFS { Type, Data, filesize } }`, byte for byte what
 * `dagPb.encode({ Data: new UnixFS({ type, data }).marshal(), Links: [] })` produces, in one pass.
 *
 * @example
 * ```ts
 * const block = encodeUnixfsLeaf(new Uint8Array([1, 2, 3]), 'file');
 * ```
 */
export function encodeUnixfsLeaf(data: Uint8Array, type: 'file' | 'raw'): Uint8Array {
  const n = data.byteLength;
  const unixfsLength = unixfsLengthOf(n);
  const block = new Uint8Array(1 + varintLength(unixfsLength) + unixfsLength);
  let at = 0;
  block[at++] = 0x0a; // PBNode.Data, length-delimited
  at = writeVarint(block, at, unixfsLength);
  block[at++] = 0x08;
  block[at++] = UNIXFS_TYPE[type];
  if (n > 0) {
    block[at++] = 0x12;
    at = writeVarint(block, at, n);
    block.set(data, at);
    at += n;
  }
  block[at++] = 0x18;
  writeVarint(block, at, n);
  return block;
}

/** Bytes handed to the leaf worker per message. */
const BATCH_BYTES = 1024 * 1024;
/** Bytes handed to the leaf worker and not yet back as leaves before reading waits (memory stays flat). */
const MAX_IN_FLIGHT_BYTES = 8 * 1024 * 1024;

/** The bytes a full leaf has before and after its chunk, per chunk size and leaf type. */
const frames = new Map<string, { header: Uint8Array; trailer: Uint8Array }>();

function leafFrame(chunkSize: number, type: 'file' | 'raw'): { header: Uint8Array; trailer: Uint8Array } {
  const key = `${chunkSize}/${type}`;
  let frame = frames.get(key);
  if (!frame) {
    // Every full leaf is the same header, the chunk, the same trailer: cut them from one encoded leaf.
    const before = leafHeaderLength(chunkSize);
    const block = encodeUnixfsLeaf(new Uint8Array(chunkSize), type);
    frame = { header: block.slice(0, before), trailer: block.slice(before + chunkSize) };
    frames.set(key, frame);
  }
  return frame;
}

/**
 * The importer's leaf step, reproducing `ipfs-unixfs-importer`'s default buffer importer with Kubo's
 * fixed-size chunking (same blocks, same CIDs), with the per-byte work off this thread: the file's bytes
 * (as they arrive, see {@link passThroughChunker}) go to a worker that cuts them into `chunkSize` chunks,
 * frames each as a leaf and hashes it; this thread makes the CIDs and hands the blocks to the blockstore in
 * order without waiting for the write (the caller bounds and awaits writes before acknowledging). Leaves
 * report their size through `blockSizes` instead of keeping the chunk, so a layout level of 174 leaves
 * holds no file data.
 *
 * @example
 * ```ts
 * importer(source, blockstore, { chunker: passThroughChunker(), bufferImporter: kuboBufferImporter({ cidVersion: 0, rawLeaves: false, leafType: 'file', chunkSize: 262_144 }) });
 * ```
 */
export function kuboBufferImporter(options: {
  cidVersion: 0 | 1;
  rawLeaves: boolean;
  leafType: 'file' | 'raw';
  chunkSize: number;
  /** The input's buffers belong to the import (a request body): move them to the worker instead of copying. */
  ownsInput?: boolean;
}): BufferImporter {
  const frame = options.rawLeaves
    ? { header: new Uint8Array(0), trailer: new Uint8Array(0) }
    : leafFrame(options.chunkSize, options.leafType);
  const cidOf = (digest: Uint8Array) => {
    const multihash = Digest.create(SHA2_256, digest);
    return options.rawLeaves
      ? CID.createV1(RAW_CODE, multihash)
      : CID.create(options.cidVersion, dagPb.code, multihash);
  };
  const resultOf = (cid: CID, block: Uint8Array, chunkLength: number): BufferImporterResult => ({
    cid,
    size: BigInt(block.byteLength),
    block,
    ...(options.rawLeaves
      ? {}
      : {
          unixfs: new UnixFS({
            type: options.leafType,
            ...(chunkLength > 0 ? { blockSizes: [BigInt(chunkLength)] } : {}),
          }),
        }),
  });
  return async function* importLeaves(file, blockstore) {
    const stream = openLeafStream({ chunkSize: options.chunkSize, ...frame });
    const events: LeafEvent[] = [];
    let wake: (() => void) | undefined;
    stream.onEvent = (event) => {
      events.push(event);
      wake?.();
    };
    const nextEvent = () =>
      events.length > 0
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            wake = resolve;
          });
    let inFlight = 0;
    let emitted = 0;
    let ended = false;
    /** Stores and reports the leaves that are back; true once the file's last leaf is reported. */
    async function* ready(): AsyncGenerator<() => Promise<BufferImporterResult>> {
      while (events.length > 0) {
        const event = events.shift() as LeafEvent;
        if (event.type === 'error')
          throw new AidocError('INTERNAL', `Importing a file failed: ${event.message}.`);
        if (event.type === 'leaves') {
          for (const leaf of event.leaves) {
            inFlight -= leaf.chunkLength;
            const cid = cidOf(leaf.digest);
            await blockstore.put(cid, leaf.block);
            emitted++;
            const result = resultOf(cid, leaf.block, leaf.chunkLength);
            yield () => Promise.resolve(result);
          }
          continue;
        }
        ended = true;
        // The remainder (and an empty file's one empty leaf) is framed and hashed here: at most one per file.
        if (event.remainder.byteLength > 0 || emitted === 0) {
          const block = options.rawLeaves
            ? event.remainder
            : encodeUnixfsLeaf(event.remainder, options.leafType);
          const cid = cidOf(createHash('sha256').update(block).digest());
          await blockstore.put(cid, block);
          const result = resultOf(cid, block, event.remainder.byteLength);
          yield () => Promise.resolve(result);
        }
      }
    }
    try {
      let batch: Uint8Array[] = [];
      let batchBytes = 0;
      for await (const segment of file.content) {
        if (segment.byteLength === 0) continue;
        batch.push(segment);
        batchBytes += segment.byteLength;
        if (batchBytes >= BATCH_BYTES) {
          stream.push(batch, options.ownsInput === true);
          inFlight += batchBytes;
          batch = [];
          batchBytes = 0;
        }
        yield* ready();
        // The worker keeps at most one partial chunk, so above this bound leaves are always on their way.
        while (inFlight > Math.max(MAX_IN_FLIGHT_BYTES, 2 * options.chunkSize)) {
          await nextEvent();
          yield* ready();
        }
      }
      if (batch.length > 0) stream.push(batch, options.ownsInput === true);
      stream.end();
      while (!ended) {
        await nextEvent();
        yield* ready();
      }
    } finally {
      stream.abort();
    }
  };
}
