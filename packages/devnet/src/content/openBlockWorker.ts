import { Worker } from 'node:worker_threads';
import { AidocError } from '@aidoc/sdk/errors';
import { base32 } from 'multiformats/bases/base32';
import * as Digest from 'multiformats/hashes/digest';
import { blockByteLength } from './blockByteLength';
import type { LeafImport, LeafImportEvent, LeafImportOptions } from './ContentStore';

/** Where the block thread keeps bytes: in its memory, or in pack files under `dataDir`. */
export interface BlockWorkerOptions {
  /** Folder of pack files; omitted: blocks stay in the thread's memory. */
  dataDir?: string | undefined;
  /** With `dataDir`: flush each batch of blocks to the disk before acknowledging it. */
  fsync?: boolean | undefined;
}

/**
 * Blocks kept on a thread of their own, by Kubo datastore key. This thread holds only each block's size, so
 * listing, existence checks and `repo/stat` need no message.
 */
export interface BlockWorker {
  /** Size of every stored block, by key (updated as the thread acknowledges writes and deletes). */
  readonly sizes: ReadonlyMap<string, number>;
  /** Sum of {@link sizes}. */
  readonly totalBytes: number;
  /** Whether the block is a dag-pb file leaf this session stored through {@link importLeaves} (no links). */
  isLeaf(key: string): boolean;
  /** A copy of the block's bytes, or undefined when it is not stored. */
  get(key: string): Promise<Uint8Array | undefined>;
  /**
   * Moves the buffer of bytes that {@link get} returned back to the thread, which reads later blocks into it:
   * reads then take no fresh memory, and this isolate's external memory does not grow by every block read
   * (which set off full collections of the devnet heap during a long `cat`). Other bytes are ignored.
   */
  recycle(bytes: Uint8Array): void;
  /** The block's first `n` bytes (fewer when it is shorter) and its size. */
  head(key: string, n: number): Promise<{ head: Uint8Array; size: number } | undefined>;
  /** Stores a copy of the block (its bytes or consecutive parts); resolves once written. Idempotent. */
  put(key: string, bytes: Uint8Array | readonly Uint8Array[]): Promise<void>;
  /** Forgets the keys (on disk: rewrites the packs that held them). */
  delete(keys: readonly string[]): Promise<void>;
  /** Starts cutting, hashing and storing one file's fixed-size leaves on the thread. */
  importLeaves(options: LeafImportOptions): LeafImport;
  /** Finishes pending writes, closes the packs and stops the thread. Idempotent. */
  close(): Promise<void>;
}

/** Kubo's datastore key for a SHA-256 digest: the multihash in upper-case unpadded RFC 4648 base32. */
function keyOfDigest(digest: Uint8Array): string {
  return base32.baseEncode(Digest.create(0x12, digest).bytes).toUpperCase();
}

/** A standalone copy of the bytes (never a view of a pooled buffer), so it can move to the thread. */
function ownedCopy(bytes: Uint8Array | readonly Uint8Array[]): Uint8Array {
  if (bytes instanceof Uint8Array) return new Uint8Array(bytes);
  const out = new Uint8Array(blockByteLength(bytes));
  let at = 0;
  for (const part of bytes) {
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
}

interface Reply {
  id: number;
  ok: boolean;
  value?: unknown;
  message?: string;
}

type StreamMessage =
  | { stream: number; type: 'hashed'; digests: Uint8Array; consumed: number }
  | { stream: number; type: 'end'; remainder: Uint8Array }
  | { stream: number; type: 'error'; message: string };

/**
 * Starts the content store's block thread (`blockWorker.cjs`): block bytes live there, in memory or in
 * append-only pack files, and reach this thread only when read. File leaves are cut, hashed and stored there
 * from the request bytes handed to {@link BlockWorker.importLeaves}, so a large upload neither copies its
 * bytes back nor grows this isolate's heap.
 *
 * @example
 * ```ts
 * const blocks = await openBlockWorker({ dataDir: '.devnet/ipfs/packs' });
 * await blocks.put('CIQ…', bytes);
 * await blocks.close();
 * ```
 */
export async function openBlockWorker(options: BlockWorkerOptions = {}): Promise<BlockWorker> {
  const worker = new Worker(new URL('./blockWorker.cjs', import.meta.url), {
    name: 'aidoc-blocks',
    workerData: { dataDir: options.dataDir, fsync: options.fsync === true },
  });
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: unknown) => void }>();
  const streams = new Map<number, { onMessage: (m: StreamMessage) => void }>();
  let nextId = 0;
  let stopped: AidocError | undefined;
  /** Referenced only while something waits on the thread, so an idle store never holds the process open. */
  const updateRef = () => (pending.size + streams.size > 0 ? worker.ref() : worker.unref());

  const fail = (error: AidocError) => {
    stopped ??= error;
    for (const [id, waiter] of pending) {
      pending.delete(id);
      waiter.reject(stopped);
    }
    for (const [id, stream] of streams) {
      streams.delete(id);
      stream.onMessage({ stream: id, type: 'error', message: stopped.shortMessage });
    }
  };
  worker.on('message', (m: Reply | StreamMessage) => {
    if ('stream' in m) {
      const stream = streams.get(m.stream);
      if (m.type !== 'hashed') streams.delete(m.stream);
      updateRef();
      stream?.onMessage(m);
      return;
    }
    const waiter = pending.get(m.id);
    if (!waiter) return;
    pending.delete(m.id);
    updateRef();
    if (m.ok) waiter.resolve(m.value);
    else
      waiter.reject(
        new AidocError(
          'INTERNAL',
          `The content store's block thread failed: ${m.message ?? 'unknown error'}.`,
        ),
      );
  });
  worker.on('error', (cause) =>
    fail(new AidocError('INTERNAL', "The content store's block thread failed.", { cause })),
  );
  worker.on('exit', (code) =>
    fail(new AidocError('INTERNAL', `The content store's block thread stopped (exit code ${code}).`)),
  );

  const request = <T>(op: string, payload: Record<string, unknown> = {}, transfer: ArrayBuffer[] = []) =>
    new Promise<T>((resolve, reject) => {
      if (stopped) {
        reject(stopped);
        return;
      }
      const id = nextId++;
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      updateRef();
      worker.postMessage({ id, op, ...payload }, transfer);
    });

  const sizes = new Map<string, number>();
  const leaves = new Set<string>();
  /** Buffers of blocks `get` handed out, which `recycle` may move back. */
  const lent = new WeakSet<ArrayBuffer>();
  let totalBytes = 0;
  const noteStored = (key: string, size: number) => {
    if (sizes.has(key)) return;
    sizes.set(key, size);
    totalBytes += size;
  };

  let initial: Array<[string, number]>;
  try {
    initial = await request<Array<[string, number]>>('open');
  } catch (cause) {
    await worker.terminate();
    throw AidocError.is(cause, 'INTERNAL')
      ? cause
      : new AidocError('DATA_DIR', 'Cannot open the content block store.', { cause });
  }
  for (const [key, size] of initial) noteStored(key, size);

  let closing: Promise<void> | undefined;
  return {
    sizes,
    get totalBytes() {
      return totalBytes;
    },
    isLeaf: (key) => leaves.has(key),
    get: async (key) => {
      if (!sizes.has(key)) return undefined;
      const bytes = await request<Uint8Array | undefined>('get', { key });
      if (bytes) lent.add(bytes.buffer as ArrayBuffer);
      return bytes;
    },
    recycle: (bytes) => {
      const buffer = bytes.buffer as ArrayBuffer;
      if (!lent.delete(buffer) || stopped) return;
      worker.postMessage({ op: 'recycle', buffer }, [buffer]);
    },
    head: (key, n) =>
      sizes.has(key)
        ? request<{ head: Uint8Array; size: number } | undefined>('head', { key, n })
        : Promise.resolve(undefined),
    put: async (key, bytes) => {
      if (sizes.has(key)) return;
      const copy = ownedCopy(bytes);
      const size = copy.byteLength; // read before the buffer moves
      await request('put', { key, parts: [copy] }, [copy.buffer as ArrayBuffer]);
      noteStored(key, size);
    },
    delete: async (keys) => {
      await request('delete', { keys });
      for (const key of keys) {
        const size = sizes.get(key);
        if (size === undefined) continue;
        sizes.delete(key);
        leaves.delete(key);
        totalBytes -= size;
      }
    },
    importLeaves(leafOptions) {
      const stream = nextId++;
      const leafSize = leafOptions.header.byteLength + leafOptions.chunkSize + leafOptions.trailer.byteLength;
      const dagPbLeaves = leafOptions.header.byteLength > 0;
      const handle: LeafImport = {
        onEvent: undefined,
        push(segments, owned) {
          if (!streams.has(stream)) return;
          const transfer: ArrayBuffer[] = [];
          const list = segments.map((s) => {
            // Moved only when this piece ends its buffer (no later piece can come from it) and the buffer is
            // not one of Node's small pooled ones, which must never move. Anything else is copied.
            const movable =
              owned &&
              s.buffer instanceof ArrayBuffer &&
              s.buffer.byteLength > Buffer.poolSize &&
              s.byteOffset + s.byteLength === s.buffer.byteLength &&
              !transfer.includes(s.buffer);
            const piece = movable ? s : new Uint8Array(s);
            transfer.push(piece.buffer as ArrayBuffer);
            return piece;
          });
          worker.postMessage({ stream, op: 'leaves-data', segments: list }, transfer);
        },
        end() {
          if (streams.has(stream)) worker.postMessage({ stream, op: 'leaves-end' });
        },
        abort() {
          if (!streams.delete(stream)) return;
          updateRef();
          worker.postMessage({ stream, op: 'leaves-abort' });
        },
      };
      const deliver = (event: LeafImportEvent) => handle.onEvent?.(event);
      if (stopped) {
        queueMicrotask(() => deliver({ type: 'error', message: (stopped as AidocError).shortMessage }));
        return handle;
      }
      streams.set(stream, {
        onMessage: (m) => {
          if (m.type === 'hashed') {
            if (leafOptions.store) {
              for (let at = 0; at < m.digests.byteLength; at += 32) {
                const key = keyOfDigest(m.digests.subarray(at, at + 32));
                noteStored(key, leafSize);
                if (dagPbLeaves) leaves.add(key);
              }
            }
            deliver({ type: 'hashed', digests: m.digests, consumed: m.consumed });
          } else if (m.type === 'end') deliver({ type: 'end', remainder: m.remainder });
          else deliver({ type: 'error', message: m.message });
        },
      });
      updateRef();
      worker.postMessage({
        stream,
        op: 'leaves-open',
        chunkSize: leafOptions.chunkSize,
        header: leafOptions.header,
        trailer: leafOptions.trailer,
        store: leafOptions.store,
      });
      return handle;
    },
    close: () => {
      closing ??= (async () => {
        if (!stopped) await request('close').catch(() => undefined);
        fail(new AidocError('INTERNAL', 'The content store is closed.'));
        await worker.terminate();
      })();
      return closing;
    },
  };
}
