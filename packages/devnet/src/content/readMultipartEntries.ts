import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { AidocError } from '@aidoc/sdk/errors';
import busboy from 'busboy';
import type { AddEntry } from './addContent';

interface Part {
  path: string;
  directory: boolean;
  stream: Readable;
}

function decodeFilename(raw: string): string {
  // Kubo clients URL-encode each part's filename (go-ipfs-files); curl sends it as is.
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/**
 * Reads the parts of a Kubo multipart upload (`file` parts, `application/x-directory` parts for folders) as
 * a stream of {@link AddEntry}, one at a time, without buffering any file: each file's content is the live
 * request stream, so backpressure reaches the client.
 *
 * @example
 * ```ts
 * for await (const entry of readMultipartEntries(req)) console.log(entry.path);
 * ```
 */
export async function* readMultipartEntries(req: IncomingMessage): AsyncGenerator<AddEntry> {
  const type = req.headers['content-type'] ?? '';
  if (!type.toLowerCase().startsWith('multipart/form-data')) {
    throw new AidocError('INVALID_PARAMS', 'file argument "path" is required');
  }
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: req.headers,
      preservePath: true,
      defParamCharset: 'utf8',
      fileHwm: 4 * 1024 * 1024,
      highWaterMark: 4 * 1024 * 1024,
    });
  } catch (cause) {
    throw new AidocError('INVALID_PARAMS', 'file argument "path" is required', { cause });
  }
  const parts: Part[] = [];
  let finished = false;
  let failure: unknown;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  parser.on('file', (_field, stream, info) => {
    parts.push({
      path: decodeFilename(info.filename ?? ''),
      directory: info.mimeType === 'application/x-directory',
      stream,
    });
    notify();
  });
  parser.on('field', () => {});
  parser.on('close', () => {
    finished = true;
    notify();
  });
  parser.on('error', (error) => {
    failure = new AidocError('INVALID_INPUT', 'The multipart upload is malformed or was cut off.', {
      cause: error,
    });
    notify();
  });
  req.on('aborted', () => {
    failure = new AidocError('NETWORK', 'The client aborted the upload.');
    notify();
  });
  req.pipe(parser);
  let sawPart = false;
  while (true) {
    const part = parts.shift();
    if (part) {
      sawPart = true;
      if (part.directory) {
        part.stream.resume();
        yield { path: part.path };
      } else {
        yield { path: part.path, content: part.stream };
      }
      continue;
    }
    if (failure) throw failure;
    if (finished) break;
    await new Promise<void>((resolve) => {
      wake = resolve;
    });
  }
  if (!sawPart) throw new AidocError('INVALID_PARAMS', 'file argument "path" is required');
}
