import { AidocError } from '@aidoc/sdk/errors';
import * as dagPb from '@ipld/dag-pb';
import { UnixFS } from 'ipfs-unixfs';
import type { CID } from 'multiformats/cid';
import { RAW_CODE } from './blockLinks';
import type { ContentStore } from './ContentStore';

/** Leaf blocks fetched ahead of the reader: enough to hide storage latency, few enough to keep memory flat. */
const READ_AHEAD = 8;

/**
 * Streams a UnixFS file (or a raw block) by walking its DAG depth-first and pulling blocks only as the
 * consumer reads, with a small read-ahead: a multi-GB `cat` to a slow client holds a few blocks, never the
 * file. (ipfs-unixfs-exporter's reader pushes into an unbounded queue, so the server uses this instead.)
 * Decoding uses @ipld/dag-pb and ipfs-unixfs.
 *
 * @example
 * ```ts
 * for await (const chunk of readFileContent(store, cid, { offset: 10n, length: 5n })) process.stdout.write(chunk);
 * ```
 */
export async function* readFileContent(
  store: ContentStore,
  cid: CID,
  options: { offset?: bigint; length?: bigint } = {},
): AsyncGenerator<Uint8Array> {
  const start = options.offset ?? 0n;
  const end = options.length === undefined ? undefined : start + options.length;
  yield* readNode(store, cid, await store.get(cid), start, end);
}

/** Buffers of the blocks whose bytes {@link readFileContent} hands out and does not read again. */
const finishedBlocks = new WeakSet<ArrayBufferLike>();

/**
 * Gives the block buffer behind a chunk of {@link readFileContent} back to the store (`ContentStore.recycle`)
 * once the caller is done with the chunk, e.g. when the socket has taken it. Only leaf blocks qualify; the
 * chunk and every other view of its block are unusable afterwards.
 *
 * @example
 * ```ts
 * for await (const chunk of readFileContent(store, cid)) res.write(chunk, (error) => error || recycleFileChunk(store, chunk));
 * ```
 */
export function recycleFileChunk(store: ContentStore, chunk: Uint8Array): void {
  if (finishedBlocks.delete(chunk.buffer)) store.recycle(chunk);
}

async function* readNode(
  store: ContentStore,
  cid: CID,
  block: Uint8Array,
  start: bigint,
  end: bigint | undefined,
): AsyncGenerator<Uint8Array> {
  if (cid.code === RAW_CODE) {
    const from = Number(start);
    const to = end === undefined ? block.byteLength : Math.min(Number(end), block.byteLength);
    finishedBlocks.add(block.buffer);
    if (to > from) yield block.subarray(from, to);
    return;
  }
  if (cid.code !== dagPb.code)
    throw new AidocError('INVALID_INPUT', `this dag node is not a UnixFS file (${cid})`);
  const node = dagPb.decode(block);
  if (!node.Data) throw new AidocError('INVALID_INPUT', `this dag node is not a UnixFS file (${cid})`);
  const unixfs = UnixFS.unmarshal(node.Data);
  if (unixfs.type === 'directory' || unixfs.type === 'hamt-sharded-directory') {
    throw new AidocError('INVALID_INPUT', 'this dag node is a directory');
  }
  let position = 0n;
  const data = unixfs.data;
  // A leaf is not read again once its data is handed out (a node with links is: its links are views of it).
  if (node.Links.length === 0) finishedBlocks.add(block.buffer);
  if (data !== undefined && data.byteLength > 0) {
    const from = start > 0n ? start : 0n;
    const to = end === undefined || end > BigInt(data.byteLength) ? BigInt(data.byteLength) : end;
    if (to > from) yield data.subarray(Number(from), Number(to));
    position = BigInt(data.byteLength);
  }
  // Children that overlap [start, end), with their offsets; fetched in order with a bounded read-ahead.
  const wanted: Array<{ cid: CID; from: bigint; size: bigint }> = [];
  node.Links.forEach((link, i) => {
    const size = unixfs.blockSizes[i] ?? 0n;
    const from = position;
    position += size;
    if (from + size <= start || (end !== undefined && from >= end)) return;
    wanted.push({ cid: link.Hash, from, size });
  });
  const pending: Array<Promise<Uint8Array>> = [];
  let next = 0;
  const fill = () => {
    while (next < wanted.length && pending.length < READ_AHEAD) {
      const child = wanted[next++] as (typeof wanted)[number];
      const read = store.get(child.cid);
      read.catch(() => {}); // surfaced when awaited below
      pending.push(read);
    }
  };
  for (const child of wanted) {
    fill();
    const childBlock = await (pending.shift() as Promise<Uint8Array>);
    const childStart = start > child.from ? start - child.from : 0n;
    const childEnd = end === undefined || end - child.from >= child.size ? undefined : end - child.from;
    yield* readNode(store, child.cid, childBlock, childStart, childEnd);
  }
}
