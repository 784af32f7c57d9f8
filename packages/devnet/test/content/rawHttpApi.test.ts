import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ContentServer, createContentServer } from '../../src/content';

// Error shapes as go-ipfs-cmds writes them: {"Message","Code","Type":"error"}; Code 1 (client error, HTTP 400)
// for argument problems, Code 0 (HTTP 500) for errors from a command's Run; POST only (405 otherwise).

describe('raw HTTP Kubo RPC API', () => {
  let server: ContentServer;
  beforeAll(async () => {
    server = await createContentServer({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await server.close();
  });
  const post = (path: string, init: RequestInit = {}) =>
    fetch(`${server.url}/api/v0/${path}`, { method: 'POST', ...init });

  const addText = async (query: string, parts: Array<{ name: string; body?: string }>) => {
    const form = new FormData();
    for (const part of parts) {
      if (part.body === undefined)
        form.append('file', new Blob([], { type: 'application/x-directory' }), encodeURIComponent(part.name));
      else
        form.append(
          'file',
          new Blob([part.body], { type: 'application/octet-stream' }),
          encodeURIComponent(part.name),
        );
    }
    return post(`add?${query}`, { body: form });
  };

  it('GET instead of POST is 405', async () => {
    const res = await fetch(`${server.url}/api/v0/version`);
    expect(res.status).toBe(405);
    expect(await res.text()).toContain('405 - Method Not Allowed');
  });

  it('unknown command is 404', async () => {
    const res = await post('swarm/peers');
    expect(res.status).toBe(404);
  });

  it('missing arg is a 400 client error', async () => {
    const res = await post('cat');
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toEqual({ Message: 'argument "ipfs-path" is required', Code: 1, Type: 'error' });
  });

  it('unknown CID is a 500 with Kubo’s offline not-found message', async () => {
    const cid = 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy';
    const res = await post(`block/get?arg=${cid}`);
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({
      Message: `block was not found locally (offline): ipld: could not find ${cid}`,
      Code: 0,
      Type: 'error',
    });
  });

  it('a directory passed to cat is an error', async () => {
    const added = await addText('', [{ name: 'd' }, { name: 'd/a.txt', body: 'a' }]);
    const lines = (await added.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const dir = lines.find((l) => l.Name === 'd');
    const res = await post(`cat?arg=${dir.Hash}`);
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ Message: 'this dag node is a directory', Code: 0, Type: 'error' });
  });

  it('add streams NDJSON with Kubo’s headers and fields, progress included', async () => {
    const res = await addText('progress=true', [{ name: 'hello.txt', body: 'Hello Worlds!\n' }]);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-chunked-output')).toBe('1');
    expect(res.headers.get('trailer')).toBe('X-Stream-Error');
    const lines = (await res.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.at(-1)).toEqual({
      Name: 'hello.txt',
      Hash: 'QmVr26fY1tKyspEJBniVhqxQeEjhF78XerGiqWAwraVLQH',
      Size: '22',
    });
    expect(lines).toContainEqual({ Name: 'hello.txt', Bytes: 14 });
  });

  it('cat is a byte stream with X-Stream-Output and X-Content-Length', async () => {
    const res = await post('cat?arg=/ipfs/QmVr26fY1tKyspEJBniVhqxQeEjhF78XerGiqWAwraVLQH');
    expect(res.headers.get('x-stream-output')).toBe('1');
    expect(res.headers.get('x-content-length')).toBe('14');
    expect(await res.text()).toBe('Hello Worlds!\n');
  });

  it('concurrent cats of multi-block files return their exact bytes while block buffers are recycled', async () => {
    const files = [randomBytes(3 * 1024 * 1024 + 17), randomBytes(2 * 1024 * 1024 + 5)];
    const cids: string[] = [];
    for (const file of files) {
      const form = new FormData();
      form.append('file', new Blob([file]), 'f.bin');
      const added = JSON.parse(
        (await (await post('add', { body: form })).text()).trim().split('\n').at(-1) ?? '{}',
      );
      cids.push(added.Hash);
    }
    const reads = [0, 1, 0, 1, 0, 1].map(async (i) => {
      const body = Buffer.from(await (await post(`cat?arg=${cids[i]}`)).arrayBuffer());
      return body.equals(files[i] as Buffer);
    });
    expect(await Promise.all(reads)).toEqual([true, true, true, true, true, true]);
    // With an offset and length inside and across leaves too.
    const part = Buffer.from(
      await (await post(`cat?arg=${cids[0]}&offset=262100&length=600000`)).arrayBuffer(),
    );
    expect(part.equals((files[0] as Buffer).subarray(262_100, 862_100))).toBe(true);
  });

  it('invalid option values are client errors; bad CIDs are Run errors', async () => {
    const badBool = await addText('pin=maybe', [{ name: 'x', body: 'x' }]);
    expect(badBool.status).toBe(400);
    expect(((await badBool.json()) as { Code: number }).Code).toBe(1);
    const badVersion = await addText('cid-version=7', [{ name: 'x', body: 'x' }]);
    expect(badVersion.status).toBe(500);
    expect(((await badVersion.json()) as { Message: string }).Message).toBe('unknown CID version: 7');
    const badCid = await post('block/stat?arg=not-a-cid');
    expect(badCid.status).toBe(500);
    expect(((await badCid.json()) as { Message: string }).Message).toMatch(/^invalid path "not-a-cid"/);
  });

  it('dag/get renders dag-pb as dag-json', async () => {
    const res = await post('dag/get?arg=QmVr26fY1tKyspEJBniVhqxQeEjhF78XerGiqWAwraVLQH');
    expect(JSON.parse(await res.text())).toEqual({
      Data: { '/': { bytes: 'CAISDkhlbGxvIFdvcmxkcyEKGA4' } },
      Links: [],
    });
  });

  it('an error after streaming began goes in the X-Stream-Error trailer', async () => {
    // A file of two chunks whose second leaf is missing: cat starts streaming, then fails on the leaf.
    const big = 'x'.repeat(300_000);
    const added = await addText('raw-leaves=true', [{ name: 'big', body: big }]);
    const root = (await added.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .at(-1).Hash as string;
    await post(`pin/rm?arg=${root}`).then((r) => r.text());
    // Re-pin only the root block directly, then collect: the leaves go, the root stays.
    await post(`pin/add?arg=${root}&recursive=false`).then((r) => r.text());
    await post('repo/gc').then((r) => r.text());
    const trailers = await new Promise<Record<string, string>>((resolve, reject) => {
      import('node:http').then(({ request }) => {
        const url = new URL(`${server.url}/api/v0/cat?arg=${root}`);
        const req = request(url, { method: 'POST' }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.trailers as Record<string, string>));
        });
        req.on('error', reject);
        req.end();
      });
    });
    expect(trailers['x-stream-error']).toMatch(/could not find/);
  });
});
