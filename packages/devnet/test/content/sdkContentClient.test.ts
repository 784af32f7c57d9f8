// The SDK's content module, by path until packages/sdk/src/index.ts re-exports it.
import { AidocError, createContentClient } from '@aidoc/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ContentServer, createContentServer } from '../../src/content';

describe('SDK content module (kubo-rpc-client) against the devnet server', () => {
  let server: ContentServer;
  beforeAll(async () => {
    server = await createContentServer({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await server.close();
  });

  it('adds with Kubo CIDs, reads back, pins and unpins', async () => {
    const content = createContentClient({ url: server.url });
    // Kubo test/cli/add_test.go vectors for "hello world".
    expect(await content.add('hello world')).toEqual({
      cid: 'Qmf412jQZiuVUtdgnB36FXFX7xg5V6KEbSJ4dpQuhkLyfD',
      size: 19,
    });
    const v1 = await content.add('hello world', { cidVersion: 1, pin: false });
    expect(v1.cid).toBe('bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e');
    expect(new TextDecoder().decode(await content.catBytes(v1.cid))).toBe('hello world');

    await content.pin(v1.cid);
    expect(
      await server.store.pinTypeOf(await import('multiformats/cid').then((m) => m.CID.parse(v1.cid))),
    ).toBe('recursive');
    await content.unpin(v1.cid);
    await expect(content.unpin(v1.cid)).rejects.toSatisfy((e) => AidocError.is(e, 'NOT_FOUND'));
  });

  it('streams a large upload with progress callbacks and reads a range', async () => {
    const content = createContentClient({ url: server.url });
    async function* chunks() {
      for (let i = 0; i < 8; i++) yield new Uint8Array(128 * 1024).fill(i);
    }
    const seen: number[] = [];
    const { cid } = await content.add(chunks(), { rawLeaves: true, onProgress: (n) => seen.push(n) });
    expect(seen.at(-1)).toBe(8 * 128 * 1024);
    const parts: Uint8Array[] = [];
    for await (const part of content.cat(cid, { offset: 128 * 1024 * 3, length: 4 })) parts.push(part);
    expect([...Buffer.concat(parts)]).toEqual([3, 3, 3, 3]);
  });

  it('turns failures into typed AidocErrors', async () => {
    const content = createContentClient({ url: server.url });
    await expect(content.catBytes('not a cid')).rejects.toSatisfy((e) => AidocError.is(e, 'INVALID_INPUT'));
    await expect(
      content.catBytes('bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy'),
    ).rejects.toSatisfy((e) => AidocError.is(e, 'NOT_FOUND'));
    const offline = createContentClient({ url: 'http://127.0.0.1:9' });
    await expect(offline.add('x')).rejects.toSatisfy((e) => AidocError.is(e, 'NETWORK'));
    expect(() => createContentClient({ url: 'nope' })).toThrow(AidocError);
  });
});
