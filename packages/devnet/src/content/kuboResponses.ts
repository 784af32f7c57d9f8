import type { ServerResponse } from 'node:http';
import { AidocError } from '@aidoc/sdk/errors';

/** go-ipfs-cmds error types (the `Code` field of an error body). */
export const KUBO_ERROR_NORMAL = 0;
export const KUBO_ERROR_CLIENT = 1;

/** Headers every Kubo RPC response carries (go-ipfs-cmds `http/responseemitter.go`). */
function baseHeaders(contentType: string): Record<string, string> {
  return {
    'Content-Type': contentType,
    Trailer: 'X-Stream-Error',
    Vary: 'Origin',
    'Access-Control-Allow-Headers': 'X-Stream-Output, X-Chunked-Output, X-Content-Length',
    'Access-Control-Expose-Headers': 'X-Stream-Output, X-Chunked-Output, X-Content-Length',
  };
}

/**
 * Maps an error to Kubo's status and body: argument and option errors (`INVALID_PARAMS`) are go-ipfs-cmds
 * client errors (HTTP 400, `Code` 1); everything a command's Run returns is HTTP 500 with `Code` 0.
 *
 * @example
 * ```ts
 * kuboErrorOf(new AidocError('INVALID_PARAMS', 'argument "key" is required')); // { status: 400, code: 1, ... }
 * ```
 */
export function kuboErrorOf(error: unknown): { status: number; code: number; message: string } {
  const message = AidocError.is(error)
    ? error.shortMessage
    : error instanceof Error
      ? error.message
      : String(error);
  if (AidocError.is(error, 'INVALID_PARAMS')) return { status: 400, code: KUBO_ERROR_CLIENT, message };
  return { status: 500, code: KUBO_ERROR_NORMAL, message };
}

/**
 * Sends an error the way Kubo does: before any output, a JSON body `{"Message","Code","Type":"error"}` with
 * the mapped status; after streaming began, the message in the `X-Stream-Error` trailer.
 *
 * @example
 * ```ts
 * sendKuboError(res, new AidocError('INVALID_PARAMS', 'argument "ipfs-path" is required'));
 * ```
 */
export function sendKuboError(res: ServerResponse, error: unknown): void {
  const { status, code, message } = kuboErrorOf(error);
  if (res.headersSent) {
    if (!res.writableEnded) {
      res.addTrailers({ 'X-Stream-Error': message.replace(/[\r\n]+/g, ' ') });
      res.end();
    }
    return;
  }
  res.writeHead(status, baseHeaders('application/json'));
  res.end(`${JSON.stringify({ Message: message, Code: code, Type: 'error' })}\n`);
}

/**
 * Sends one JSON value (followed by a newline, as Go's json.Encoder writes it).
 *
 * @example
 * ```ts
 * sendKuboJson(res, { Version: '0.38.0' });
 * ```
 */
export function sendKuboJson(res: ServerResponse, value: unknown): void {
  res.writeHead(200, baseHeaders('application/json'));
  res.end(`${JSON.stringify(value)}\n`);
}

/**
 * Starts a streamed response: `ndjson` for multi-object output (`X-Chunked-Output: 1`), `bytes` for byte
 * streams such as `cat` (`text/plain`, `X-Stream-Output: 1`, optional `X-Content-Length`).
 *
 * @example
 * ```ts
 * startKuboStream(res, 'bytes', { contentLength: 12n });
 * ```
 */
export function startKuboStream(
  res: ServerResponse,
  kind: 'ndjson' | 'bytes',
  options: { contentLength?: bigint | number } = {},
): void {
  if (kind === 'ndjson') {
    res.writeHead(200, { ...baseHeaders('application/json'), 'X-Chunked-Output': '1' });
    return;
  }
  res.writeHead(200, {
    ...baseHeaders('text/plain'),
    'X-Stream-Output': '1',
    ...(options.contentLength !== undefined ? { 'X-Content-Length': String(options.contentLength) } : {}),
  });
}

/**
 * Writes a chunk, waiting for the socket to drain when its buffer is full (end-to-end backpressure).
 * `onWritten` runs once the socket has taken the chunk (not when the write fails), so the caller may reuse
 * its buffer.
 *
 * @example
 * ```ts
 * await writeWithBackpressure(res, `${JSON.stringify(event)}\n`);
 * ```
 */
export async function writeWithBackpressure(
  res: ServerResponse,
  chunk: Uint8Array | string,
  onWritten?: () => void,
): Promise<void> {
  if (res.destroyed) throw new AidocError('NETWORK', 'The client closed the connection.');
  const written = onWritten && ((error?: Error | null) => error || onWritten());
  if (written ? res.write(chunk, written) : res.write(chunk)) return;
  await new Promise<void>((resolve, reject) => {
    const cleanup = () => {
      res.off('drain', onDrain);
      res.off('close', onClose);
    };
    const onDrain = () => {
      cleanup();
      resolve();
    };
    const onClose = () => {
      cleanup();
      reject(new AidocError('NETWORK', 'The client closed the connection.'));
    };
    res.on('drain', onDrain);
    res.on('close', onClose);
  });
}
