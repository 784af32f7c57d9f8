import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { AidocError } from '@aidoc/sdk/errors';
import * as dagPb from '@ipld/dag-pb';
import { ClassicLevel } from 'classic-level';
import { varint } from 'multiformats';
import { base32 } from 'multiformats/bases/base32';
import { CID } from 'multiformats/cid';
import * as Digest from 'multiformats/hashes/digest';
import { blockLinks, RAW_CODE } from './blockLinks';
import type {
  ContentStore,
  ContentStoreStat,
  LeafImport,
  LeafImportOptions,
  PinEntry,
  PinType,
} from './ContentStore';
import { type BlockWorker, openBlockWorker } from './openBlockWorker';

/** Options for {@link createContentStore}. */
export interface ContentStoreOptions {
  /**
   * Folder for blocks (append-only pack files in `packs/`) and pins (LevelDB in `datastore/`).
   * Omitted: everything stays in memory.
   */
  dataDir?: string | undefined;
  /** With `dataDir`: flush each batch of blocks to the disk before acknowledging it (survives power loss). */
  fsync?: boolean | undefined;
}

/** Storage operations the store needs; blocks live on the block thread, pins in memory or LevelDB. */
interface Backend {
  readonly location: string;
  readonly persistent: boolean;
  getBlock(key: string): Promise<Uint8Array | undefined>;
  /** Gives a buffer returned by `getBlock` back to the block thread (see {@link ContentStore.recycle}). */
  recycleBlock(bytes: Uint8Array): void;
  /** The block's first `n` bytes (fewer when it is shorter) and its size, without reading the rest. */
  blockHead(key: string, n: number): Promise<{ head: Uint8Array; size: number } | undefined>;
  hasBlock(key: string): boolean;
  /** Whether the block is known, without reading it, to be a dag-pb file leaf (one Data field, no links). */
  isLeaf(key: string): boolean;
  putBlock(key: string, bytes: Uint8Array | readonly Uint8Array[]): Promise<void>;
  deleteBlocks(keys: string[]): Promise<void>;
  blockSizes(): Iterable<[key: string, size: number]>;
  stat(): ContentStoreStat;
  importLeaves(options: LeafImportOptions): LeafImport;
  loadPins(): Promise<Map<string, 'recursive' | 'direct'>>;
  savePin(cid: string, type: 'recursive' | 'direct' | undefined, replaces?: string): Promise<void>;
  close(): Promise<void>;
}

const PIN_PREFIX = '/pins/';

/** Enough of a dag-pb block to read its first field's key and length (1 + a varint of at most 10 bytes). */
const DAG_PB_HEAD_BYTES = 11;

/**
 * Whether a dag-pb block of `size` bytes starting with `head` is a single PBNode.Data field (tag 0x0a, its
 * length, the bytes) and therefore has no links: the field's length accounts for the whole block.
 */
function isDataOnlyDagPb(head: Uint8Array, size: number): boolean {
  if (head[0] !== 0x0a) return false;
  try {
    const [length, lengthBytes] = varint.decode(head, 1);
    return 1 + lengthBytes + length === size;
  } catch {
    return false; // a length varint cut off or malformed: not a block this shortcut can vouch for
  }
}

/** Kubo's datastore key for a block: the multihash in upper-case unpadded RFC 4648 base32. */
function blockKey(cid: CID): string {
  return base32.baseEncode(cid.multihash.bytes).toUpperCase();
}

function keyToRawCid(key: string): CID {
  return CID.createV1(RAW_CODE, Digest.decode(base32.baseDecode(key.toLowerCase())));
}

/** The block operations every backend takes from its block thread. */
function blockOperations(blocks: BlockWorker) {
  return {
    getBlock: (key: string) => blocks.get(key),
    recycleBlock: (bytes: Uint8Array) => blocks.recycle(bytes),
    blockHead: (key: string, n: number) => blocks.head(key, n),
    hasBlock: (key: string) => blocks.sizes.has(key),
    isLeaf: (key: string) => blocks.isLeaf(key),
    putBlock: (key: string, bytes: Uint8Array | readonly Uint8Array[]) => blocks.put(key, bytes),
    blockSizes: () => [...blocks.sizes],
    stat: () => ({ numObjects: blocks.sizes.size, repoSize: blocks.totalBytes }),
    importLeaves: (options: LeafImportOptions) => blocks.importLeaves(options),
  };
}

async function memoryBackend(): Promise<Backend> {
  const blocks = await openBlockWorker();
  return {
    location: 'memory',
    persistent: false,
    ...blockOperations(blocks),
    deleteBlocks: (keys) => blocks.delete(keys),
    loadPins: async () => new Map(),
    savePin: async () => {},
    close: () => blocks.close(),
  };
}

/** Kubo's flatfs shard function (`/repo/flatfs/shard/v1/next-to-last/2`): the two characters before the last. */
function shardOf(key: string): string {
  return key.slice(-3, -1).padStart(2, '_');
}

/**
 * On disk: blocks in append-only pack files (`packs/`, written and read by the block thread, see
 * {@link openBlockWorker}), pins in a LevelDB datastore (`datastore/`). Blocks that an earlier version wrote in
 * Kubo's flatfs layout (`blocks/<shard>/<KEY>.data`) are still read and collected. A put resolves once its bytes
 * are written, so an acknowledged block survives `kill -9`.
 */
async function diskBackend(dataDir: string, fsync: boolean): Promise<Backend> {
  const blocksDir = join(dataDir, 'blocks');
  try {
    await mkdir(dataDir, { recursive: true });
  } catch (cause) {
    throw new AidocError('DATA_DIR', `Cannot create the content data directory ${dataDir}.`, { cause });
  }
  const db = new ClassicLevel<string, Uint8Array>(join(dataDir, 'datastore'), {
    keyEncoding: 'utf8',
    valueEncoding: 'view',
  });
  try {
    // LevelDB first: its lock keeps a second devnet off this folder before anything reads the packs.
    await db.open();
  } catch (cause) {
    throw new AidocError('DATA_DIR', `Cannot open the content store in ${dataDir}.`, {
      details:
        'Another devnet may be using this --data-dir (LevelDB holds a lock), or the folder is not a content store.',
      cause,
    });
  }
  let blocks: BlockWorker;
  try {
    blocks = await openBlockWorker({ dataDir: join(dataDir, 'packs'), fsync });
  } catch (cause) {
    await db.close();
    throw new AidocError('DATA_DIR', `Cannot open the content packs in ${dataDir}.`, { cause });
  }
  // Blocks of the earlier flatfs layout, if any (leftover temp files are removed).
  const legacy = new Map<string, number>();
  for (const shard of await readdir(blocksDir, { withFileTypes: true }).catch(() => [])) {
    if (!shard.isDirectory()) continue;
    const shardDir = join(blocksDir, shard.name);
    for (const file of await readdir(shardDir)) {
      if (file.endsWith('.data'))
        legacy.set(file.slice(0, -'.data'.length), (await stat(join(shardDir, file))).size);
      else if (file.includes('.tmp-')) await rm(join(shardDir, file), { force: true });
    }
  }
  const legacyPath = (key: string) => join(blocksDir, shardOf(key), `${key}.data`);
  const readLegacy = async (key: string) => {
    if (!legacy.has(key)) return undefined;
    try {
      return await readFile(legacyPath(key));
    } catch {
      return undefined;
    }
  };
  const packed = blockOperations(blocks);
  return {
    location: dataDir,
    persistent: true,
    ...packed,
    getBlock: async (key) => {
      if (blocks.sizes.has(key)) return blocks.get(key);
      const bytes = await readLegacy(key);
      return bytes === undefined ? undefined : new Uint8Array(bytes);
    },
    blockHead: async (key, n) => {
      if (blocks.sizes.has(key)) return blocks.head(key, n);
      const bytes = await readLegacy(key);
      return bytes === undefined
        ? undefined
        : { head: new Uint8Array(bytes.subarray(0, n)), size: bytes.byteLength };
    },
    hasBlock: (key) => blocks.sizes.has(key) || legacy.has(key),
    deleteBlocks: async (keys) => {
      for (const key of keys) {
        if (!legacy.has(key)) continue;
        legacy.delete(key);
        await rm(legacyPath(key), { force: true });
      }
      await blocks.delete(keys);
    },
    *blockSizes() {
      yield* packed.blockSizes();
      for (const entry of [...legacy]) if (!blocks.sizes.has(entry[0])) yield entry;
    },
    stat: () => {
      const stat = packed.stat();
      for (const [key, size] of legacy) {
        if (blocks.sizes.has(key)) continue;
        stat.numObjects++;
        stat.repoSize += size;
      }
      return stat;
    },
    loadPins: async () => {
      const pins = new Map<string, 'recursive' | 'direct'>();
      for await (const [key, value] of db.iterator({ gte: PIN_PREFIX, lt: `${PIN_PREFIX}\xff` })) {
        pins.set(
          key.slice(PIN_PREFIX.length),
          new TextDecoder().decode(value) === 'direct' ? 'direct' : 'recursive',
        );
      }
      return pins;
    },
    savePin: async (cid, type) => {
      // LevelDB's write-ahead log makes each pin change durable across a process kill.
      if (type === undefined) await db.del(PIN_PREFIX + cid);
      else await db.put(PIN_PREFIX + cid, new TextEncoder().encode(type));
    },
    close: async () => {
      await blocks.close();
      if (db.status === 'open') await db.close();
    },
  };
}

/**
 * A readers/writer gate: adds and pins share it, `gc` takes it alone. Readers are preferred: a shared holder
 * waits only while `gc` runs (never while it merely waits), so an add that pins inside its own shared hold
 * cannot deadlock against a waiting `gc`. (No AsyncLocalStorage: its promise hooks would tax every await.)
 */
function createGcGate() {
  let shared = 0;
  let running: Promise<void> | undefined;
  let queued: Promise<void> = Promise.resolve();
  let drained: (() => void) | undefined;
  return {
    async shared<T>(fn: () => Promise<T>): Promise<T> {
      while (running) await running;
      shared++;
      try {
        return await fn();
      } finally {
        shared--;
        if (shared === 0) drained?.();
      }
    },
    exclusive<T>(fn: () => Promise<T>): Promise<T> {
      const turn = queued.then(async () => {
        while (shared > 0) {
          await new Promise<void>((resolve) => {
            drained = resolve;
          });
        }
        drained = undefined;
        let release!: () => void;
        running = new Promise<void>((resolve) => {
          release = resolve;
        });
        try {
          return await fn();
        } finally {
          running = undefined;
          release();
        }
      });
      queued = turn.then(
        () => undefined,
        () => undefined,
      );
      return turn;
    },
  };
}

/**
 * Creates a Kubo-like block store: blocks keyed by multihash, recursive and direct pins, garbage collection
 * of unpinned blocks. In memory by default; with `dataDir`, on disk (pack files and LevelDB), surviving `kill -9`.
 * Block bytes live on a thread of their own (see {@link openBlockWorker}); this thread keeps pins and sizes.
 *
 * @example
 * ```ts
 * const store = await createContentStore({ dataDir: '.devnet/ipfs' });
 * const bytes = await store.get(CID.parse('bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e'));
 * ```
 */
export async function createContentStore(options: ContentStoreOptions = {}): Promise<ContentStore> {
  const backend =
    options.dataDir === undefined
      ? await memoryBackend()
      : await diskBackend(options.dataDir, options.fsync ?? false);
  const pins = await backend.loadPins();
  const gate = createGcGate();
  const inFlight = new Map<string, Promise<void>>();
  let closed = false;

  const assertOpen = () => {
    if (closed) throw new AidocError('INTERNAL', 'The content store is closed.');
  };

  const get = async (cid: CID): Promise<Uint8Array> => {
    assertOpen();
    const bytes = await backend.getBlock(blockKey(cid));
    if (bytes === undefined) {
      throw new AidocError(
        'NOT_FOUND',
        `block was not found locally (offline): ipld: could not find ${cid}`,
        {
          data: { cid: cid.toString() },
        },
      );
    }
    return bytes;
  };

  const put = async (cid: CID, bytes: Uint8Array | readonly Uint8Array[]): Promise<void> => {
    assertOpen();
    const key = blockKey(cid);
    const pending = inFlight.get(key);
    if (pending) return pending;
    const write = (async () => {
      if (backend.hasBlock(key)) return;
      await backend.putBlock(key, bytes);
    })();
    inFlight.set(key, write);
    try {
      await write;
    } finally {
      inFlight.delete(key);
    }
  };

  /**
   * The CIDs a stored block links to, or undefined when it is not stored. Raw blocks are not read, and a
   * dag-pb block that is one Data field and nothing else (a file leaf) is known as such from its import or
   * recognised from its first bytes.
   */
  const linksOf = async (cid: CID, key: string): Promise<CID[] | undefined> => {
    if (cid.code === RAW_CODE) return backend.hasBlock(key) ? [] : undefined;
    if (cid.code === dagPb.code) {
      if (backend.isLeaf(key)) return [];
      const found = await backend.blockHead(key, DAG_PB_HEAD_BYTES);
      if (found === undefined) return undefined;
      if (isDataOnlyDagPb(found.head, found.size)) return [];
    }
    const bytes = await backend.getBlock(key);
    return bytes === undefined ? undefined : blockLinks(cid, bytes);
  };

  /** Visits `root` and every block reachable from it once; `onMissing` decides what a missing block does. */
  const walk = async (root: CID, visit: (cid: CID) => void, seen: Set<string>, strict: boolean) => {
    const stack: CID[] = [root];
    while (stack.length > 0) {
      const cid = stack.pop() as CID;
      const key = blockKey(cid);
      if (seen.has(key)) continue;
      seen.add(key);
      visit(cid);
      const links = await linksOf(cid, key);
      if (links === undefined) {
        if (strict) await get(cid); // throws NOT_FOUND with Kubo's message
        continue;
      }
      for (const child of links) stack.push(child);
    }
  };

  const recursiveRoots = () =>
    [...pins].filter(([, type]) => type === 'recursive').map(([cid]) => CID.parse(cid));

  const pinTypeOf = async (cid: CID): Promise<PinType | undefined> => {
    const direct = pins.get(cid.toString());
    if (direct) return direct;
    const target = blockKey(cid);
    const seen = new Set<string>();
    let found = false;
    for (const root of recursiveRoots()) {
      await walk(
        root,
        (c) => {
          if (!c.equals(root) && blockKey(c) === target) found = true;
        },
        seen,
        false,
      );
      if (found) return 'indirect';
    }
    return undefined;
  };

  return {
    persistent: backend.persistent,
    location: backend.location,
    has: async (cid) => {
      assertOpen();
      return backend.hasBlock(blockKey(cid));
    },
    get,
    // After close the block thread has stopped and recycling does nothing (see BlockWorker.recycle).
    recycle: (bytes) => backend.recycleBlock(bytes),
    put,
    async *blocks() {
      assertOpen();
      for (const [key] of backend.blockSizes()) yield keyToRawCid(key);
    },
    pin: (cid, opts = {}) =>
      gate.shared(async () => {
        assertOpen();
        const id = cid.toString();
        const recursive = opts.recursive ?? true;
        const current = pins.get(id);
        if (recursive) {
          if (current === 'recursive') return;
          await walk(cid, () => {}, new Set(), true);
          pins.set(id, 'recursive');
          await backend.savePin(id, 'recursive');
          return;
        }
        if (current === 'recursive') {
          throw new AidocError('INVALID_PARAMS', `pin: ${id} already pinned recursively`);
        }
        await get(cid);
        pins.set(id, 'direct');
        await backend.savePin(id, 'direct');
      }),
    unpin: async (cid, opts = {}) => {
      assertOpen();
      const id = cid.toString();
      const current = pins.get(id);
      if (current === undefined) {
        throw new AidocError('NOT_FOUND', 'not pinned or pinned indirectly', { data: { cid: id } });
      }
      if (current === 'recursive' && opts.recursive === false) {
        throw new AidocError('INVALID_PARAMS', `${id} is pinned recursively`);
      }
      pins.delete(id);
      await backend.savePin(id, undefined);
    },
    async *pins(opts = {}): AsyncGenerator<PinEntry> {
      assertOpen();
      const type = opts.type ?? 'all';
      const snapshot = [...pins];
      for (const wanted of ['recursive', 'direct'] as const) {
        if (type !== 'all' && type !== wanted) continue;
        for (const [cid, t] of snapshot) if (t === wanted) yield { cid: CID.parse(cid), type: t };
      }
      if (type !== 'all' && type !== 'indirect') return;
      const listed = new Set(snapshot.map(([cid]) => blockKey(CID.parse(cid))));
      const seen = new Set<string>();
      const indirect: CID[] = [];
      for (const root of recursiveRoots()) {
        await walk(
          root,
          (c) => {
            if (!listed.has(blockKey(c))) indirect.push(c);
          },
          seen,
          false,
        );
      }
      for (const cid of indirect) yield { cid, type: 'indirect' };
    },
    pinTypeOf: async (cid) => {
      assertOpen();
      return pinTypeOf(cid);
    },
    async *gc() {
      assertOpen();
      const removed = await gate.exclusive(async () => {
        const live = new Set<string>();
        for (const [cid, type] of pins) {
          const parsed = CID.parse(cid);
          if (type === 'direct') live.add(blockKey(parsed));
          else await walk(parsed, () => {}, live, false);
        }
        const dead: string[] = [];
        for (const [key] of backend.blockSizes()) if (!live.has(key)) dead.push(key);
        for (let i = 0; i < dead.length; i += 1000) await backend.deleteBlocks(dead.slice(i, i + 1000));
        return dead.map(keyToRawCid);
      });
      yield* removed;
    },
    stat: async (): Promise<ContentStoreStat> => backend.stat(),
    importLeaves: (options) => {
      assertOpen();
      return backend.importLeaves(options);
    },
    withGcHeld: (fn) => gate.shared(fn),
    close: async () => {
      if (closed) return;
      closed = true;
      await Promise.allSettled(inFlight.values());
      await backend.close();
    },
  };
}
