import type { FileHandle } from 'node:fs/promises';
import { mkdir, open, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { blockByteLength } from './blockByteLength';

/** Append-only block files: many blocks per file, written in batches, indexed in memory. */
export interface BlockPacks {
  /** Every stored block: its key and size. */
  entries(): IterableIterator<[key: string, size: number]>;
  has(key: string): boolean;
  get(key: string): Promise<Uint8Array | undefined>;
  /** The block's first `n` bytes (fewer when it is shorter) and its size. */
  head(key: string, n: number): Promise<{ head: Uint8Array; size: number } | undefined>;
  /**
   * Resolves once the block (its bytes, or its consecutive parts) is written to the OS (it then survives a
   * process kill).
   */
  put(key: string, bytes: Uint8Array | readonly Uint8Array[]): Promise<void>;
  /** Forgets the keys and reclaims their space by rewriting the packs that held them. */
  delete(keys: string[]): Promise<void>;
  close(): Promise<void>;
}

interface Location {
  pack: number;
  /** Offset of the block's bytes (after the record header). */
  offset: number;
  size: number;
}

interface Pending {
  key: string;
  keyBytes: Buffer;
  parts: readonly Uint8Array[];
  size: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** Record header: u32 LE data length, u8 key length, then the key (ASCII) and the data. */
const HEADER_FIXED = 5;
/** A new pack file is started past this size, so gc rewrites at most this much per touched pack. */
const PACK_ROLL_BYTES = 256 * 1024 * 1024;
/** Most bytes and blocks written by one `writev` (a batch of concurrent puts). */
const BATCH_BYTES = 32 * 1024 * 1024;
const BATCH_BLOCKS = 256;

const packName = (n: number) => `${String(n).padStart(8, '0')}.pack`;

/** Writes every buffer at `position`, continuing after partial writes. */
async function writeAll(handle: FileHandle, buffers: Uint8Array[], position: number): Promise<void> {
  let pending = buffers;
  let at = position;
  while (pending.length > 0) {
    const { bytesWritten } = await handle.writev(pending, at);
    at += bytesWritten;
    let skip = bytesWritten;
    const rest: Uint8Array[] = [];
    for (const b of pending) {
      if (skip >= b.byteLength) {
        skip -= b.byteLength;
        continue;
      }
      rest.push(skip > 0 ? b.subarray(skip) : b);
      skip = 0;
    }
    pending = rest;
  }
}

/**
 * Opens (or creates) a folder of pack files: blocks are appended to the current pack in batches (all the puts
 * that arrive while a write is under way go out in the next single `writev`), so storing a large file costs a
 * few large writes instead of a file creation and rename per block. A put resolves only after its batch is
 * written (and, with `fsync`, flushed to the disk: it then survives power loss too), so an acknowledged block
 * survives `kill -9`; a record cut off by a kill is dropped (truncated) at the next open.
 *
 * @example
 * ```ts
 * const packs = await openBlockPacks('.devnet/ipfs/packs');
 * await packs.put('CIQ...', bytes);
 * ```
 */
export async function openBlockPacks(dir: string, options: { fsync?: boolean } = {}): Promise<BlockPacks> {
  await mkdir(dir, { recursive: true });
  const index = new Map<string, Location>();
  const live = new Map<number, number>(); // pack -> live records
  const handles = new Map<number, FileHandle>();
  const numbers = (await readdir(dir))
    .filter((f) => /^\d{8}\.pack$/.test(f))
    .map((f) => Number(f.slice(0, 8)))
    .sort((a, b) => a - b);

  for (const pack of numbers) {
    const path = join(dir, packName(pack));
    const handle = await open(path, 'r+');
    const { size: fileSize } = await handle.stat();
    const header = Buffer.alloc(HEADER_FIXED + 255);
    let at = 0;
    while (at < fileSize) {
      const { bytesRead } = await handle.read(header, 0, header.length, at);
      if (bytesRead < HEADER_FIXED) break;
      const size = header.readUInt32LE(0);
      const keyLength = header[4] ?? 0;
      if (bytesRead < HEADER_FIXED + keyLength) break;
      const offset = at + HEADER_FIXED + keyLength;
      if (offset + size > fileSize) break;
      const key = header.toString('latin1', HEADER_FIXED, HEADER_FIXED + keyLength);
      const previous = index.get(key);
      if (previous) live.set(previous.pack, (live.get(previous.pack) ?? 1) - 1);
      index.set(key, { pack, offset, size });
      live.set(pack, (live.get(pack) ?? 0) + 1);
      at = offset + size;
    }
    // A record cut off by a kill: drop it, so the next append starts on a record boundary.
    if (at < fileSize) await handle.truncate(at);
    handles.set(pack, handle);
  }

  // Positioned writes (not O_APPEND, where Linux ignores the position): a failed batch is overwritten by the next.
  const create = (pack: number) => open(join(dir, packName(pack)), 'w+');
  let current = numbers.at(-1) ?? 0;
  if (!handles.has(current)) handles.set(current, await create(current));
  let currentSize = (await (handles.get(current) as FileHandle).stat()).size;
  let queue: Pending[] = [];
  let writing = false;

  /** Set by `delete` to move writes to a fresh pack; done by the writer itself, between two batches. */
  let rollRequested = false;
  let rolled: (() => void) | undefined;

  const drain = async () => {
    writing = true;
    while (queue.length > 0 || rollRequested) {
      if (currentSize >= PACK_ROLL_BYTES || rollRequested) {
        const next = current + 1;
        handles.set(next, await create(next));
        current = next;
        currentSize = 0;
        if (rollRequested) {
          rollRequested = false;
          rolled?.();
        }
      }
      if (queue.length === 0) continue;
      let bytes = 0;
      let count = 0;
      while (count < queue.length && count < BATCH_BLOCKS && bytes < BATCH_BYTES) {
        bytes += (queue[count] as Pending).size;
        count++;
      }
      const batch = queue.slice(0, count);
      queue = queue.slice(count);
      const buffers: Uint8Array[] = [];
      const locations: Location[] = [];
      let at = currentSize;
      for (const item of batch) {
        const header = Buffer.allocUnsafe(HEADER_FIXED);
        header.writeUInt32LE(item.size, 0);
        header[4] = item.keyBytes.byteLength;
        buffers.push(header, item.keyBytes, ...item.parts);
        const offset = at + HEADER_FIXED + item.keyBytes.byteLength;
        locations.push({ pack: current, offset, size: item.size });
        at = offset + item.size;
      }
      try {
        const handle = handles.get(current) as FileHandle;
        await writeAll(handle, buffers, currentSize);
        if (options.fsync) await handle.datasync();
      } catch (error) {
        for (const item of batch) item.reject(error);
        continue; // the next batch overwrites the failed range
      }
      currentSize = at;
      batch.forEach((item, i) => {
        const previous = index.get(item.key);
        if (previous) live.set(previous.pack, (live.get(previous.pack) ?? 1) - 1);
        index.set(item.key, locations[i] as Location);
        live.set(current, (live.get(current) ?? 0) + 1);
        item.resolve();
      });
    }
    writing = false;
  };

  const put = (key: string, bytes: Uint8Array | readonly Uint8Array[]): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      const parts = bytes instanceof Uint8Array ? [bytes] : bytes;
      queue.push({
        key,
        keyBytes: Buffer.from(key, 'latin1'),
        parts,
        size: blockByteLength(bytes),
        resolve,
        reject,
      });
      if (!writing) void drain();
    });

  /** The block's first `length` bytes (all of it by default). */
  const read = async (location: Location, length = location.size): Promise<Uint8Array> => {
    const handle = handles.get(location.pack);
    if (!handle) throw new Error(`pack ${location.pack} is not open`);
    const bytes = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const { bytesRead } = await handle.read(bytes, done, length - done, location.offset + done);
      if (bytesRead === 0) throw new Error(`pack ${location.pack} ends inside a block`);
      done += bytesRead;
    }
    return bytes;
  };

  /** Reads at the block's current location, again at its new one if a gc moved it meanwhile. */
  const readMoving = async <T>(
    key: string,
    fn: (location: Location) => Promise<T>,
  ): Promise<T | undefined> => {
    for (;;) {
      const location = index.get(key);
      if (location === undefined) return undefined;
      try {
        return await fn(location);
      } catch (error) {
        if (index.get(key) === location) throw error;
      }
    }
  };

  return {
    entries: function* () {
      for (const [key, location] of index) yield [key, location.size];
    },
    has: (key) => index.has(key),
    get: (key) => readMoving(key, (location) => read(location)),
    head: (key, n) =>
      readMoving(key, async (location) => ({
        head: await read(location, Math.min(n, location.size)),
        size: location.size,
      })),
    put,
    delete: async (keys) => {
      const touched = new Set<number>();
      for (const key of keys) {
        const location = index.get(key);
        if (!location) continue;
        index.delete(key);
        live.set(location.pack, (live.get(location.pack) ?? 1) - 1);
        touched.add(location.pack);
      }
      if (touched.has(current)) {
        // Rewrite the current pack too: the writer moves on to a fresh one first.
        await new Promise<void>((resolve) => {
          rolled = resolve;
          rollRequested = true;
          if (!writing) void drain();
        });
        rolled = undefined;
      }
      for (const pack of touched) {
        // Copy the pack's surviving blocks forward, then delete it: a kill in between leaves a duplicate
        // (harmless) or, at worst, brings back blocks that were being collected.
        const survivors = [...index].filter(([, location]) => location.pack === pack);
        let copying: Promise<void>[] = [];
        let copyingBytes = 0;
        for (const [key, location] of survivors) {
          copying.push(put(key, await read(location)));
          copyingBytes += location.size;
          if (copyingBytes >= BATCH_BYTES) {
            await Promise.all(copying);
            copying = [];
            copyingBytes = 0;
          }
        }
        await Promise.all(copying);
        await handles.get(pack)?.close();
        handles.delete(pack);
        live.delete(pack);
        await rm(join(dir, packName(pack)), { force: true });
      }
    },
    close: async () => {
      while (writing) await new Promise((resolve) => setImmediate(resolve));
      for (const handle of handles.values()) await handle.close();
      handles.clear();
    },
  };
}
