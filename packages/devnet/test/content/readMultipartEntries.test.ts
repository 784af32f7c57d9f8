import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { AidocError } from '@aidoc/sdk/errors';
import { describe, expect, it } from 'vitest';
import { readMultipartEntries } from '../../src/content/readMultipartEntries';

const boundary = 'aidoc-test-boundary';

/** A request stream with the given body, cut into pieces at `cuts`. */
function request(body: Buffer, cuts: number[], contentType = `multipart/form-data; boundary=${boundary}`) {
  const pieces: Buffer[] = [];
  let at = 0;
  for (const cut of [...cuts, body.length]) {
    if (cut > at) pieces.push(body.subarray(at, cut));
    at = Math.max(at, cut);
  }
  const stream = Readable.from(pieces, { objectMode: false });
  return Object.assign(stream, { headers: { 'content-type': contentType } }) as unknown as IncomingMessage;
}

async function read(req: IncomingMessage) {
  const out: Array<{ path: string; content?: string }> = [];
  for await (const entry of readMultipartEntries(req)) {
    if (!entry.content) {
      out.push({ path: entry.path });
      continue;
    }
    const parts: Buffer[] = [];
    for await (const piece of entry.content as AsyncIterable<Uint8Array>) parts.push(Buffer.from(piece));
    out.push({ path: entry.path, content: Buffer.concat(parts).toString('latin1') });
  }
  return out;
}

const body = Buffer.from(
  [
    'preamble to ignore',
    `--${boundary}`,
    'Content-Disposition: form-data; name="file"; filename="dir"',
    'Content-Type: application/x-directory',
    '',
    '',
    `--${boundary}`,
    'Content-Disposition: form-data; name="field"',
    '',
    'a form field, skipped',
    `--${boundary}`,
    'Content-Disposition: form-data; name="file"; filename="dir%2Fa%20b.txt"',
    'Content-Type: application/octet-stream',
    '',
    `line one\r\n--${boundary.slice(0, 8)} not a delimiter\r\n-- still content`,
    `--${boundary}`,
    'Content-Disposition: form-data; name="file"; filename="empty"',
    '',
    '',
    `--${boundary}--`,
    'epilogue',
  ].join('\r\n'),
  'latin1',
);
const expected = [
  { path: 'dir' },
  {
    path: 'dir/a b.txt',
    content: `line one\r\n--${boundary.slice(0, 8)} not a delimiter\r\n-- still content`,
  },
  { path: 'empty', content: '' },
];

describe('readMultipartEntries', () => {
  it('reads directory and file parts, skips fields, whole or cut at any byte', async () => {
    expect(await read(request(body, []))).toEqual(expected);
    for (let cut = 1; cut < body.length; cut++) {
      expect(await read(request(body, [cut])), `cut at ${cut}`).toEqual(expected);
    }
    // Many tiny pieces: every delimiter straddles several chunks.
    for (const size of [1, 2, 3, 7, 19]) {
      const cuts = Array.from({ length: Math.ceil(body.length / size) }, (_, i) => i * size);
      expect(await read(request(body, cuts)), `pieces of ${size}`).toEqual(expected);
    }
  });

  it('hands large bodies on as views of the request chunks, byte-exact', async () => {
    const payload = Buffer.alloc(300_000, 0x2d); // all '-': worst case for a delimiter search
    const big = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big"\r\n\r\n`),
      payload,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const cuts = Array.from({ length: 40 }, (_, i) => i * 7919);
    const [entry] = await read(request(big, cuts));
    expect(entry?.path).toBe('big');
    expect(Buffer.from(entry?.content ?? '', 'latin1').equals(payload)).toBe(true);
  });

  it('rejects a body cut off before the closing delimiter, and a request that is not multipart', async () => {
    const cut = body.subarray(0, body.indexOf('line one') + 4);
    await expect(read(request(cut, []))).rejects.toSatisfy((e) => AidocError.is(e, 'INVALID_INPUT'));
    await expect(read(request(body, [], 'application/octet-stream'))).rejects.toSatisfy((e) =>
      AidocError.is(e, 'INVALID_PARAMS'),
    );
    const noParts = Buffer.from(`--${boundary}--\r\n`);
    await expect(read(request(noParts, []))).rejects.toSatisfy((e) => AidocError.is(e, 'INVALID_PARAMS'));
  });
});
