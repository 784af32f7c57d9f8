import type { IncomingMessage } from 'node:http';
import { AidocError } from '@aidoc/sdk/errors';
import type { AddEntry } from './addContent';

const CRLF = Buffer.from('\r\n');
const HEADERS_END = Buffer.from('\r\n\r\n');
/** Most bytes of part headers accepted (busboy's default limit too). */
const MAX_HEADER_BYTES = 80 * 1024;

interface PartHeaders {
  filename: string | undefined;
  contentType: string;
}

function decodeFilename(raw: string): string {
  // Kubo clients URL-encode each part's filename (go-ipfs-files); curl sends it as is.
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** The parameters of a header value such as `form-data; name="file"; filename="a b.txt"`. */
function headerParams(value: string): Map<string, string> {
  const params = new Map<string, string>();
  const re = /;\s*([^=;\s]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))/g;
  for (let m = re.exec(value); m !== null; m = re.exec(value)) {
    const name = (m[1] ?? '').toLowerCase();
    const raw = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? '').trim();
    params.set(name, raw);
  }
  return params;
}

function parsePartHeaders(text: string): PartHeaders {
  let filename: string | undefined;
  let contentType = 'text/plain';
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'content-disposition') {
      const params = headerParams(value);
      const extended = params.get('filename*');
      if (extended !== undefined) {
        // RFC 5987: charset'language'percent-encoded
        const quote = extended.indexOf("'", extended.indexOf("'") + 1);
        filename = decodeFilename(extended.slice(quote + 1));
      } else if (params.has('filename')) {
        filename = decodeFilename(params.get('filename') as string);
      }
    } else if (name === 'content-type') {
      contentType = value.split(';')[0]?.trim().toLowerCase() ?? contentType;
    }
  }
  return { filename, contentType };
}

function boundaryOf(contentType: string): string | undefined {
  const value = headerParams(contentType).get('boundary');
  return value && value.length <= 200 ? value : undefined;
}

const malformed = (cause?: unknown) =>
  new AidocError('INVALID_INPUT', 'The multipart upload is malformed or was cut off.', {
    ...(cause !== undefined ? { cause } : {}),
  });

/** Request bytes waiting to be parsed before the request is paused (memory stays flat). */
const QUEUE_HIGH_WATER = 4 * 1024 * 1024;

const aborted = (cause?: unknown) =>
  new AidocError('NETWORK', 'The client aborted the upload.', cause === undefined ? {} : { cause });

/**
 * The request's chunks one at a time, read through `data` events (lighter per chunk than the stream's async
 * iterator) and paused while more than {@link QUEUE_HIGH_WATER} bytes wait, so backpressure reaches the
 * client. `next()` resolves `undefined` at the end of the request and rejects when it fails or the client
 * aborts.
 *
 * A class, and the generators below module-level functions taking it, rather than closures made per
 * request: every upload then runs through the same functions and objects of the same shapes, so the code V8
 * optimizes for one upload stays valid for the next (a generator function made per request gives its
 * generators a new map each time, and the optimized code of their consumers was thrown away on every add).
 */
class ChunkSource {
  readonly #req: IncomingMessage;
  readonly #queue: Buffer[] = [];
  #queued = 0;
  #ended = false;
  #failure: AidocError | undefined;
  #wake: (() => void) | undefined;

  constructor(req: IncomingMessage) {
    this.#req = req;
    req.on('data', (chunk: Buffer) => {
      this.#queue.push(chunk);
      this.#queued += chunk.length;
      if (this.#queued > QUEUE_HIGH_WATER) req.pause();
      this.#notify();
    });
    req.once('end', () => {
      this.#ended = true;
      this.#notify();
    });
    req.once('aborted', () => this.#fail(aborted()));
    req.once('error', (cause) =>
      this.#fail(req.destroyed && !req.complete ? aborted(cause) : malformed(cause)),
    );
    req.once('close', () => {
      if (!this.#ended) this.#fail(aborted());
    });
  }

  #fail(error: AidocError): void {
    this.#failure ??= error;
    this.#notify();
  }

  #notify(): void {
    const resolve = this.#wake;
    this.#wake = undefined;
    resolve?.();
  }

  async next(): Promise<Buffer | undefined> {
    while (this.#queue.length === 0) {
      if (this.#failure) throw this.#failure;
      if (this.#ended) return undefined;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
    }
    const chunk = this.#queue.shift() as Buffer;
    this.#queued -= chunk.length;
    if (this.#queued <= QUEUE_HIGH_WATER / 2 && this.#req.isPaused()) this.#req.resume();
    return chunk;
  }
}

/** Where a multipart upload is parsed up to: the unparsed bytes and the request's next chunks. */
class MultipartCursor {
  /** Every delimiter, the first one included, is matched as CRLF "--" boundary: the stream gets a virtual CRLF. */
  readonly delimiter: Buffer;
  readonly keep: number;
  readonly chunks: ChunkSource;
  /** Unparsed bytes: a view of the current request chunk, or a small joined buffer. */
  pending: Buffer = Buffer.from(CRLF);
  /** Set when the current part's body has been read up to its delimiter. */
  partDone = false;

  constructor(req: IncomingMessage, boundary: string) {
    this.delimiter = Buffer.from(`\r\n--${boundary}`);
    this.keep = this.delimiter.length - 1;
    this.chunks = new ChunkSource(req);
  }

  /** Appends the next chunk to `pending` (a copy: used for the small header parts only). */
  async pullMore(): Promise<void> {
    const chunk = await this.chunks.next();
    if (chunk === undefined) throw malformed();
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
  }

  /** How many trailing bytes of `buf` could be the start of a delimiter (0 for almost every chunk). */
  heldBack(buf: Buffer): number {
    const { delimiter, keep } = this;
    for (let i = buf.indexOf(0x0d, Math.max(0, buf.length - keep)); i !== -1; i = buf.indexOf(0x0d, i + 1)) {
      if (delimiter.compare(buf, i, buf.length, 0, buf.length - i) === 0) return buf.length - i;
    }
    return 0;
  }

  /** Reads until `marker` is in `pending`; returns the bytes before it and consumes it. */
  async readUntil(marker: Buffer, limit: number): Promise<Buffer> {
    for (;;) {
      const at = this.pending.indexOf(marker);
      if (at !== -1) {
        const head = this.pending.subarray(0, at);
        this.pending = this.pending.subarray(at + marker.length);
        return head;
      }
      if (this.pending.length > limit) throw malformed();
      await this.pullMore();
    }
  }
}

/**
 * The body of the cursor's current part, up to the next delimiter, as views of the request chunks (never
 * copied). A chunk is handed on whole, so each piece but a part's last ends its buffer (the consumer may move
 * it to another thread). When a chunk's last bytes could begin a delimiter, the next chunk is read first and
 * the seam between the two searched on its own, so a delimiter split across chunks is still found. Nothing
 * read after a piece is handed on is a view of that piece's buffer. A new call resumes where an abandoned one
 * stopped.
 */
async function* partBody(cursor: MultipartCursor): AsyncGenerator<Uint8Array> {
  const { delimiter, keep } = cursor;
  for (;;) {
    const pending = cursor.pending;
    const at = pending.indexOf(delimiter);
    if (at !== -1) {
      const last = pending.subarray(0, at);
      // What follows the delimiter is copied (a few bytes, usually): the consumer may keep or move `last`'s
      // buffer.
      cursor.pending = Buffer.from(pending.subarray(at + delimiter.length));
      cursor.partDone = true;
      if (last.length > 0) yield last;
      return;
    }
    const hold = cursor.heldBack(pending);
    const chunk = await cursor.chunks.next();
    if (chunk === undefined) throw malformed();
    if (hold > 0) {
      if (chunk.length < keep) {
        cursor.pending = Buffer.concat([pending, chunk]); // a tiny chunk: join and search again
        continue;
      }
      // A delimiter that starts in the held-back tail ends within the first `keep` bytes of the chunk.
      const seam = Buffer.concat([pending.subarray(pending.length - hold), chunk.subarray(0, keep)]);
      const inSeam = seam.indexOf(delimiter);
      if (inSeam !== -1 && inSeam < hold) {
        const end = pending.length - hold + inSeam;
        cursor.pending = chunk.subarray(inSeam + delimiter.length - hold);
        cursor.partDone = true;
        if (end > 0) yield pending.subarray(0, end);
        return;
      }
    }
    cursor.pending = chunk;
    if (pending.length > 0) yield pending;
  }
}

/** Reads the rest of the cursor's current part and drops it. */
async function skipPart(cursor: MultipartCursor): Promise<void> {
  for await (const _ of partBody(cursor)) {
    // discarded
  }
}

/**
 * Reads the parts of a Kubo multipart upload (`file` parts, `application/x-directory` parts for folders) as
 * a stream of {@link AddEntry}, one at a time, without buffering any file: each file's content is a view of
 * the live request stream, pulled as the consumer reads, so backpressure reaches the client. Part bodies are
 * delimited with `Buffer.indexOf` (native search) and handed on without copying; parts without a filename
 * (form fields) are skipped, as Kubo does.
 *
 * @example
 * ```ts
 * for await (const entry of readMultipartEntries(req)) console.log(entry.path);
 * ```
 */
export async function* readMultipartEntries(req: IncomingMessage): AsyncGenerator<AddEntry> {
  const type = req.headers['content-type'] ?? '';
  const boundary = type.toLowerCase().startsWith('multipart/form-data') ? boundaryOf(type) : undefined;
  if (boundary === undefined) throw new AidocError('INVALID_PARAMS', 'file argument "path" is required');
  const cursor = new MultipartCursor(req, boundary);

  // Preamble: everything before the first delimiter is ignored.
  await skipPart(cursor);
  let sawPart = false;
  for (;;) {
    // After a delimiter: "--" ends the upload; otherwise (optional padding) CRLF, then the part's headers.
    while (cursor.pending.length < 2) await cursor.pullMore();
    if (cursor.pending[0] === 0x2d && cursor.pending[1] === 0x2d) break;
    await cursor.readUntil(CRLF, 1024);
    while (cursor.pending.length < 2) await cursor.pullMore();
    let headerText = '';
    if (cursor.pending[0] === 0x0d && cursor.pending[1] === 0x0a)
      cursor.pending = cursor.pending.subarray(2); // no header lines
    else headerText = (await cursor.readUntil(HEADERS_END, MAX_HEADER_BYTES)).toString('utf8');
    const headers = parsePartHeaders(headerText);
    cursor.partDone = false;
    if (headers.filename === undefined) {
      await skipPart(cursor); // a form field
      continue;
    }
    sawPart = true;
    if (headers.contentType === 'application/x-directory') {
      await skipPart(cursor); // a directory part has no content
      yield { path: headers.filename };
      continue;
    }
    yield { path: headers.filename, content: partBody(cursor) };
    // The consumer normally reads the whole body; whatever it left is skipped to reach the next part.
    if (!cursor.partDone) await skipPart(cursor);
  }
  if (!sawPart) throw new AidocError('INVALID_PARAMS', 'file argument "path" is required');
}
