// @ts-check
'use strict';
/**
 * The content store's block thread (started by `openBlockWorker.ts`). Block bytes live here and never on the
 * devnet's main thread: a 100 MiB upload would otherwise hand the main isolate 100 MiB of new ArrayBuffers,
 * and V8 answers external memory growth with full mark-compacts of the devnet's whole heap.
 *
 * - In memory (no `dataDir`): each block is kept as the parts it arrived in (file leaves stay views of the
 *   request buffers they were cut from; nothing is copied on the way in) and joined on read.
 * - On disk: append-only pack files. A record is a u32 LE data length, a u8 key length, the key (ASCII), then
 *   the data. Puts that arrive while a write is under way go out together in the next `writev`; a put is
 *   acknowledged once its batch is written (and, with `fsync`, flushed), so an acknowledged block survives
 *   `kill -9`. A record cut off by a kill is truncated away at the next open. A new pack is started past
 *   256 MiB, and deleting rewrites the packs that held the deleted blocks.
 * - File leaves (`leaves-*` messages): the bytes of one file are cut into fixed-size chunks, each hashed as
 *   header | chunk | trailer where the bytes lie, stored under its multihash key, and reported as digests.
 *
 * Plain CommonJS with only Node built-ins, so the same file runs from source (tsx, vitest) and from `dist`.
 */
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { mkdir, open, readdir, rm } = require('node:fs/promises');
const { join } = require('node:path');

/** @typedef {{ pack: number, offset: number, size: number }} Location */
/**
 * @typedef {object} Storage
 * @property {(key: string) => Promise<Uint8Array | undefined>} get
 * @property {(key: string, n: number) => Promise<{ head: Uint8Array, size: number } | undefined>} head
 * @property {(key: string, parts: Uint8Array[]) => Promise<void>} put
 * @property {(keys: string[]) => Promise<void>} delete
 * @property {() => Array<[string, number]>} entries
 * @property {() => Promise<void>} close
 */

if (!parentPort) throw new Error('blockWorker.cjs runs as a worker thread');
const port = parentPort;

// ---------------------------------------------------------------------------------------------- keys
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
/** SHA2-256 multihash prefix: code 0x12, length 32. */
const SHA256_MULTIHASH = Uint8Array.of(0x12, 0x20);

/**
 * Kubo's datastore key of a SHA-256 block: its multihash in upper-case unpadded RFC 4648 base32.
 * @param {Uint8Array} digest
 */
function keyOfDigest(digest) {
  const bytes = new Uint8Array(34);
  bytes.set(SHA256_MULTIHASH, 0);
  bytes.set(digest, 2);
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(buffer << (5 - bits)) & 31];
  return out;
}

/** @param {unknown} error */
const messageOf = (error) => (error instanceof Error ? error.message : String(error));

/** @param {readonly Uint8Array[]} parts */
function byteLength(parts) {
  let n = 0;
  for (const p of parts) n += p.byteLength;
  return n;
}

/**
 * Buffers the main thread moved back after reading them (`recycle`), reused by the next reads: a long `cat`
 * then takes no fresh memory here and gives the main isolate no new external memory per block.
 * @type {ArrayBuffer[]}
 */
const readPool = [];
const READ_POOL_MAX = 64;

/**
 * A buffer of `n` bytes for a block that goes to the main thread: a recycled one that fits without wasting
 * more than half of it, or a new one.
 * @param {number} n
 */
function readBuffer(n) {
  for (let i = readPool.length - 1; i >= 0; i--) {
    const buffer = /** @type {ArrayBuffer} */ (readPool[i]);
    if (buffer.byteLength >= n && buffer.byteLength <= 2 * n) {
      readPool[i] = /** @type {ArrayBuffer} */ (readPool[readPool.length - 1]);
      readPool.pop();
      return new Uint8Array(buffer, 0, n);
    }
  }
  return new Uint8Array(n);
}

/**
 * One buffer with the parts' bytes, laid out to be moved to another thread.
 * @param {readonly Uint8Array[]} parts
 * @param {(n: number) => Uint8Array} [allocate]
 */
function joined(parts, allocate = (n) => new Uint8Array(n)) {
  const out = allocate(byteLength(parts));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------- memory
/** @returns {Storage} */
function memoryStorage() {
  /** @type {Map<string, Uint8Array[]>} */
  const blocks = new Map();
  return {
    get: async (key) => {
      const parts = blocks.get(key);
      return parts === undefined ? undefined : joined(parts, readBuffer);
    },
    head: async (key, n) => {
      const parts = blocks.get(key);
      if (parts === undefined) return undefined;
      const size = byteLength(parts);
      const head = new Uint8Array(Math.min(n, size));
      let at = 0;
      for (const p of parts) {
        if (at >= head.length) break;
        const take = Math.min(p.byteLength, head.length - at);
        head.set(p.subarray(0, take), at);
        at += take;
      }
      return { head, size };
    },
    put: async (key, parts) => {
      if (!blocks.has(key)) blocks.set(key, parts);
    },
    delete: async (keys) => {
      for (const key of keys) blocks.delete(key);
    },
    entries: () => [...blocks].map(([key, parts]) => [key, byteLength(parts)]),
    close: async () => {
      blocks.clear();
    },
  };
}

// ---------------------------------------------------------------------------------------------- packs
/** Record header: u32 LE data length, u8 key length, then the key (ASCII) and the data. */
const HEADER_FIXED = 5;
/** A new pack file is started past this size, so gc rewrites at most this much per touched pack. */
const PACK_ROLL_BYTES = 256 * 1024 * 1024;
/** Most bytes and blocks written by one `writev` (a batch of concurrent puts). */
const BATCH_BYTES = 32 * 1024 * 1024;
const BATCH_BLOCKS = 256;

/** @param {number} n */
const packName = (n) => `${String(n).padStart(8, '0')}.pack`;

/**
 * Writes every buffer at `position`, continuing after partial writes.
 * @param {import('node:fs/promises').FileHandle} handle
 * @param {Uint8Array[]} buffers
 * @param {number} position
 */
async function writeAll(handle, buffers, position) {
  let pending = buffers;
  let at = position;
  while (pending.length > 0) {
    const { bytesWritten } = await handle.writev(pending, at);
    at += bytesWritten;
    let skip = bytesWritten;
    /** @type {Uint8Array[]} */
    const rest = [];
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
 * @param {string} dir
 * @param {boolean} fsync
 * @returns {Promise<Storage>}
 */
async function packStorage(dir, fsync) {
  await mkdir(dir, { recursive: true });
  /** @type {Map<string, Location>} */
  const index = new Map();
  /** @type {Map<number, import('node:fs/promises').FileHandle>} */
  const handles = new Map();
  const numbers = (await readdir(dir))
    .filter((f) => /^\d{8}\.pack$/.test(f))
    .map((f) => Number(f.slice(0, 8)))
    .sort((a, b) => a - b);

  for (const pack of numbers) {
    const handle = await open(join(dir, packName(pack)), 'r+');
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
      index.set(header.toString('latin1', HEADER_FIXED, HEADER_FIXED + keyLength), { pack, offset, size });
      at = offset + size;
    }
    // A record cut off by a kill: drop it, so the next append starts on a record boundary.
    if (at < fileSize) await handle.truncate(at);
    handles.set(pack, handle);
  }

  // Positioned writes (not O_APPEND, where Linux ignores the position): a failed batch is overwritten by the next.
  /** @param {number} pack */
  const create = (pack) => open(join(dir, packName(pack)), 'w+');
  let current = numbers.at(-1) ?? 0;
  if (!handles.has(current)) handles.set(current, await create(current));
  let currentSize = (await /** @type {import('node:fs/promises').FileHandle} */ (handles.get(current)).stat())
    .size;
  /** @type {Array<{ key: string, parts: Uint8Array[], size: number, resolve: () => void, reject: (e: unknown) => void }>} */
  let queue = [];
  /** @type {Promise<void> | undefined} */
  let writing;
  /** Set by `delete` to move writes to a fresh pack before it rewrites the current one. */
  let rollRequested = false;

  const drain = async () => {
    while (queue.length > 0 || rollRequested) {
      if (currentSize >= PACK_ROLL_BYTES || rollRequested) {
        rollRequested = false;
        current += 1;
        handles.set(current, await create(current));
        currentSize = 0;
      }
      if (queue.length === 0) continue;
      let bytes = 0;
      let count = 0;
      while (count < queue.length && count < BATCH_BLOCKS && bytes < BATCH_BYTES) {
        bytes += /** @type {{ size: number }} */ (queue[count]).size;
        count++;
      }
      const batch = queue.slice(0, count);
      queue = queue.slice(count);
      /** @type {Uint8Array[]} */
      const buffers = [];
      /** @type {Location[]} */
      const locations = [];
      let at = currentSize;
      for (const item of batch) {
        const header = Buffer.allocUnsafe(HEADER_FIXED + item.key.length);
        header.writeUInt32LE(item.size, 0);
        header[4] = item.key.length;
        header.write(item.key, HEADER_FIXED, 'latin1');
        buffers.push(header, ...item.parts);
        const offset = at + header.length;
        locations.push({ pack: current, offset, size: item.size });
        at = offset + item.size;
      }
      try {
        const handle = /** @type {import('node:fs/promises').FileHandle} */ (handles.get(current));
        await writeAll(handle, buffers, currentSize);
        if (fsync) await handle.datasync();
      } catch (error) {
        for (const item of batch) item.reject(error);
        continue; // the next batch overwrites the failed range
      }
      currentSize = at;
      batch.forEach((item, i) => {
        index.set(item.key, /** @type {Location} */ (locations[i]));
        item.resolve();
      });
    }
  };
  const kick = () => {
    writing ??= drain().finally(() => {
      writing = undefined;
    });
    return writing;
  };

  /**
   * The block's first `length` bytes (all of it by default).
   * @param {Location} location
   * @param {number} [length]
   */
  const read = async (location, length = location.size) => {
    const handle = handles.get(location.pack);
    if (!handle) throw new Error(`pack ${location.pack} is not open`);
    // Allocated outside V8's pool (or recycled), so the buffer moves to the main thread whole.
    const bytes = length === location.size ? readBuffer(length) : new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const { bytesRead } = await handle.read(bytes, done, length - done, location.offset + done);
      if (bytesRead === 0) throw new Error(`pack ${location.pack} ends inside a block`);
      done += bytesRead;
    }
    return bytes;
  };

  /** @param {string} key @param {Uint8Array[]} parts @returns {Promise<void>} */
  const put = (key, parts) =>
    new Promise((resolve, reject) => {
      queue.push({ key, parts, size: byteLength(parts), resolve, reject });
      void kick();
    });
  /** Writes queued and not yet acknowledged, by key: a second put of the same block waits for the first. */
  /** @type {Map<string, Promise<void>>} */
  const unwritten = new Map();
  /** @param {string} key @param {Uint8Array[]} parts @returns {Promise<void>} */
  const putOnce = (key, parts) => {
    if (index.has(key)) return Promise.resolve();
    let write = unwritten.get(key);
    if (write === undefined) {
      write = put(key, parts).finally(() => unwritten.delete(key));
      unwritten.set(key, write);
    }
    return write;
  };

  return {
    get: async (key) => {
      const location = index.get(key);
      return location === undefined ? undefined : read(location);
    },
    head: async (key, n) => {
      const location = index.get(key);
      if (location === undefined) return undefined;
      return { head: await read(location, Math.min(n, location.size)), size: location.size };
    },
    put: putOnce,
    delete: async (keys) => {
      /** @type {Set<number>} */
      const touched = new Set();
      for (const key of keys) {
        const location = index.get(key);
        if (!location) continue;
        index.delete(key);
        touched.add(location.pack);
      }
      if (touched.has(current)) {
        // Rewrite the current pack too: the writer moves on to a fresh one first.
        rollRequested = true;
        await kick();
      }
      for (const pack of touched) {
        // Copy the pack's surviving blocks forward, then delete it: a kill in between leaves a duplicate
        // (harmless) or, at worst, brings back blocks that were being collected.
        const survivors = [...index].filter(([, location]) => location.pack === pack);
        /** @type {Promise<void>[]} */
        let copying = [];
        let copyingBytes = 0;
        for (const [key, location] of survivors) {
          copying.push(put(key, [await read(location)]));
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
        await rm(join(dir, packName(pack)), { force: true });
      }
    },
    entries: () => [...index].map(([key, location]) => [key, location.size]),
    close: async () => {
      while (writing) await writing;
      for (const handle of handles.values()) await handle.close();
      handles.clear();
    },
  };
}

// ---------------------------------------------------------------------------------------------- leaves
/**
 * @typedef {object} LeafFile
 * @property {number} chunkSize
 * @property {Uint8Array} header
 * @property {Uint8Array} trailer
 * @property {boolean} store
 * @property {import('node:crypto').Hash | null} hash
 * @property {Uint8Array[]} pieces the current leaf's chunk bytes so far
 * @property {number} filled
 * @property {Promise<void>} tail the last reply of this file (replies go out in order)
 */

/** @type {Map<number, LeafFile>} */
const files = new Map();

/**
 * Cuts, hashes and (with `store`) stores the leaves completed by `input`; returns their digests and the
 * writes still under way.
 * @param {Storage} storage
 * @param {LeafFile} file
 * @param {Uint8Array} input
 * @param {Buffer[]} digests
 * @param {Promise<void>[]} writes
 */
function feed(storage, file, input, digests, writes) {
  const { chunkSize, header, trailer } = file;
  let at = 0;
  while (at < input.length) {
    const n = Math.min(chunkSize - file.filled, input.length - at);
    const piece = at === 0 && n === input.length ? input : input.subarray(at, at + n);
    if (file.hash === null) {
      file.hash = createHash('sha256');
      if (header.length > 0) file.hash.update(header);
    }
    file.hash.update(piece);
    file.pieces.push(piece);
    file.filled += n;
    at += n;
    if (file.filled === chunkSize) {
      if (trailer.length > 0) file.hash.update(trailer);
      const digest = file.hash.digest();
      digests.push(digest);
      // An identical leaf stored before (or queued by an earlier batch) is not stored twice.
      if (file.store) writes.push(storage.put(keyOfDigest(digest), [header, ...file.pieces, trailer]));
      file.hash = null;
      file.pieces = [];
      file.filled = 0;
    }
  }
}

/**
 * @param {number} id
 * @param {Promise<unknown>} after
 * @param {() => [Record<string, unknown>, ArrayBuffer[]]} message
 */
function replyInOrder(id, after, message) {
  const file = files.get(id);
  if (!file) return;
  file.tail = file.tail
    .then(() => after)
    .then(
      () => {
        const [body, transfer] = message();
        port.postMessage({ stream: id, ...body }, transfer);
      },
      (error) => {
        files.delete(id);
        port.postMessage({ stream: id, type: 'error', message: messageOf(error) });
      },
    );
}

// ---------------------------------------------------------------------------------------------- messages
/** @type {Promise<Storage>} */
const opened =
  typeof workerData?.dataDir === 'string'
    ? packStorage(workerData.dataDir, workerData.fsync === true)
    : Promise.resolve(memoryStorage());

/**
 * @param {Storage} storage
 * @param {any} m
 * @returns {Promise<[unknown, ArrayBuffer[]]>}
 */
async function answer(storage, m) {
  switch (m.op) {
    case 'open':
      return [storage.entries(), []];
    case 'get': {
      const bytes = await storage.get(m.key);
      return [bytes, bytes ? [/** @type {ArrayBuffer} */ (bytes.buffer)] : []];
    }
    case 'head': {
      const found = await storage.head(m.key, m.n);
      return [found, found ? [/** @type {ArrayBuffer} */ (found.head.buffer)] : []];
    }
    case 'put':
      await storage.put(m.key, m.parts);
      return [undefined, []];
    case 'delete':
      await storage.delete(m.keys);
      return [undefined, []];
    case 'close':
      await storage.close();
      return [undefined, []];
    default:
      throw new Error(`unknown block worker operation ${m.op}`);
  }
}

/**
 * @param {Storage} storage
 * @param {any} m
 */
function onLeaves(storage, m) {
  if (m.op === 'leaves-open') {
    files.set(m.stream, {
      chunkSize: m.chunkSize,
      header: m.header,
      trailer: m.trailer,
      store: m.store,
      hash: null,
      pieces: [],
      filled: 0,
      tail: Promise.resolve(),
    });
    return;
  }
  const file = files.get(m.stream);
  if (!file) return;
  if (m.op === 'leaves-abort') {
    files.delete(m.stream);
    return;
  }
  if (m.op === 'leaves-data') {
    /** @type {Buffer[]} */
    const digests = [];
    /** @type {Promise<void>[]} */
    const writes = [];
    let consumed = 0;
    try {
      for (const input of m.segments) {
        consumed += input.byteLength;
        feed(storage, file, input, digests, writes);
      }
    } catch (error) {
      files.delete(m.stream);
      port.postMessage({ stream: m.stream, type: 'error', message: messageOf(error) });
      return;
    }
    // Reported once stored: a leaf the main thread hears of is on disk (or in memory) already.
    replyInOrder(m.stream, Promise.all(writes), () => {
      const out = new Uint8Array(32 * digests.length);
      digests.forEach((d, i) => {
        out.set(d, 32 * i);
      });
      return [{ type: 'hashed', digests: out, consumed }, [out.buffer]];
    });
    return;
  }
  if (m.op === 'leaves-end') {
    // The bytes after the last full chunk go back: the main thread frames the short last leaf itself.
    const remainder = joined(file.pieces);
    replyInOrder(m.stream, Promise.resolve(), () => {
      files.delete(m.stream);
      return [{ type: 'end', remainder }, [/** @type {ArrayBuffer} */ (remainder.buffer)]];
    });
  }
}

port.on('message', (m) => {
  if (m.op === 'recycle') {
    if (readPool.length < READ_POOL_MAX) readPool.push(m.buffer);
    return;
  }
  if (typeof m.stream === 'number') {
    opened.then(
      (storage) => onLeaves(storage, m),
      () => port.postMessage({ stream: m.stream, type: 'error', message: 'the block store did not open' }),
    );
    return;
  }
  opened
    .then((storage) => answer(storage, m))
    .then(
      ([value, transfer]) => port.postMessage({ id: m.id, ok: true, value }, transfer),
      (error) =>
        port.postMessage({
          id: m.id,
          ok: false,
          message: messageOf(error),
        }),
    );
});
