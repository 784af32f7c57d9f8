import { AidocError } from '@aidoc/sdk/errors';
import type { ImporterOptions } from 'ipfs-unixfs-importer';
import { importer } from 'ipfs-unixfs-importer';
import { balanced, trickle } from 'ipfs-unixfs-importer/layout';
import type { CID } from 'multiformats/cid';
import { blockByteLength } from './blockByteLength';
import type { ContentStore } from './ContentStore';
import { kuboBufferImporter } from './kuboBufferImporter';
import type { KuboAddOptions } from './parseKuboAddOptions';
import { passThroughChunker } from './passThroughChunker';

/** One uploaded entry: a file (with `content`) or a directory (without). Paths use `/` separators. */
export interface AddEntry {
  path: string;
  content?: AsyncIterable<Uint8Array> | Iterable<Uint8Array> | undefined;
}

/** Who owns the bytes of the entries' content. */
export interface AddInputOptions {
  /**
   * The content's buffers belong to this import alone (a request body read for it): a piece that ends its
   * buffer moves to the store's block thread instead of being copied, and nobody may use it afterwards.
   * Default false: every piece is copied. Owned content is a request reader's Buffers, so its pieces are
   * not checked again for being bytes.
   */
  owned?: boolean;
}

/** Where {@link kuboImporterOptions} sends file leaves, and who owns the input. */
export interface LeafSinkOptions extends AddInputOptions {
  /** The store whose `importLeaves` cuts, hashes and stores the full leaves. */
  store: Pick<ContentStore, 'importLeaves'>;
}

/** What `add` reports, in Kubo's order: progress while reading, then one `added` per file and directory. */
export type AddEvent =
  | { type: 'progress'; name: string; bytes: number }
  | { type: 'added'; name: string; cid: CID; size: number };

/** Kubo's balanced and trickle layouts put at most 174 links in a node (`helpers.DefaultLinksPerBlock`). */
const KUBO_MAX_LINKS = 174;
/** Kubo's trickle layout repeats each layer depth 4 times (`trickle.depthRepeat`). */
const KUBO_TRICKLE_LAYER_REPEAT = 4;
/** Kubo's default HAMT threshold (`Import.UnixFSHAMTDirectorySizeThreshold`, 256 KiB, links estimation). */
const KUBO_HAMT_THRESHOLD = 262_144;

/**
 * The ipfs-unixfs-importer options that reproduce `ipfs add` with Kubo's default import settings
 * (profile `unixfs-v0-2015`) and the given flags.
 *
 * @example
 * ```ts
 * const opts = kuboImporterOptions(parseKuboAddOptions(new URLSearchParams('cid-version=1')), { store });
 * ```
 */
export function kuboImporterOptions(options: KuboAddOptions, sink: LeafSinkOptions): ImporterOptions {
  // go-unixfs: balanced leaves are UnixFS `file` nodes and a one-chunk file is its own root; trickle
  // leaves are UnixFS `raw` nodes and even a one-chunk file gets a root above its leaf.
  const leafType = options.trickle ? 'raw' : 'file';
  return {
    cidVersion: options.cidVersion,
    rawLeaves: options.rawLeaves,
    leafType,
    reduceSingleLeafToSelf: !options.trickle,
    // Same chunks and leaf blocks as the importer's defaults, with fewer copies and no wait on storage.
    // The chunker checks its input itself: no extra async layer per network chunk.
    chunkValidator: (source) => source,
    chunker: passThroughChunker(),
    bufferImporter: kuboBufferImporter({
      cidVersion: options.cidVersion,
      rawLeaves: options.rawLeaves,
      leafType,
      chunkSize: options.chunkSize,
      importLeaves: (leafOptions) => sink.store.importLeaves(leafOptions),
      store: !options.onlyHash,
      ownsInput: sink.owned === true,
    }),
    layout: options.trickle
      ? trickle({ maxChildrenPerNode: KUBO_MAX_LINKS, layerRepeat: KUBO_TRICKLE_LAYER_REPEAT })
      : balanced({ maxChildrenPerNode: KUBO_MAX_LINKS }),
    shardSplitThresholdBytes: KUBO_HAMT_THRESHOLD,
    shardSplitStrategy: 'links-bytes',
    wrapWithDirectory: options.wrapWithDirectory,
    // Entries arrive one after another on one multipart stream: import them in order, as Kubo does.
    fileImportConcurrency: 1,
    // Leaves are stored when the buffer importer yields them (other writes run behind, see addContent), so
    // batching them buys nothing.
    blockWriteConcurrency: 1,
  };
}

/** Bytes read between two progress events (Kubo's `progressReaderIncrement`). */
const PROGRESS_STEP = 256 * 1024;

/** Block bytes written behind the importer before it waits for storage (memory stays flat, disk stays busy). */
const WRITE_BEHIND_BYTES = 16 * 1024 * 1024;

/**
 * A blockstore sink that starts each `store.put` without waiting for it, up to {@link WRITE_BEHIND_BYTES} in
 * flight, so hashing the next chunks overlaps the writes of the previous ones. `flush` waits for every write
 * started so far and rethrows the first failure: nothing is acknowledged before it.
 */
function createWriteBehindSink(store: ContentStore) {
  const pending = new Set<Promise<void>>();
  let bytesInFlight = 0;
  let failure: { error: unknown } | undefined;
  const check = () => {
    if (failure) throw failure.error;
  };
  return {
    put: async (cid: CID, bytes: Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>) => {
      check();
      // A block comes as bytes, or as its consecutive parts (a leaf whose chunk spans network reads).
      if (!(bytes instanceof Uint8Array || Array.isArray(bytes))) {
        throw new AidocError('INTERNAL', 'The importer produced a streamed block; expected bytes or parts.');
      }
      const size = blockByteLength(bytes);
      bytesInFlight += size;
      const write: Promise<void> = store.put(cid, bytes).then(
        () => {
          bytesInFlight -= size;
          pending.delete(write);
        },
        (error: unknown) => {
          bytesInFlight -= size;
          pending.delete(write);
          failure ??= { error };
        },
      );
      pending.add(write);
      while (bytesInFlight > WRITE_BEHIND_BYTES && pending.size > 0) await Promise.race(pending);
      check();
      return cid;
    },
    flush: async () => {
      while (pending.size > 0) await Promise.all(pending);
      check();
    },
  };
}

/** A minimal async queue so importer progress callbacks reach the consumer while a file is still read. */
function createEventQueue<T>() {
  const items: T[] = [];
  let wake: (() => void) | undefined;
  let done = false;
  let failure: { error: unknown } | undefined;
  return {
    push(item: T) {
      items.push(item);
      wake?.();
    },
    end(error?: unknown) {
      done = true;
      if (error !== undefined) failure = { error };
      wake?.();
    },
    async *drain(): AsyncGenerator<T> {
      while (true) {
        while (items.length > 0) yield items.shift() as T;
        if (failure) throw failure.error;
        if (done) return;
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
      }
    },
  };
}

/**
 * The importer's candidates for `entries`; notes in `seen` whether one had no name. Content that is not
 * `owned` is checked piece by piece for being bytes (the chunker passes pieces on unchecked). Module-level,
 * like the other add-path generators, so V8's optimized code carries from one add to the next.
 */
async function* importCandidates(
  entries: AsyncIterable<AddEntry> | Iterable<AddEntry>,
  seen: { unnamed: boolean },
  owned: boolean,
): AsyncGenerator<{ path: string; content?: AsyncIterable<Uint8Array> | Iterable<Uint8Array> }> {
  for await (const entry of entries) {
    if (entry.path === '') seen.unnamed = true;
    if (entry.content === undefined) yield { path: entry.path };
    else yield { path: entry.path, content: owned ? entry.content : checkedBytes(entry.content) };
  }
}

/** The pieces of `content`, failing with INVALID_INPUT at the first that is not a Uint8Array. */
async function* checkedBytes(
  content: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
): AsyncGenerator<Uint8Array> {
  for await (const piece of content) {
    if (!(piece instanceof Uint8Array)) {
      throw new AidocError('INVALID_INPUT', 'File content must be bytes (Uint8Array chunks).');
    }
    yield piece;
  }
}

/**
 * Imports files and directories into `store` exactly as `ipfs add` would (same CIDs for the same bytes and
 * flags), streaming: no file is ever held whole in memory. Pins the top-level results (or the wrapping
 * directory) recursively unless `pin` is false; with `onlyHash` nothing is stored.
 *
 * @example
 * ```ts
 * for await (const ev of addContent(store, [{ path: 'hello.txt', content: [bytes] }], parseKuboAddOptions(new URLSearchParams()))) {
 *   if (ev.type === 'added') console.log(ev.cid.toString());
 * }
 * ```
 */
export async function* addContent(
  store: ContentStore,
  entries: AsyncIterable<AddEntry> | Iterable<AddEntry>,
  options: KuboAddOptions,
  input: AddInputOptions = {},
): AsyncGenerator<AddEvent> {
  const queue = createEventQueue<AddEvent>();
  /** Per file path: bytes read so far and bytes last reported as progress. */
  const progress = new Map<string, { read: number; reported: number }>();
  const sink = options.onlyHash
    ? { put: async (cid: CID) => cid, flush: async () => {} }
    : createWriteBehindSink(store);
  const importerOptions: ImporterOptions = {
    ...kuboImporterOptions(options, { ...input, store }),
    ...(options.progress
      ? {
          onProgress: (event: { type: string; detail: unknown }) => {
            if (event.type !== 'unixfs:importer:progress:file:read') return;
            const detail = event.detail as { bytesRead: bigint; path?: string };
            const name = detail.path ?? '';
            const bytes = Number(detail.bytesRead);
            const seen = progress.get(name) ?? { read: 0, reported: 0 };
            seen.read = bytes;
            progress.set(name, seen);
            // Kubo reports every 256 KiB read (and the total before the file's result, see below).
            if (bytes - seen.reported >= PROGRESS_STEP) {
              seen.reported = bytes;
              queue.push({ type: 'progress', name, bytes });
            }
          },
        }
      : {}),
  };

  const run = async () => {
    const roots: CID[] = [];
    const seen = { unnamed: false };
    let last: CID | undefined;
    for await (const result of importer(
      importCandidates(entries, seen, input.owned === true),
      sink,
      importerOptions,
    )) {
      // Every block of this entry is stored before the entry is reported (a reported CID survives kill -9).
      await sink.flush();
      const path = result.path ?? '';
      // Kubo names an unnamed upload (stdin, a bare byte array) after its own CID.
      const name = path === '' && seen.unnamed && !options.wrapWithDirectory ? result.cid.toString() : path;
      const read = progress.get(path);
      if (read && read.read > read.reported) queue.push({ type: 'progress', name: path, bytes: read.read });
      progress.delete(path);
      queue.push({ type: 'added', name, cid: result.cid, size: Number(result.size) });
      if (options.wrapWithDirectory ? path === '' : !path.includes('/')) roots.push(result.cid);
      last = result.cid;
    }
    await sink.flush();
    if (options.wrapWithDirectory && roots.length === 0 && last) roots.push(last);
    if (options.pin && !options.onlyHash) {
      for (const cid of roots) await store.pin(cid, { recursive: true });
    }
  };

  const task = (options.onlyHash ? run() : store.withGcHeld(run)).then(
    () => queue.end(),
    (error: unknown) => queue.end(error ?? new Error('add failed')),
  );
  try {
    yield* queue.drain();
  } finally {
    await task;
  }
}
