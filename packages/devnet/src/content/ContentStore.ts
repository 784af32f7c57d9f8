import type { CID } from 'multiformats/cid';

/** How a CID is pinned, in Kubo's vocabulary. */
export type PinType = 'recursive' | 'direct' | 'indirect';

/** One pin as listed by {@link ContentStore.pins}. */
export interface PinEntry {
  /** The pinned CID, exactly as it was pinned (CIDv0 stays CIDv0). */
  cid: CID;
  type: PinType;
}

/** Block count and bytes, as `repo/stat` reports them. */
export interface ContentStoreStat {
  /** Number of blocks stored. */
  numObjects: number;
  /** Sum of the stored block sizes, in bytes. */
  repoSize: number;
}

/** How {@link ContentStore.importLeaves} cuts a file into leaf blocks. */
export interface LeafImportOptions {
  /** Bytes of file data per leaf (the chunker's size; the last leaf may be shorter). */
  chunkSize: number;
  /** Bytes before each full chunk in its block (the UnixFS leaf header); empty for raw leaves. */
  header: Uint8Array;
  /** Bytes after each full chunk in its block (the UnixFS filesize field); empty for raw leaves. */
  trailer: Uint8Array;
  /** Store the full leaves (false: only hash them, as `add --only-hash` does). */
  store: boolean;
}

/**
 * What a leaf import reports, in order. `hashed`: the SHA-256 digests (32 bytes each) of the full leaves
 * completed since the last event, each already stored when `store` is set, and how many pushed bytes this
 * event accounts for. `end`: the file's bytes after its last full leaf (shorter than a chunk, possibly empty),
 * which the caller frames, hashes and stores itself.
 */
export type LeafImportEvent =
  | { type: 'hashed'; digests: Uint8Array; consumed: number }
  | { type: 'end'; remainder: Uint8Array }
  | { type: 'error'; message: string };

/** One file's leaves being cut, hashed and stored where the store keeps its bytes. */
export interface LeafImport {
  /**
   * Hands over the file's next bytes. With `owned`, a piece that ends its buffer moves that buffer to the
   * store (no copy) and the caller must not use it again; other pieces are copied.
   */
  push(segments: readonly Uint8Array[], owned: boolean): void;
  /** No more bytes: the import reports `end`. */
  end(): void;
  /** Drops the file (leaves already stored stay, unpinned). Idempotent. */
  abort(): void;
  /** Called for every event of this file, in order. */
  onEvent: ((event: LeafImportEvent) => void) | undefined;
}

/**
 * A content-addressed block store with pins and garbage collection, keyed by multihash as Kubo's is (a CIDv0
 * and a CIDv1 of the same bytes name one block). The devnet's Kubo RPC server is built on it; other devnet
 * parts (the inference server) read content by CID through it in-process.
 */
export interface ContentStore {
  /** Whether blocks survive a restart (a `dataDir` was given). */
  readonly persistent: boolean;
  /** Where blocks live: the data directory, or `memory`. */
  readonly location: string;
  /** Whether the block named by `cid` (its multihash) is stored. */
  has(cid: CID): Promise<boolean>;
  /** The block's bytes; throws `AidocError` `NOT_FOUND` when absent. */
  get(cid: CID): Promise<Uint8Array>;
  /**
   * Hands back the bytes of a block that {@link get} returned, once nothing uses them (nor any view of their
   * buffer) any more: the store reuses the buffer for later reads, and the bytes become unusable. Bytes from
   * anywhere else are ignored. Optional for callers; a long `cat` uses it so reads take no fresh memory.
   */
  recycle(bytes: Uint8Array): void;
  /**
   * Stores a block under its multihash: its bytes, or its consecutive parts (written out as they are on disk,
   * joined in memory). The caller vouches that the bytes hash to `cid` and does not change them afterwards.
   * Idempotent.
   */
  put(cid: CID, bytes: Uint8Array | readonly Uint8Array[]): Promise<void>;
  /**
   * Starts importing one file's fixed-size leaves: the bytes pushed are cut into `chunkSize` chunks, each framed
   * as `header | chunk | trailer`, hashed and stored under its multihash where the store keeps its bytes, so a
   * large file's bytes are never copied back to the caller. Adds use it; the leaves are unpinned until the add
   * pins its root.
   */
  importLeaves(options: LeafImportOptions): LeafImport;
  /** Every stored block, as a CIDv1 `raw` CID of its multihash (what Kubo's `repo gc` reports). */
  blocks(): AsyncIterable<CID>;
  /**
   * Pins `cid`. Recursive pins require the whole DAG to be present (throws `NOT_FOUND` otherwise) and
   * replace a direct pin; a direct pin of a recursively pinned CID throws `INVALID_PARAMS`.
   */
  pin(cid: CID, options?: { recursive?: boolean }): Promise<void>;
  /** Removes a pin; throws `NOT_FOUND` when `cid` is not pinned (directly or recursively). */
  unpin(cid: CID, options?: { recursive?: boolean }): Promise<void>;
  /** Lists pins; `indirect` entries are the blocks reachable from recursive pins. */
  pins(options?: { type?: PinType | 'all' }): AsyncIterable<PinEntry>;
  /** The pin type of `cid`, or `undefined` when it is not pinned at all. */
  pinTypeOf(cid: CID): Promise<PinType | undefined>;
  /** Deletes every block not reachable from a pin and yields each removed block's CID. */
  gc(): AsyncIterable<CID>;
  /** Block count and total size. */
  stat(): Promise<ContentStoreStat>;
  /**
   * Runs `fn` while garbage collection is held off (adds that pin at the end use this, so a concurrent
   * `gc` never removes blocks of an add in progress).
   */
  withGcHeld<T>(fn: () => Promise<T>): Promise<T>;
  /** Closes the store (flushes and releases the LevelDB lock). Idempotent. */
  close(): Promise<void>;
}
