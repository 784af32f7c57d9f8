import { Worker } from 'node:worker_threads';

/**
 * What the worker sends back for a file, in order. `hashed`: the SHA-256 of every leaf completed since the
 * last event, 32 bytes each (leaf `i` of the file is header | the file's next `chunkSize` bytes | trailer),
 * and either the leaves' whole blocks (`blocks`, one per digest, with `contiguous`) or the bytes it was
 * handed, moved back in input order (`data`). `end`: how many bytes are left after the last full leaf (the
 * caller frames and hashes that short leaf itself); with `contiguous` they come in `data`.
 */
export type LeafEvent =
  | { type: 'hashed'; digests: Uint8Array; data: Uint8Array[]; blocks: Uint8Array[] | undefined }
  | { type: 'end'; remainderLength: number; data: Uint8Array[] }
  | { type: 'error'; message: string };

/** How a file's data becomes leaf blocks. */
export interface LeafStreamOptions {
  chunkSize: number;
  /** Bytes before each full chunk in its block (UnixFS leaf header); empty for raw leaves. */
  header: Uint8Array;
  /** Bytes after each full chunk in its block (UnixFS filesize field); empty for raw leaves. */
  trailer: Uint8Array;
  /**
   * Assemble each leaf into one buffer (a copy, on the worker) and send the blocks back instead of the input:
   * for a store that keeps blocks in memory and serves reads from them. Default false: hashed in place.
   */
  contiguous?: boolean;
}

/** One file being hashed leaf by leaf on the worker. */
export interface LeafStream {
  /**
   * Hands the worker these bytes; they come back in a `hashed` event. With `owned`, a piece that ends its
   * buffer moves that buffer (no copy) and the caller must not use it again. Other pieces are copied.
   */
  push(segments: readonly Uint8Array[], owned: boolean): void;
  /** No more data: the worker sends `end`. */
  end(): void;
  /** Drops the file's state on the worker. Idempotent. */
  abort(): void;
  /** Called for every event of this file, in order. */
  onEvent: ((event: LeafEvent) => void) | undefined;
}

// Plain CommonJS evaluated from a string: it runs the same from source (tsx, vitest) and from the bundle.
// Per file: one running SHA-256 per leaf, fed header, the chunk's bytes where they lie (a chunk usually spans
// several network reads), trailer; the input buffers go back with the digests. Contiguous: the bytes are
// copied into one buffer per leaf laid out as header | chunk | trailer, which is hashed and sent back.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const files = new Map();
function feed(file, input, digests, blocks) {
  const { chunkSize, header, trailer } = file;
  let at = 0;
  while (at < input.length) {
    const n = Math.min(chunkSize - file.filled, input.length - at);
    const piece = at === 0 && n === input.length ? input : input.subarray(at, at + n);
    if (file.contiguous) {
      if (file.block === null) {
        const size = header.length + chunkSize + trailer.length;
        file.block = new Uint8Array(Buffer.allocUnsafeSlow(size).buffer, 0, size);
      }
      file.block.set(piece, header.length + file.filled);
    } else {
      if (file.hash === null) {
        file.hash = createHash('sha256');
        if (header.length > 0) file.hash.update(header);
      }
      file.hash.update(piece);
    }
    file.filled += n;
    at += n;
    if (file.filled === chunkSize) {
      if (file.contiguous) {
        const block = file.block;
        block.set(header, 0);
        block.set(trailer, header.length + chunkSize);
        digests.push(createHash('sha256').update(block).digest());
        blocks.push(block);
        file.block = null;
      } else {
        if (trailer.length > 0) file.hash.update(trailer);
        digests.push(file.hash.digest());
        file.hash = null;
      }
      file.filled = 0;
    }
  }
}
parentPort.on('message', (m) => {
  try {
    if (m.type === 'open') {
      files.set(m.id, { chunkSize: m.chunkSize, header: m.header, trailer: m.trailer, contiguous: m.contiguous, hash: null, block: null, filled: 0 });
      return;
    }
    const file = files.get(m.id);
    if (!file) return;
    if (m.type === 'abort') { files.delete(m.id); return; }
    if (m.type === 'data') {
      const digests = [];
      const blocks = [];
      const buffers = [];
      for (const s of m.segments) {
        if (!buffers.includes(s.buffer)) buffers.push(s.buffer);
        feed(file, new Uint8Array(s.buffer, s.offset, s.length), digests, blocks);
      }
      const out = new Uint8Array(32 * digests.length);
      digests.forEach((d, i) => out.set(d, 32 * i));
      if (file.contiguous) {
        const sent = blocks.map((b) => ({ buffer: b.buffer, offset: b.byteOffset, length: b.length }));
        parentPort.postMessage({ id: m.id, type: 'hashed', digests: out, blocks: sent }, blocks.map((b) => b.buffer));
      } else {
        parentPort.postMessage({ id: m.id, type: 'hashed', digests: out, segments: m.segments }, buffers);
      }
      return;
    }
    if (m.type === 'end') {
      files.delete(m.id);
      const rest = file.contiguous && file.block !== null ? file.block.slice(file.header.length, file.header.length + file.filled) : null;
      const segments = rest === null ? [] : [{ buffer: rest.buffer, offset: 0, length: rest.length }];
      parentPort.postMessage({ id: m.id, type: 'end', remainderLength: file.filled, segments }, rest === null ? [] : [rest.buffer]);
    }
  } catch (error) {
    files.delete(m.id);
    parentPort.postMessage({ id: m.id, type: 'error', message: String(error && error.message || error) });
  }
});
`;

interface Segment {
  buffer: ArrayBuffer;
  offset: number;
  length: number;
}

interface WorkerMessage {
  id: number;
  type: 'hashed' | 'end' | 'error';
  digests?: Uint8Array;
  segments?: Segment[];
  blocks?: Segment[];
  remainderLength?: number;
  message?: string;
}

interface WorkerState {
  worker: Worker;
  streams: Map<number, LeafStream>;
  nextId: number;
}

let current: WorkerState | undefined;

const views = (segments: Segment[] | undefined) =>
  (segments ?? []).map((s) => new Uint8Array(s.buffer, s.offset, s.length));

function toEvent(m: WorkerMessage): LeafEvent {
  if (m.type === 'hashed') {
    return {
      type: 'hashed',
      digests: m.digests ?? new Uint8Array(0),
      data: views(m.segments),
      blocks: m.blocks === undefined ? undefined : views(m.blocks),
    };
  }
  return m.type === 'end'
    ? { type: 'end', remainderLength: m.remainderLength ?? 0, data: views(m.segments) }
    : { type: 'error', message: m.message ?? 'the leaf worker failed' };
}

function startWorker(): WorkerState {
  if (current) return current;
  const worker = new Worker(WORKER_SOURCE, { eval: true, name: 'aidoc-leaves' });
  const state: WorkerState = { worker, streams: new Map(), nextId: 0 };
  worker.unref();
  worker.on('message', (m: WorkerMessage) => {
    const stream = state.streams.get(m.id);
    if (!stream) return;
    if (m.type !== 'hashed') release(state, m.id);
    stream.onEvent?.(toEvent(m));
  });
  const failAll = (message: string) => {
    if (current === state) current = undefined;
    for (const [id, stream] of state.streams) {
      state.streams.delete(id);
      stream.onEvent?.({ type: 'error', message });
    }
  };
  worker.on('error', (error) => failAll(error.message));
  worker.on('exit', (code) => failAll(`the leaf worker exited (code ${code})`));
  current = state;
  return state;
}

function release(state: WorkerState, id: number): void {
  state.streams.delete(id);
  if (state.streams.size === 0) state.worker.unref();
}

/**
 * Opens a stream that hashes one file's fixed-size leaf blocks on a worker thread, so the calling thread only
 * reads its input and stores finished blocks. The worker feeds each leaf's header, chunk bytes and trailer to
 * SHA-256 where the bytes lie and hands the bytes back with the digests (no byte copied), or with
 * `contiguous` assembles each leaf into one buffer and sends the blocks.
 *
 * @example
 * ```ts
 * const stream = openLeafStream({ chunkSize: 262_144, header, trailer });
 * stream.onEvent = (event) => console.log(event.type);
 * stream.push([bytes], false);
 * stream.end();
 * ```
 */
export function openLeafStream(options: LeafStreamOptions): LeafStream {
  const state = startWorker();
  const id = state.nextId++;
  const stream: LeafStream = {
    onEvent: undefined,
    push(segments, owned) {
      const transfer: ArrayBuffer[] = [];
      const list = segments.map((s): Segment => {
        // Moved only when this piece ends its buffer (no later piece can come from it) and the buffer is not
        // one of Node's small pooled ones, which must never move. Anything else is copied.
        const movable =
          owned &&
          s.buffer instanceof ArrayBuffer &&
          s.buffer.byteLength > Buffer.poolSize &&
          s.byteOffset + s.byteLength === s.buffer.byteLength &&
          !transfer.includes(s.buffer);
        if (movable) {
          transfer.push(s.buffer as ArrayBuffer);
          return { buffer: s.buffer as ArrayBuffer, offset: s.byteOffset, length: s.byteLength };
        }
        // A copy of just these bytes (Buffer#slice would be a view of the same memory).
        const copy = new Uint8Array(s);
        transfer.push(copy.buffer);
        return { buffer: copy.buffer, offset: 0, length: copy.byteLength };
      });
      state.worker.postMessage({ id, type: 'data', segments: list }, transfer);
    },
    end() {
      state.worker.postMessage({ id, type: 'end' });
    },
    abort() {
      if (!state.streams.has(id)) return;
      release(state, id);
      state.worker.postMessage({ id, type: 'abort' });
    },
  };
  state.streams.set(id, stream);
  if (state.streams.size === 1) state.worker.ref();
  state.worker.postMessage({
    id,
    type: 'open',
    chunkSize: options.chunkSize,
    header: options.header,
    trailer: options.trailer,
    contiguous: options.contiguous === true,
  });
  return stream;
}
