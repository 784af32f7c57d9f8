import { Worker } from 'node:worker_threads';

/** A finished full-size leaf from the worker: the block (header, chunk, trailer) and its SHA-256. */
export interface WorkerLeaf {
  block: Uint8Array;
  digest: Uint8Array;
  /** Bytes of file data in the block. */
  chunkLength: number;
}

/** What the worker sends back for a file: full leaves in order, then the unencoded remainder at the end. */
export type LeafEvent =
  | { type: 'leaves'; leaves: WorkerLeaf[] }
  | { type: 'end'; remainder: Uint8Array }
  | { type: 'error'; message: string };

/** How a file's data becomes leaf blocks. */
export interface LeafStreamOptions {
  chunkSize: number;
  /** Bytes written before each full chunk (UnixFS leaf header); empty for raw leaves. */
  header: Uint8Array;
  /** Bytes written after each full chunk (UnixFS filesize field); empty for raw leaves. */
  trailer: Uint8Array;
}

/** One file being cut into leaves on the worker. */
export interface LeafStream {
  /**
   * Hands the worker these bytes. With `owned`, a piece that ends its buffer moves that buffer to the worker
   * (transferred, not copied); the caller must not use it again. Other pieces are copied.
   */
  push(segments: readonly Uint8Array[], owned: boolean): void;
  /** No more data: the worker sends the remainder. */
  end(): void;
  /** Drops the file's state on the worker. Idempotent. */
  abort(): void;
  /** Called for every event of this file, in order. */
  onEvent: ((event: LeafEvent) => void) | undefined;
}

// Plain CommonJS evaluated from a string: it runs the same from source (tsx, vitest) and from the bundle.
// Per file: copy incoming bytes into chunk buffers laid out as header | chunk | trailer, and when a chunk is
// full, write the header and trailer around it and hash the whole block. Full leaves go back in batches
// (their buffers transferred); at the end the partial remainder goes back as it is.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const files = new Map();
function flush(id, file) {
  if (file.out.length === 0) return;
  const leaves = file.out;
  file.out = [];
  parentPort.postMessage({ id, type: 'leaves', leaves }, leaves.map((l) => l.buffer));
}
parentPort.on('message', (m) => {
  try {
    if (m.type === 'open') {
      files.set(m.id, { chunkSize: m.chunkSize, header: m.header, trailer: m.trailer, cur: null, filled: 0, out: [] });
      return;
    }
    const file = files.get(m.id);
    if (!file) return;
    if (m.type === 'abort') { files.delete(m.id); return; }
    const { chunkSize, header, trailer } = file;
    const size = header.length + chunkSize + trailer.length;
    if (m.type === 'data') {
      for (const s of m.segments) {
        const input = new Uint8Array(s.buffer, s.offset, s.length);
        let at = 0;
        while (at < input.length) {
          if (file.cur === null) { file.cur = new Uint8Array(Buffer.allocUnsafeSlow(size).buffer, 0, size); file.filled = 0; }
          const n = Math.min(chunkSize - file.filled, input.length - at);
          file.cur.set(at === 0 && n === input.length ? input : input.subarray(at, at + n), header.length + file.filled);
          file.filled += n;
          at += n;
          if (file.filled === chunkSize) {
            const block = file.cur;
            block.set(header, 0);
            block.set(trailer, header.length + chunkSize);
            const digest = createHash('sha256').update(block).digest();
            file.out.push({ buffer: block.buffer, offset: block.byteOffset, length: block.length, chunkLength: chunkSize, digest: new Uint8Array(digest) });
            file.cur = null;
          }
        }
      }
      flush(m.id, file);
      return;
    }
    if (m.type === 'end') {
      flush(m.id, file);
      const rest = file.cur === null ? new Uint8Array(0) : file.cur.slice(header.length, header.length + file.filled);
      files.delete(m.id);
      parentPort.postMessage({ id: m.id, type: 'end', remainder: rest }, [rest.buffer]);
    }
  } catch (error) {
    files.delete(m.id);
    parentPort.postMessage({ id: m.id, type: 'error', message: String(error && error.message || error) });
  }
});
`;

interface WorkerState {
  worker: Worker;
  streams: Map<number, LeafStream>;
  nextId: number;
}

let current: WorkerState | undefined;

function startWorker(): WorkerState {
  if (current) return current;
  const worker = new Worker(WORKER_SOURCE, { eval: true, name: 'aidoc-leaves' });
  const state: WorkerState = { worker, streams: new Map(), nextId: 0 };
  worker.unref();
  worker.on(
    'message',
    (m: {
      id: number;
      type: 'leaves' | 'end' | 'error';
      leaves?: {
        buffer: ArrayBuffer;
        offset: number;
        length: number;
        chunkLength: number;
        digest: Uint8Array;
      }[];
      remainder?: Uint8Array;
      message?: string;
    }) => {
      const stream = state.streams.get(m.id);
      if (!stream) return;
      if (m.type === 'leaves') {
        stream.onEvent?.({
          type: 'leaves',
          leaves: (m.leaves ?? []).map((l) => ({
            block: new Uint8Array(l.buffer, l.offset, l.length),
            digest: l.digest,
            chunkLength: l.chunkLength,
          })),
        });
        return;
      }
      release(state, m.id);
      stream.onEvent?.(
        m.type === 'end'
          ? { type: 'end', remainder: m.remainder ?? new Uint8Array(0) }
          : { type: 'error', message: m.message ?? 'the leaf worker failed' },
      );
    },
  );
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
 * Opens a stream that cuts one file into fixed-size leaf blocks on a worker thread: the worker copies the
 * bytes into chunk buffers, writes `header` and `trailer` around each full chunk and hashes the block with
 * SHA-256, so the calling thread only reads its input and stores finished blocks.
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
      const list = segments.map((s) => {
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
          return { buffer: s.buffer, offset: s.byteOffset, length: s.byteLength };
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
  });
  return stream;
}
