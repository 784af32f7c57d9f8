import { keccak256 as keccak_256 } from './keccak256';

/**
 * An in-memory, persistent (copy-on-write) Merkle Patricia trie as Ethereum's state and storage tries use.
 * An update copies only the path it changes, so an old root stays valid for reverts, and every node caches
 * its RLP and hash once computed: computing a root after a block re-hashes only the changed paths.
 *
 * Keys are given as nibble arrays (the callers hash account and slot keys first); values are raw bytes.
 */
export type TrieNode = LeafNode | ExtensionNode | BranchNode;

interface NodeCache {
  /** RLP encoding of the node, once computed. */
  rlp?: Uint8Array;
  /** The node reference as embedded in a parent: RLP item of the hash, or the raw RLP if shorter than 32 bytes. */
  ref?: Uint8Array;
}

/** A leaf: the rest of the key and the value. */
export interface LeafNode extends NodeCache {
  readonly kind: 0;
  readonly path: Uint8Array;
  readonly value: Uint8Array;
}

/** An extension: a shared key segment and the node below it. */
export interface ExtensionNode extends NodeCache {
  readonly kind: 1;
  readonly path: Uint8Array;
  readonly child: TrieNode;
}

/** A branch: sixteen children by next nibble, and a value for keys ending here. */
export interface BranchNode extends NodeCache {
  readonly kind: 2;
  readonly children: readonly (TrieNode | null)[];
  readonly value: Uint8Array | null;
}

const EMPTY_BYTES = new Uint8Array(0);
const RLP_EMPTY_STRING = Uint8Array.of(0x80);
/** keccak256(RLP('')): the root of an empty trie. */
export const EMPTY_TRIE_ROOT = keccak_256(RLP_EMPTY_STRING);

const leaf = (path: Uint8Array, value: Uint8Array): LeafNode => ({ kind: 0, path, value });
const extension = (path: Uint8Array, child: TrieNode): ExtensionNode => ({ kind: 1, path, child });
const branch = (children: (TrieNode | null)[], value: Uint8Array | null): BranchNode => ({
  kind: 2,
  children,
  value,
});

function concatNibbles(a: Uint8Array | number, b: Uint8Array): Uint8Array {
  const head = typeof a === 'number' ? Uint8Array.of(a) : a;
  const out = new Uint8Array(head.length + b.length);
  out.set(head, 0);
  out.set(b, head.length);
  return out;
}

function commonPrefix(path: Uint8Array, key: Uint8Array, offset: number): number {
  const max = Math.min(path.length, key.length - offset);
  let i = 0;
  while (i < max && path[i] === key[offset + i]) i++;
  return i;
}

/** Split bytes into nibbles (high first). */
export function toNibbles(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length * 2);
  for (let i = 0; i < bytes.length; i++) {
    out[2 * i] = bytes[i]! >> 4;
    out[2 * i + 1] = bytes[i]! & 0x0f;
  }
  return out;
}

/** Insert or replace `value` at `key`; returns the new root (the old one is untouched). */
export function trieInsert(node: TrieNode | null, key: Uint8Array, value: Uint8Array, i = 0): TrieNode {
  if (node === null) return leaf(key.subarray(i), value);
  if (node.kind === 2) {
    if (i === key.length) return branch(node.children.slice(), value);
    const children = node.children.slice();
    const n = key[i]!;
    children[n] = trieInsert(children[n] ?? null, key, value, i + 1);
    return branch(children, node.value);
  }
  const path = node.path;
  const common = commonPrefix(path, key, i);
  if (node.kind === 0 && common === path.length && i + common === key.length) return leaf(path, value);
  if (node.kind === 1 && common === path.length) {
    return extension(path, trieInsert(node.child, key, value, i + common));
  }
  const children: (TrieNode | null)[] = new Array(16).fill(null);
  let branchValue: Uint8Array | null = null;
  // What the existing node becomes below the new branch.
  if (node.kind === 0) {
    if (common === path.length) branchValue = node.value;
    else children[path[common]!] = leaf(path.subarray(common + 1), node.value);
  } else {
    children[path[common]!] =
      common + 1 === path.length ? node.child : extension(path.subarray(common + 1), node.child);
  }
  // The new key.
  if (i + common === key.length) branchValue = value;
  else children[key[i + common]!] = leaf(key.subarray(i + common + 1), value);
  const b = branch(children, branchValue);
  return common > 0 ? extension(path.subarray(0, common), b) : b;
}

/** Put `child` under `path`, merging with the child's own path where the trie's canonical form requires. */
function prefixed(path: Uint8Array, child: TrieNode | null): TrieNode | null {
  if (child === null) return null;
  if (path.length === 0) return child;
  if (child.kind === 0) return leaf(concatNibbles(path, child.path), child.value);
  if (child.kind === 1) return extension(concatNibbles(path, child.path), child.child);
  return extension(path, child);
}

function normalizeBranch(children: (TrieNode | null)[], value: Uint8Array | null): TrieNode | null {
  let count = 0;
  let only = -1;
  for (let k = 0; k < 16; k++) {
    if (children[k] !== null) {
      count++;
      only = k;
    }
  }
  if (count === 0) return value === null ? null : leaf(EMPTY_BYTES, value);
  if (count === 1 && value === null) return prefixed(Uint8Array.of(only), children[only]!);
  return branch(children, value);
}

/** Remove `key`; returns the new root (null when the trie becomes empty). */
export function trieDelete(node: TrieNode | null, key: Uint8Array, i = 0): TrieNode | null {
  if (node === null) return null;
  if (node.kind === 0) {
    const p = node.path;
    if (p.length !== key.length - i) return node;
    for (let k = 0; k < p.length; k++) if (p[k] !== key[i + k]) return node;
    return null;
  }
  if (node.kind === 1) {
    const common = commonPrefix(node.path, key, i);
    if (common !== node.path.length) return node;
    const child = trieDelete(node.child, key, i + common);
    if (child === node.child) return node;
    return prefixed(node.path, child);
  }
  if (i === key.length) {
    if (node.value === null) return node;
    return normalizeBranch(node.children.slice(), null);
  }
  const n = key[i]!;
  const existing = node.children[n] ?? null;
  const child = trieDelete(existing, key, i + 1);
  if (child === existing) return node;
  const children = node.children.slice();
  children[n] = child;
  return normalizeBranch(children, node.value);
}

/** Read the value at `key`. */
export function trieGet(node: TrieNode | null, key: Uint8Array, i = 0): Uint8Array | undefined {
  while (node !== null) {
    if (node.kind === 2) {
      if (i === key.length) return node.value ?? undefined;
      node = node.children[key[i]!] ?? null;
      i++;
      continue;
    }
    const common = commonPrefix(node.path, key, i);
    if (common !== node.path.length) return undefined;
    i += common;
    if (node.kind === 0) return i === key.length ? node.value : undefined;
    node = node.child;
  }
  return undefined;
}

// --- RLP and hashing ----------------------------------------------------------------------------

function lengthPrefix(len: number, short: number): Uint8Array {
  if (len < 56) return Uint8Array.of(short + len);
  const bytes: number[] = [];
  for (let l = len; l > 0; l = Math.floor(l / 256)) bytes.unshift(l & 0xff);
  return Uint8Array.of(short + 55 + bytes.length, ...bytes);
}

function rlpString(b: Uint8Array): Uint8Array {
  if (b.length === 1 && b[0]! < 0x80) return b;
  const prefix = lengthPrefix(b.length, 0x80);
  const out = new Uint8Array(prefix.length + b.length);
  out.set(prefix, 0);
  out.set(b, prefix.length);
  return out;
}

function rlpList(items: Uint8Array[]): Uint8Array {
  let len = 0;
  for (const it of items) len += it.length;
  const prefix = lengthPrefix(len, 0xc0);
  const out = new Uint8Array(prefix.length + len);
  out.set(prefix, 0);
  let o = prefix.length;
  for (const it of items) {
    out.set(it, o);
    o += it.length;
  }
  return out;
}

function hexPrefix(path: Uint8Array, isLeaf: boolean): Uint8Array {
  const odd = path.length % 2;
  const flag = (isLeaf ? 2 : 0) + odd;
  const out = new Uint8Array(Math.floor(path.length / 2) + 1);
  let p = 0;
  if (odd) {
    out[0] = (flag << 4) | path[0]!;
    p = 1;
  } else out[0] = flag << 4;
  for (let o = 1; p < path.length; p += 2, o++) out[o] = (path[p]! << 4) | path[p + 1]!;
  return out;
}

function nodeRlp(node: TrieNode): Uint8Array {
  if (node.rlp) return node.rlp;
  let rlp: Uint8Array;
  if (node.kind === 0) rlp = rlpList([rlpString(hexPrefix(node.path, true)), rlpString(node.value)]);
  else if (node.kind === 1) rlp = rlpList([rlpString(hexPrefix(node.path, false)), nodeRef(node.child)]);
  else {
    const items: Uint8Array[] = new Array(17);
    for (let k = 0; k < 16; k++) {
      const c = node.children[k];
      items[k] = c ? nodeRef(c) : RLP_EMPTY_STRING;
    }
    items[16] = node.value ? rlpString(node.value) : RLP_EMPTY_STRING;
    rlp = rlpList(items);
  }
  (node as NodeCache).rlp = rlp;
  return rlp;
}

function nodeRef(node: TrieNode): Uint8Array {
  if (node.ref) return node.ref;
  const rlp = nodeRlp(node);
  const ref = rlp.length < 32 ? rlp : rlpString(keccak_256(rlp));
  (node as NodeCache).ref = ref;
  return ref;
}

/** The root hash of a trie (`EMPTY_TRIE_ROOT` for null). */
export function trieRoot(node: TrieNode | null): Uint8Array {
  if (node === null) return EMPTY_TRIE_ROOT;
  const ref = nodeRef(node);
  // A reference of 33 bytes is the RLP of the 32-byte hash: reuse it.
  return ref.length === 33 ? ref.subarray(1) : keccak_256(nodeRlp(node));
}
