import { create, type KuboRPCClient } from 'kubo-rpc-client';
import { CID } from 'multiformats/cid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ContentServer, createContentServer } from '../../src/content';

const text = (s: string) => new TextEncoder().encode(s);
const concat = async (source: AsyncIterable<Uint8Array>) => {
  const parts: Uint8Array[] = [];
  for await (const part of source) parts.push(part);
  return Buffer.concat(parts);
};
const all = async <T>(source: AsyncIterable<T>) => {
  const out: T[] = [];
  for await (const item of source) out.push(item);
  return out;
};

/** Minimal ustar reader: name and body of each entry. */
function readTar(buf: Buffer): Array<{ name: string; type: string; body: string }> {
  const out: Array<{ name: string; type: string; body: string }> = [];
  let at = 0;
  while (at + 512 <= buf.length) {
    const header = buf.subarray(at, at + 512);
    if (header.every((b) => b === 0)) break;
    const name = header.subarray(0, 100).toString('utf8').replace(/\0.*$/s, '');
    const size = Number.parseInt(
      header.subarray(124, 136).toString('utf8').replace(/\0.*$/s, '').trim() || '0',
      8,
    );
    const type = String.fromCharCode(header[156] ?? 48);
    out.push({
      name,
      type: type === '5' ? 'directory' : 'file',
      body: buf.subarray(at + 512, at + 512 + size).toString('utf8'),
    });
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}

describe('kubo-rpc-client against the devnet content server', () => {
  let server: ContentServer;
  let kubo: KuboRPCClient;
  beforeAll(async () => {
    server = await createContentServer({ host: '127.0.0.1', port: 0 });
    kubo = create({ url: server.url });
  });
  afterAll(async () => {
    await server.close();
  });

  it('version and id', async () => {
    const version = await kubo.version();
    expect(version.version).toMatch(/^\d+\.\d+\.\d+$/);
    const id = await kubo.id();
    expect(id.id.toString()).toMatch(/^12D3KooW/);
  });

  it('add with Kubo defaults and options, cat back, with progress', async () => {
    const added = await kubo.add(text('hello world'));
    expect(added.cid.toString()).toBe('Qmf412jQZiuVUtdgnB36FXFX7xg5V6KEbSJ4dpQuhkLyfD'); // Kubo test/cli/add_test.go
    expect(added.size).toBe(19);
    const v1 = await kubo.add(text('hello world'), { cidVersion: 1 });
    expect(v1.cid.toString()).toBe('bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e');
    expect((await concat(kubo.cat(added.cid))).toString()).toBe('hello world');
    expect((await concat(kubo.cat(added.cid, { offset: 6, length: 3 }))).toString()).toBe('wor');

    const progress: number[] = [];
    const big = new Uint8Array(700_000).map((_, i) => i % 251);
    const bigAdded = await kubo.add(big, {
      chunker: 'size-65536',
      rawLeaves: true,
      progress: (bytes) => progress.push(bytes),
    });
    // Kubo reports progress every 256 KiB read and at the end (core/coreunix/add.go progressReaderIncrement).
    expect(progress.at(-1)).toBe(700_000);
    expect(progress.length).toBe(3);
    for (let i = 1; i < progress.length - 1; i++) {
      expect((progress[i] as number) - (progress[i - 1] as number)).toBeGreaterThanOrEqual(262_144);
    }
    expect(Buffer.compare(await concat(kubo.cat(bigAdded.cid)), Buffer.from(big))).toBe(0);

    const onlyHash = await kubo.add(text('never stored'), { onlyHash: true });
    await expect(kubo.block.stat(onlyHash.cid)).rejects.toThrow(/could not find/);
  });

  it('addAll a directory, wrap-with-directory, get it back as tar', async () => {
    const entries = await all(
      kubo.addAll([
        { path: 'planets/mars.txt', content: text('Hello Mars!\n') },
        { path: 'planets/venus.txt', content: text('Hello Venus!\n') },
      ]),
    );
    const dir = entries.find((e) => e.path === 'planets');
    expect(dir?.cid.toString()).toBe('QmWSgS32xQEcXMeqd3YPJLrNBLSdsfYCep2U7CFkyrjXwY'); // t0040-add-and-cat.sh
    const wrapped = await all(
      kubo.addAll([{ path: 'hello.txt', content: text('Hello Worlds!\n') }], { wrapWithDirectory: true }),
    );
    expect(wrapped.map((e) => e.path)).toEqual(['hello.txt', '']);
    const tar = readTar(await concat(kubo.get(`${dir?.cid}`)));
    expect(tar).toEqual([
      { name: `${dir?.cid}`, type: 'directory', body: '' },
      { name: `${dir?.cid}/mars.txt`, type: 'file', body: 'Hello Mars!\n' },
      { name: `${dir?.cid}/venus.txt`, type: 'file', body: 'Hello Venus!\n' },
    ]);
    expect((await concat(kubo.cat(`/ipfs/${dir?.cid}/venus.txt`))).toString()).toBe('Hello Venus!\n');
  });

  it('block put, get, stat', async () => {
    const cid = await kubo.block.put(text('a raw block'));
    expect(cid.version).toBe(1);
    expect(cid.code).toBe(0x55);
    expect(Buffer.from(await kubo.block.get(cid)).toString()).toBe('a raw block');
    expect(await kubo.block.stat(cid)).toEqual({ cid, size: 11 });
  });

  it('dag get through kubo-rpc-client (block/get + local decode) and a dag-pb path', async () => {
    const [mars, , dir] = await all(
      kubo.addAll([
        { path: 'p/mars.txt', content: text('Hello Mars!\n') },
        { path: 'p/venus.txt', content: text('Hello Venus!\n') },
      ]),
    );
    const node = await kubo.dag.get(dir?.cid as CID);
    const links = (node.value as { Links: Array<{ Name: string; Hash: CID }> }).Links;
    expect(links.map((l) => [l.Name, l.Hash.toString()])).toEqual([
      ['mars.txt', mars?.cid.toString()],
      ['venus.txt', 'QmU5kp3BH3B8tnWUU2Pikdb2maksBNkb92FHRr56hyghh4'],
    ]);
  });

  it('pin add, ls (all types), rm; repo gc removes exactly the unpinned blocks; repo stat', async () => {
    const keep = await kubo.add(text('keep me'), { pin: false });
    const drop = await kubo.add(text('drop me'), { pin: false });
    expect(await all(kubo.pin.addAll([{ cid: keep.cid }]))).toEqual([keep.cid]);
    const pins = await all(kubo.pin.ls());
    expect(pins.find((p) => p.cid.equals(keep.cid))?.type).toBe('recursive');
    expect(pins.some((p) => p.cid.equals(drop.cid))).toBe(false);
    const pinnedOne = await all(kubo.pin.ls({ paths: [keep.cid] }));
    expect(pinnedOne.map((p) => p.type)).toEqual(['recursive']);

    const before = await kubo.repo.stat();
    const removed = (await all(kubo.repo.gc())).map((r) => r.cid?.toString());
    // The unpinned add is collected (reported as CIDv1 raw of its multihash, like Kubo); the pinned one is not.
    expect(removed).toContain(CID.createV1(0x55, drop.cid.multihash).toString());
    expect(removed).not.toContain(CID.createV1(0x55, keep.cid.multihash).toString());
    const after = await kubo.repo.stat();
    expect(after.numObjects).toBe(before.numObjects - BigInt(removed.length));
    expect(Buffer.from(await kubo.block.get(keep.cid)).length).toBeGreaterThan(0);
    await expect(kubo.block.get(drop.cid)).rejects.toThrow(/could not find/);

    expect(await kubo.pin.rm(keep.cid)).toEqual(keep.cid);
    await expect(kubo.pin.rm(keep.cid)).rejects.toThrow(/not pinned/);
  });
});
