import { createHash } from 'node:crypto';
import { AidocError } from '@aidoc/sdk/errors';
import * as dagPb from '@ipld/dag-pb';
import { UnixFS } from 'ipfs-unixfs';
import type { BufferImporter, BufferImporterResult } from 'ipfs-unixfs-importer';
import { varint } from 'multiformats';
import { CID } from 'multiformats/cid';
import * as Digest from 'multiformats/hashes/digest';
import { RAW_CODE } from './blockLinks';
import type { ContentStore, LeafImportEvent } from './ContentStore';

const SHA2_256 = 0x12;
const EMPTY = new Uint8Array(0);
/** UnixFS `Data.DataType` values (unixfs.proto). */
const UNIXFS_TYPE = { raw: 0, file: 2 } as const;

const varintLength = varint.encodingLength;

/** Writes `n` as a varint at `at`; returns the offset after it. */
function writeVarint(target: Uint8Array, at: number, n: number): number {
  varint.encodeTo(n, target, at);
  return at + varint.encodingLength(n);
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

/** Bytes handed to the block thread per message. */
const BATCH_BYTES = 4 * 1024 * 1024;
/** Bytes handed to the block thread and not yet reported before reading waits (memory stays flat). */
const MAX_IN_FLIGHT_BYTES = 16 * 1024 * 1024;

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

/** Options of {@link kuboBufferImporter}: Kubo's leaf settings and where the leaves go. */
export interface KuboBufferImporterOptions {
  cidVersion: 0 | 1;
  rawLeaves: boolean;
  leafType: 'file' | 'raw';
  chunkSize: number;
  /** Where full leaves are cut, hashed and stored (a content store's `importLeaves`). */
  importLeaves: ContentStore['importLeaves'];
  /** Store the full leaves (false for `only-hash`). */
  store: boolean;
  /** The input's buffers belong to the import (a request body): move them instead of copying. */
  ownsInput?: boolean;
}

/**
 * The importer's leaf step, reproducing `ipfs-unixfs-importer`'s default buffer importer with Kubo's
 * fixed-size chunking (same blocks, same CIDs), with the per-byte work where the store keeps its bytes: the
 * file's bytes (as they arrive, see {@link passThroughChunker}) go to `importLeaves` (the store's
 * {@link ContentStore.importLeaves}), which cuts, hashes and stores each full leaf and reports its digest. This
 * thread makes the CIDs; only the short last leaf is framed, hashed and put here. Leaves report their size
 * through `blockSizes` instead of keeping the chunk, so a layout level of 174 leaves holds no file data.
 *
 * @example
 * ```ts
 * importer(source, blockstore, { chunker: passThroughChunker(), bufferImporter: kuboBufferImporter({ cidVersion: 0, rawLeaves: false, leafType: 'file', chunkSize: 262_144, importLeaves: store.importLeaves, store: true }) });
 * ```
 */
export function kuboBufferImporter(options: KuboBufferImporterOptions): BufferImporter {
  const frame = options.rawLeaves
    ? { header: new Uint8Array(0), trailer: new Uint8Array(0) }
    : leafFrame(options.chunkSize, options.leafType);
  const config: LeafConfig = {
    ...options,
    frame,
    fullLeafSize: frame.header.byteLength + options.chunkSize + frame.trailer.byteLength,
  };
  return (file, blockstore) => importFileLeaves(config, file, blockstore);
}

/** What {@link kuboBufferImporter} was asked for, with the leaf frame worked out. */
interface LeafConfig extends KuboBufferImporterOptions {
  frame: { header: Uint8Array; trailer: Uint8Array };
  fullLeafSize: number;
}

function leafCid(config: LeafConfig, digest: Uint8Array): CID {
  const multihash = Digest.create(SHA2_256, digest);
  return config.rawLeaves
    ? CID.createV1(RAW_CODE, multihash)
    : CID.create(config.cidVersion, dagPb.code, multihash);
}

function leafResult(
  config: LeafConfig,
  cid: CID,
  block: Uint8Array,
  size: number,
  chunkLength: number,
): BufferImporterResult {
  return {
    cid,
    size: BigInt(size),
    block,
    ...(config.rawLeaves
      ? {}
      : {
          unixfs: new UnixFS({
            type: config.leafType,
            ...(chunkLength > 0 ? { blockSizes: [BigInt(chunkLength)] } : {}),
          }),
        }),
  };
}

/** One file's import: the store's reports not yet turned into leaves, and the counts that pace reading. */
class LeafImportRun {
  readonly events: LeafImportEvent[] = [];
  #wake: (() => void) | undefined;
  /** Bytes handed to the store and not yet reported. */
  inFlight = 0;
  emitted = 0;
  /** Set once the file's last leaf is reported. */
  ended = false;

  constructor(
    readonly config: LeafConfig,
    readonly blockstore: Parameters<BufferImporter>[1],
  ) {}

  onEvent(event: LeafImportEvent): void {
    this.events.push(event);
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  nextEvent(): Promise<void> {
    return this.events.length > 0
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          this.#wake = resolve;
        });
  }
}

/**
 * The leaves the store has reported so far, in order; sets `run.ended` once the file's last leaf is reported.
 * Module-level generators (not closures per file, see readMultipartEntries) keep V8's optimized code valid
 * from one add to the next.
 */
async function* readyLeaves(run: LeafImportRun): AsyncGenerator<() => Promise<BufferImporterResult>> {
  const { config, events } = run;
  while (events.length > 0) {
    const event = events.shift() as LeafImportEvent;
    if (event.type === 'error')
      throw new AidocError('INTERNAL', `Importing a file failed: ${event.message}.`);
    if (event.type === 'hashed') {
      run.inFlight -= event.consumed;
      for (let at = 0; at < event.digests.byteLength; at += 32) {
        // The block stays with the store: the importer needs a leaf's bytes only to add mtime or mode to a
        // one-leaf file, which `add` never asks for.
        const cid = leafCid(config, event.digests.subarray(at, at + 32));
        const result = leafResult(config, cid, EMPTY, config.fullLeafSize, config.chunkSize);
        run.emitted++;
        yield () => Promise.resolve(result);
      }
      continue;
    }
    run.ended = true;
    // The short last leaf (and an empty file's one empty leaf) is framed and hashed here: one per file.
    if (event.remainder.byteLength > 0 || run.emitted === 0) {
      const block = config.rawLeaves ? event.remainder : encodeUnixfsLeaf(event.remainder, config.leafType);
      const cid = leafCid(config, createHash('sha256').update(block).digest());
      await run.blockstore.put(cid, block);
      const result = leafResult(config, cid, block, block.byteLength, event.remainder.byteLength);
      yield () => Promise.resolve(result);
    }
  }
}

async function* importFileLeaves(
  config: LeafConfig,
  file: Parameters<BufferImporter>[0],
  blockstore: Parameters<BufferImporter>[1],
): AsyncGenerator<() => Promise<BufferImporterResult>> {
  const run = new LeafImportRun(config, blockstore);
  const stream = config.importLeaves({ chunkSize: config.chunkSize, ...config.frame, store: config.store });
  stream.onEvent = (event) => run.onEvent(event);
  const owned = config.ownsInput === true;
  const inFlightLimit = Math.max(MAX_IN_FLIGHT_BYTES, 2 * config.chunkSize);
  try {
    let batch: Uint8Array[] = [];
    let batchBytes = 0;
    for await (const segment of file.content) {
      if (segment.byteLength === 0) continue;
      batch.push(segment);
      batchBytes += segment.byteLength;
      if (batchBytes >= BATCH_BYTES) {
        stream.push(batch, owned);
        run.inFlight += batchBytes;
        batch = [];
        batchBytes = 0;
      }
      if (run.events.length > 0) yield* readyLeaves(run);
      // The store keeps less than one chunk back, so above this bound a report with leaves is on its way.
      while (run.inFlight > inFlightLimit) {
        await run.nextEvent();
        yield* readyLeaves(run);
      }
    }
    if (batch.length > 0) {
      stream.push(batch, owned);
      run.inFlight += batchBytes;
    }
    stream.end();
    while (!run.ended) {
      await run.nextEvent();
      yield* readyLeaves(run);
    }
  } finally {
    stream.abort();
  }
}
