import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ContentServer, createContentServer } from '../../src/content';

const MiB = 1024 * 1024;
const BOUNDARY = 'aidoc-aborted-upload';

function partHead(name: string): Buffer {
  return Buffer.from(
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\n` +
      'Content-Type: application/octet-stream\r\n\r\n',
  );
}

/** Starts a multipart add that announces `declared` bytes, sends `sent` of them, then drops the connection. */
async function abortedAdd(url: string, declared: number, sent: number): Promise<void> {
  const head = partHead('big.bin');
  const tail = Buffer.from(`\r\n--${BOUNDARY}--\r\n`);
  await new Promise<void>((resolve) => {
    const req = request(`${url}/api/v0/add`, {
      method: 'POST',
      headers: {
        'Content-Type': `multipart/form-data; boundary=${BOUNDARY}`,
        'Content-Length': String(head.length + declared + tail.length),
      },
    });
    req.on('error', () => resolve()); // the socket we destroy
    req.on('response', (res) => {
      res.resume();
      res.on('close', () => resolve());
    });
    req.write(head);
    let left = sent;
    const pump = () => {
      while (left > 0) {
        const n = Math.min(MiB, left);
        left -= n;
        if (!req.write(randomBytes(n))) {
          req.once('drain', pump);
          return;
        }
      }
      // Let the server read what was sent, then cut the connection mid-body.
      setTimeout(() => {
        req.destroy();
        resolve();
      }, 100);
    };
    pump();
  });
}

async function add(url: string, bytes: Uint8Array, query = ''): Promise<{ Hash: string; Size: string }> {
  const form = new FormData();
  form.append('file', new Blob([bytes]), 'f.bin');
  const res = await fetch(`${url}/api/v0/add?${query}`, { method: 'POST', body: form });
  const lines = (await res.text()).trim().split('\n');
  return JSON.parse(lines.at(-1) ?? '{}') as { Hash: string; Size: string };
}

// In memory the leaves are assembled on the worker; with a data dir they are stored as their parts.
describe.each(['memory', 'data dir'])('an upload cut off mid-body (%s)', (mode) => {
  let server: ContentServer;
  let dataDir: string | undefined;
  beforeAll(async () => {
    dataDir = mode === 'memory' ? undefined : await mkdtemp(join(tmpdir(), 'aidoc-aborted-'));
    server = await createContentServer({ host: '127.0.0.1', port: 0, dataDir });
  });
  afterAll(async () => {
    await server.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('leaves the server serving, pins nothing, and its blocks are collectable', async () => {
    const before = await server.store.stat();
    await abortedAdd(server.url, 64 * MiB, 9 * MiB);
    // The next adds, several at once, still get the CIDs an unhurried add gets (the hashing worker kept no
    // state of the aborted file that could leak into them).
    const files = [randomBytes(3 * MiB + 5), randomBytes(700_000), randomBytes(1)];
    const alone: string[] = [];
    for (const f of files) alone.push((await add(server.url, f, 'only-hash=true')).Hash);
    const together = await Promise.all(files.map((f) => add(server.url, f)));
    expect(together.map((r) => r.Hash)).toEqual(alone);
    // Nothing of the aborted upload is pinned: unpinning what we added and collecting brings the store back.
    for (const { Hash } of together) {
      const res = await fetch(`${server.url}/api/v0/pin/rm?arg=${Hash}`, { method: 'POST' });
      expect(res.status).toBe(200);
    }
    await (await fetch(`${server.url}/api/v0/repo/gc`, { method: 'POST' })).text();
    expect(await server.store.stat()).toEqual(before);
  });
});
