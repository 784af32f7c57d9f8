import { createHash } from 'node:crypto';
import * as dagPb from '@ipld/dag-pb';
import { UnixFS } from 'ipfs-unixfs';
import { CID } from 'multiformats/cid';
import * as Digest from 'multiformats/hashes/digest';
import { describe, expect, it } from 'vitest';
import { addContent } from '../../src/content/addContent';
import { createContentStore } from '../../src/content/createContentStore';
import { parseKuboAddOptions } from '../../src/content/parseKuboAddOptions';

// Files of zeros. No Kubo release publishes their CIDs (cidParity.test.ts covers multi-chunk files with
// Kubo's own vectors), so the expected DAG is built here by hand from the dag-pb and UnixFS specs and
// Kubo's defaults (unixfs-v0-2015): 256 KiB chunks, UnixFS `file` leaves, balanced layout with at most 174
// links per node, CIDv0. Every leaf of such a file is the same block, which a store keeps once.

const CHUNK = 262_144;
const MAX_LINKS = 174;

interface Node {
  cid: CID;
  /** File bytes under this node. */
  fileSize: number;
  /** Block bytes of the whole subtree (what a link's Tsize says). */
  dagSize: number;
  block: Uint8Array;
}

function node(block: Uint8Array, fileSize: number, childrenDagSize: number): Node {
  const cid = CID.createV0(Digest.create(0x12, createHash('sha256').update(block).digest()));
  return { cid, fileSize, dagSize: block.byteLength + childrenDagSize, block };
}

function leaf(size: number): Node {
  const data = new UnixFS({ type: 'file', data: new Uint8Array(size) }).marshal();
  return node(dagPb.encode({ Data: data, Links: [] }), size, 0);
}

function parent(children: Node[]): Node {
  const unixfs = new UnixFS({ type: 'file', blockSizes: children.map((c) => BigInt(c.fileSize)) });
  const block = dagPb.encode({
    Data: unixfs.marshal(),
    Links: children.map((c) => ({ Hash: c.cid, Name: '', Tsize: c.dagSize })),
  });
  const fileSize = children.reduce((n, c) => n + c.fileSize, 0);
  return node(
    block,
    fileSize,
    children.reduce((n, c) => n + c.dagSize, 0),
  );
}

/** The balanced DAG of `size` zero bytes: full leaves, then levels of at most 174 children, bottom up. */
function expectedRoot(size: number): { root: Node; distinctBlocks: Set<string> } {
  const leaves: Node[] = [];
  for (let at = 0; at < size; at += CHUNK) leaves.push(leaf(Math.min(CHUNK, size - at)));
  const distinctBlocks = new Set(leaves.map((l) => l.cid.toString()));
  let level = leaves;
  while (level.length > 1) {
    const next: Node[] = [];
    for (let i = 0; i < level.length; i += MAX_LINKS) next.push(parent(level.slice(i, i + MAX_LINKS)));
    for (const n of next) distinctBlocks.add(n.cid.toString());
    level = next;
  }
  return { root: level[0] as Node, distinctBlocks };
}

async function* zeros(size: number): AsyncGenerator<Uint8Array> {
  const piece = new Uint8Array(1 << 20);
  for (let left = size; left > 0; left -= piece.length) yield piece.subarray(0, Math.min(left, piece.length));
}

describe('files of zeros', () => {
  it.each([
    ['1 MiB: four identical leaves under one root', 1 << 20],
    ['1 MiB + 1 byte: a short last leaf', (1 << 20) + 1],
    ['175 chunks: the root needs a second level', (MAX_LINKS + 1) * CHUNK],
  ])('%s', async (_label, size) => {
    const store = await createContentStore();
    try {
      const { root, distinctBlocks } = expectedRoot(size);
      const added: Array<{ cid: string; size: number }> = [];
      for await (const ev of addContent(
        store,
        [{ path: '', content: zeros(size) }],
        parseKuboAddOptions(new URLSearchParams()),
      )) {
        if (ev.type === 'added') added.push({ cid: ev.cid.toString(), size: ev.size });
      }
      expect(added).toEqual([{ cid: root.cid.toString(), size: root.dagSize }]);
      // Identical leaves are one block: the store holds each distinct block once.
      const stat = await store.stat();
      expect(stat.numObjects).toBe(distinctBlocks.size);
      expect(Buffer.from(await store.get(root.cid)).equals(Buffer.from(root.block))).toBe(true);
    } finally {
      await store.close();
    }
  });
});
