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

/**
 * The request's chunks one at a time, read through `data` events (lighter per chunk than the stream's async
 * iterator) and paused while more than {@link QUEUE_HIGH_WATER} bytes wait, so backpressure reaches the
 * client. Resolves `undefined` at the end of the request; rejects when it fails or the client aborts.
 */
function chunkSource(req: IncomingMessage): () => Promise<Buffer | undefined> {
  const queue: Buffer[] = [];
  let queued = 0;
  let ended = false;
  let failure: AidocError | undefined;
  let wake: (() => void) | undefined;
  const notify = () => {
    const resolve = wake;
    wake = undefined;
    resolve?.();
  };
  const aborted = (cause?: unknown) =>
    new AidocError('NETWORK', 'The client aborted the upload.', cause === undefined ? {} : { cause });
  req.on('data', (chunk: Buffer) => {
    queue.push(chunk);
    queued += chunk.length;
    if (queued > QUEUE_HIGH_WATER) req.pause();
    notify();
  });
  req.once('end', () => {
    ended = true;
    notify();
  });
  req.once('aborted', () => {
    failure ??= aborted();
    notify();
  });
  req.once('error', (cause) => {
    failure ??= req.destroyed && !req.complete ? aborted(cause) : malformed(cause);
    notify();
  });
  req.once('close', () => {
    if (!ended) failure ??= aborted();
    notify();
  });
  return async () => {
    while (queue.length === 0) {
      if (failure) throw failure;
      if (ended) return undefined;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
    const chunk = queue.shift() as Buffer;
    queued -= chunk.length;
    if (queued <= QUEUE_HIGH_WATER / 2 && req.isPaused()) req.resume();
    return chunk;
  };
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
  // Every delimiter, the first one included, is matched as CRLF "--" boundary: the stream gets a virtual CRLF.
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  const keep = delimiter.length - 1;

  const nextChunk = chunkSource(req);
  /** Unparsed bytes: a view of the current request chunk, or a small joined buffer. */
  let pending: Buffer = Buffer.from(CRLF);

  /** Appends the next chunk to `pending` (a copy: used for the small header parts only). */
  const pullMore = async (): Promise<void> => {
    const chunk = await nextChunk();
    if (chunk === undefined) throw malformed();
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
  };

  /** How many trailing bytes of `buf` could be the start of a delimiter (0 for almost every chunk). */
  const heldBack = (buf: Buffer): number => {
    for (let i = buf.indexOf(0x0d, Math.max(0, buf.length - keep)); i !== -1; i = buf.indexOf(0x0d, i + 1)) {
      if (delimiter.compare(buf, i, buf.length, 0, buf.length - i) === 0) return buf.length - i;
    }
    return 0;
  };

  /** Set when the current part's body has been read up to its delimiter. */
  let partDone = false;

  /**
   * The body of the current part, up to the next delimiter, as views of the request chunks (never copied).
   * A chunk is handed on whole, so each piece but a part's last ends its buffer (the consumer may move it to
   * another thread). When a chunk's last bytes could begin a delimiter, the next chunk is read first and the
   * seam between the two searched on its own, so a delimiter split across chunks is still found. Nothing read
   * after a piece is handed on is a view of that piece's buffer. A new call resumes where an abandoned one
   * stopped.
   */
  async function* body(): AsyncGenerator<Uint8Array> {
    for (;;) {
      const at = pending.indexOf(delimiter);
      if (at !== -1) {
        const last = pending.subarray(0, at);
        // What follows the delimiter is copied (a few bytes, usually): the consumer may keep or move `last`'s
        // buffer.
        pending = Buffer.from(pending.subarray(at + delimiter.length));
        partDone = true;
        if (last.length > 0) yield last;
        return;
      }
      const hold = heldBack(pending);
      const chunk = await nextChunk();
      if (chunk === undefined) throw malformed();
      if (hold > 0) {
        if (chunk.length < keep) {
          pending = Buffer.concat([pending, chunk]); // a tiny chunk: join and search again
          continue;
        }
        // A delimiter that starts in the held-back tail ends within the first `keep` bytes of the chunk.
        const seam = Buffer.concat([pending.subarray(pending.length - hold), chunk.subarray(0, keep)]);
        const inSeam = seam.indexOf(delimiter);
        if (inSeam !== -1 && inSeam < hold) {
          const end = pending.length - hold + inSeam;
          const last = pending.subarray(0, end);
          pending = chunk.subarray(inSeam + delimiter.length - hold);
          partDone = true;
          if (end > 0) yield last;
          return;
        }
      }
      const whole = pending;
      pending = chunk;
      if (whole.length > 0) yield whole;
    }
  }

  /** Reads until `marker` is in `pending`; returns the bytes before it and consumes it. */
  const readUntil = async (marker: Buffer, limit: number): Promise<Buffer> => {
    for (;;) {
      const at = pending.indexOf(marker);
      if (at !== -1) {
        const head = pending.subarray(0, at);
        pending = pending.subarray(at + marker.length);
        return head;
      }
      if (pending.length > limit) throw malformed();
      await pullMore();
    }
  };

  // Preamble: everything before the first delimiter is ignored.
  for await (const _ of body()) {
    // discarded
  }
  let sawPart = false;
  for (;;) {
    // After a delimiter: "--" ends the upload; otherwise (optional padding) CRLF, then the part's headers.
    while (pending.length < 2) await pullMore();
    if (pending[0] === 0x2d && pending[1] === 0x2d) break;
    await readUntil(CRLF, 1024);
    while (pending.length < 2) await pullMore();
    let headerText = '';
    if (pending[0] === 0x0d && pending[1] === 0x0a)
      pending = pending.subarray(2); // no header lines
    else headerText = (await readUntil(HEADERS_END, MAX_HEADER_BYTES)).toString('utf8');
    const headers = parsePartHeaders(headerText);
    partDone = false;
    if (headers.filename === undefined) {
      for await (const _ of body()) {
        // a form field: skipped
      }
      continue;
    }
    sawPart = true;
    if (headers.contentType === 'application/x-directory') {
      for await (const _ of body()) {
        // a directory part has no content
      }
      yield { path: headers.filename };
      continue;
    }
    yield { path: headers.filename, content: body() };
    // The consumer normally reads the whole body; whatever it left is skipped to reach the next part.
    if (!partDone) {
      for await (const _ of body()) {
        // skipped
      }
    }
  }
  if (!sawPart) throw new AidocError('INVALID_PARAMS', 'file argument "path" is required');
}
