import { createCipheriv, createHash } from 'node:crypto';
import { CID } from 'multiformats/cid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AddEntry, addContent } from '../../src/content/addContent';
import type { ContentStore } from '../../src/content/ContentStore';
import { createContentStore } from '../../src/content/createContentStore';
import { parseKuboAddOptions } from '../../src/content/parseKuboAddOptions';
import { readFileContent } from '../../src/content/readFileContent';

// Every expected CID below is published by Kubo itself; each vector names the file it comes from
// (paths in https://github.com/ipfs/kubo). CIDs are compared as CIDs, so a base58 CIDv1 printed by an older
// Kubo equals the base32 one we print.

const text = (s: string) => new TextEncoder().encode(s);

async function addAll(store: ContentStore, entries: AddEntry[], query = '') {
  const out: Array<{ name: string; cid: string }> = [];
  for await (const ev of addContent(store, entries, parseKuboAddOptions(new URLSearchParams(query)))) {
    if (ev.type === 'added') out.push({ name: ev.name, cid: ev.cid.toString() });
  }
  return out;
}

async function rootOf(store: ContentStore, entries: AddEntry[], query = '') {
  const out = await addAll(store, entries, query);
  return CID.parse(out.at(-1)?.cid ?? '')
    .toV1()
    .toString();
}

/** Kubo ≤0.4 printed CIDv1 in base58btc (`zb2…`, `zdj7…`): compare every CID in its CIDv1 base32 form. */
const v1 = (cid: string) => CID.parse(cid).toV1().toString();

/**
 * Kubo's deterministic test data (test/cli/testutils/random_deterministic.go, `DeterministicRandomReader`):
 * ChaCha20 keystream with key = sha256(seed) and an all-zero 12-byte nonce, counter from 0. Streamed in
 * 1 MiB pieces so the test never holds the file.
 */
async function* deterministicBytes(size: number, seed: string): AsyncGenerator<Uint8Array> {
  const key = createHash('sha256').update(seed).digest();
  const cipher = createCipheriv('chacha20', key, Buffer.alloc(16));
  const piece = Buffer.alloc(1 << 20);
  for (let left = size; left > 0; left -= piece.length) {
    const n = Math.min(left, piece.length);
    yield new Uint8Array(cipher.update(piece.subarray(0, n)));
  }
}

describe('CID parity with Kubo', () => {
  let store: ContentStore;
  beforeAll(async () => {
    store = await createContentStore();
  });
  afterAll(async () => {
    await store.close();
  });

  it('empty file (test/sharness/t0040-add-and-cat.sh: "zero length file has correct hash")', async () => {
    expect(await rootOf(store, [{ path: '', content: [] }])).toBe(
      v1('QmbFMke1KXqnYyBBWxB74N4c5SBnJMVAiMNRcGu6x1AwQH'),
    );
  });

  it('empty file with --raw-leaves (t0040-add-and-cat.sh, test_add_cat_raw)', async () => {
    expect(await rootOf(store, [{ path: '', content: [] }], 'raw-leaves=true')).toBe(
      v1('zb2rhmy65F3REf8SZp7De11gxtECBGgUKaLdiDj7MCGCHxbDW'),
    );
  });

  // test/cli/add_test.go: shortString = "hello world" (no trailing newline)
  it('"hello world", default (add_test.go shortStringCidV0)', async () => {
    const [r] = await addAll(store, [{ path: '', content: [text('hello world')] }]);
    expect(r?.cid).toBe('Qmf412jQZiuVUtdgnB36FXFX7xg5V6KEbSJ4dpQuhkLyfD');
  });

  it('"hello world", --cid-version=1 (add_test.go shortStringCidV1: raw leaf)', async () => {
    const [r] = await addAll(store, [{ path: '', content: [text('hello world')] }], 'cid-version=1');
    expect(r?.cid).toBe('bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e');
  });

  it('"hello world", --cid-version=1 --raw-leaves=false (add_test.go shortStringCidV1NoRawLeaves)', async () => {
    const [r] = await addAll(
      store,
      [{ path: '', content: [text('hello world')] }],
      'cid-version=1&raw-leaves=false',
    );
    expect(r?.cid).toBe('bafybeihykld7uyxzogax6vgyvag42y7464eywpf55gxi5qpoisibh3c5wa');
  });

  // test/sharness/t0114-gateway-subdomains/README.md: CID_VAL="hello" piped through echo (trailing newline)
  it('"hello\\n", default and --cid-version=1 (t0114-gateway-subdomains/README.md)', async () => {
    expect((await addAll(store, [{ path: '', content: [text('hello\n')] }]))[0]?.cid).toBe(
      'QmZULkCELmmk5XNfCgTnCyFgAVxBRBXyDHGGMVoLFLiXEN',
    );
    expect((await addAll(store, [{ path: '', content: [text('hello\n')] }], 'cid-version=1'))[0]?.cid).toBe(
      'bafkreicysg23kiwv34eg2d7qweipxwosdo2py4ldv42nbauguluen5v6am',
    );
  });

  // test/sharness/t0040-add-and-cat.sh, test_add_cat_file: echo "Hello Worlds!" >mountdir/hello.txt
  it('"Hello Worlds!\\n" default, --only-hash and --trickle (t0040-add-and-cat.sh)', async () => {
    const hello = () => [{ path: 'hello.txt', content: [text('Hello Worlds!\n')] }];
    expect(await addAll(store, hello())).toEqual([
      { name: 'hello.txt', cid: 'QmVr26fY1tKyspEJBniVhqxQeEjhF78XerGiqWAwraVLQH' },
    ]);
    expect((await addAll(store, hello(), 'only-hash=true'))[0]?.cid).toBe(
      'QmVr26fY1tKyspEJBniVhqxQeEjhF78XerGiqWAwraVLQH',
    );
    expect((await addAll(store, hello(), 'trickle=true'))[0]?.cid).toBe(
      'QmUkUQgxXeggyaD5Ckv8ZqfW8wHBX6cYyeiyqvVZYzq5Bi',
    );
  });

  it('stdin without and with a trailing newline (t0040-add-and-cat.sh, "ipfs add -q with stdin")', async () => {
    const neptune = await addAll(store, [{ path: '', content: [text('Hello Neptune!\nHello Pluton!')] }]);
    // Kubo names an unnamed upload after its CID: "added $HASH $HASH".
    expect(neptune).toEqual([
      {
        name: 'QmZDhWpi8NvKrekaYYhxKCdNVGWsFFe1CREnAjP1QbPaB3',
        cid: 'QmZDhWpi8NvKrekaYYhxKCdNVGWsFFe1CREnAjP1QbPaB3',
      },
    ]);
    expect((await addAll(store, [{ path: '', content: [text('Hello Jupiter!\n')] }]))[0]?.cid).toBe(
      'QmUnvPcBctVTAcJpigv6KMqDvmDewksPWrNVoy1E1WP5fh',
    );
  });

  // test/sharness/t0040-add-and-cat.sh, add_directory: planets/{mars,venus}.txt under four flag sets.
  const planets = (): AddEntry[] => [
    { path: 'planets' },
    { path: 'planets/mars.txt', content: [text('Hello Mars!\n')] },
    { path: 'planets/venus.txt', content: [text('Hello Venus!\n')] },
  ];
  it.each([
    [
      '',
      'QmWSgS32xQEcXMeqd3YPJLrNBLSdsfYCep2U7CFkyrjXwY',
      'QmPrrHqJzto9m7SyiRzarwkqPcCSsKR2EB1AyqJfe8L8tN',
      'QmU5kp3BH3B8tnWUU2Pikdb2maksBNkb92FHRr56hyghh4',
    ],
    [
      'raw-leaves=true',
      'QmfWfQfKCY5Ukv9peBbxM5vqWM9BzmqUSXvdCgjT2wsiBT',
      'zb2rhZdTkQNawVajsTNiYc9cTPHqgLdJVvBRkZok9RjkgQYRU',
      'zb2rhn6TGvnUaMAg4VV4y9HVx5W42HihcH4jsyrDv8mkepFqq',
    ],
    [
      'cid-version=1',
      'zdj7Wnbun6P41Z5ddTkNvZaDTmQ8ZLdiKFcJrL9sV87rPScMP',
      'zb2rhZdTkQNawVajsTNiYc9cTPHqgLdJVvBRkZok9RjkgQYRU',
      'zb2rhn6TGvnUaMAg4VV4y9HVx5W42HihcH4jsyrDv8mkepFqq',
    ],
    [
      'cid-version=1&raw-leaves=false',
      'zdj7WiC51v78BjBcmZR7uuBvmDWxSn5EDr5MiyTwE18e8qvb7',
      'zdj7WWx6fGNrNGkdpkuTAxCjKbQ1pPtarqA6VQhedhLTZu34J',
      'zdj7WbB1BUF8WejmVpQCmMLd1RbPnxJtvAj1Lep6eTmXRFbrz',
    ],
  ])('directory "planets" with "%s" (t0040-add-and-cat.sh add_directory)', async (query, dir, mars, venus) => {
    const out = await addAll(store, planets(), query);
    const byName = Object.fromEntries(out.map((o) => [o.name, v1(o.cid)]));
    expect(byName).toEqual({
      planets: v1(dir),
      'planets/mars.txt': v1(mars),
      'planets/venus.txt': v1(venus),
    });
  });

  // test/sharness/t0114-gateway-subdomains/README.md: DIR_CID=$(ipfs add -Qr --cid-version 1 testdirlisting)
  const testdirlisting = (prefix: string): AddEntry[] => [
    ...(prefix ? [{ path: prefix.slice(0, -1) }] : []),
    { path: `${prefix}api` },
    { path: `${prefix}api/file.txt`, content: [text('I am a txt file\n')] },
    { path: `${prefix}hello`, content: [text('hello\n')] },
    { path: `${prefix}ipfs` },
    { path: `${prefix}ipfs/file.txt`, content: [text('I am a txt file\n')] },
    { path: `${prefix}ipfs/ipns` },
    { path: `${prefix}ipfs/ipns/bar`, content: [text('text-file-content\n')] },
  ];
  const DIR_CID = 'bafybeiht6dtwk3les7vqm6ibpvz6qpohidvlshsfyr7l5mpysdw2vmbbhe';
  it('nested directory, --cid-version=1 (t0114-gateway-subdomains/README.md DIR_CID)', async () => {
    const out = await addAll(store, testdirlisting('testdirlisting/'), 'cid-version=1');
    expect(out.find((o) => o.name === 'testdirlisting')?.cid).toBe(DIR_CID);
  });

  it('-w wraps the same entries into the same directory (t0043-add-w.sh: "add -w -r m/* == add -r m")', async () => {
    const out = await addAll(store, testdirlisting(''), 'cid-version=1&wrap-with-directory=true');
    expect(out.at(-1)).toEqual({ name: '', cid: DIR_CID });
  });

  // test/cli/cid_profiles_test.go, profile unixfs-v0-2015 (Kubo's default): 256 KiB chunks, 174 links per
  // node, data from IPFSAddDeterministic(size, "v0-seed").
  it('multi-chunk file with exactly 174 root links: 44544 KiB (cid_profiles_test.go FileAtMaxLinksCID)', async () => {
    const [r] = await addAll(
      store,
      [{ path: '', content: deterministicBytes(44544 * 1024, 'v0-seed') }],
      'pin=false',
    );
    expect(r?.cid).toBe('QmUbBALi174SnogsUzLpYbD4xPiBSFANF4iztWCsHbMKh2');
  });

  it('multi-chunk file whose root needs more than 174 links: 44800 KiB (cid_profiles_test.go FileOverMaxLinksCID)', async () => {
    const [r] = await addAll(
      store,
      [{ path: '', content: deterministicBytes(44800 * 1024, 'v0-seed') }],
      'pin=false',
    );
    expect(r?.cid).toBe('QmepeWtdmS1hHXx1oZXsPUv6bMrfRRKfZcoPPU4eEfjnbf');
    // Reading back across the boundary between the two subtrees of the 2-level DAG gives the same bytes.
    const boundary = 174 * 262_144;
    const parts: Uint8Array[] = [];
    for await (const part of readFileContent(store, CID.parse(r?.cid ?? ''), {
      offset: BigInt(boundary - 10),
      length: 20n,
    })) {
      parts.push(part);
    }
    let source = Buffer.alloc(0);
    for await (const chunk of deterministicBytes(boundary + 10, 'v0-seed'))
      source = Buffer.concat([source.subarray(-20), chunk]);
    expect(Buffer.concat(parts).equals(source.subarray(-20))).toBe(true);
  });
});
