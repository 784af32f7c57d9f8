import { MerklePatriciaTrie } from '@ethereumjs/mpt';
import { bytesToHex } from '@ethereumjs/util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  EMPTY_TRIE_ROOT,
  type TrieNode,
  toNibbles,
  trieDelete,
  trieGet,
  trieInsert,
  trieRoot,
} from './MerkleTrie';

describe('MerkleTrie', () => {
  it('has the empty-trie root of an empty trie', async () => {
    expect(bytesToHex(trieRoot(null))).toBe(bytesToHex(new MerklePatriciaTrie().root()));
    expect(bytesToHex(EMPTY_TRIE_ROOT)).toBe(
      '0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421',
    );
  });

  it('gives the same roots as @ethereumjs/mpt over random inserts and deletes, and keeps old roots intact', async () => {
    const op = fc.record({
      del: fc.boolean(),
      // Short keys share prefixes often, exercising splits and merges; values include short (inline) ones.
      key: fc.uint8Array({ minLength: 1, maxLength: 3 }),
      value: fc.uint8Array({ minLength: 1, maxLength: 40 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 60 }), async (ops) => {
        const ref = new MerklePatriciaTrie();
        let root: TrieNode | null = null;
        const model = new Map<string, Uint8Array>();
        const history: [TrieNode | null, string][] = [];
        for (const o of ops) {
          const nib = toNibbles(o.key);
          if (o.del) {
            await ref.del(o.key);
            root = trieDelete(root, nib);
            model.delete(bytesToHex(o.key));
          } else {
            await ref.put(o.key, o.value);
            root = trieInsert(root, nib, o.value);
            model.set(bytesToHex(o.key), o.value);
          }
          expect(bytesToHex(trieRoot(root))).toBe(bytesToHex(ref.root()));
          history.push([root, bytesToHex(ref.root())]);
        }
        for (const [k, v] of model)
          expect(trieGet(root, toNibbles(Uint8Array.from(Buffer.from(k.slice(2), 'hex'))))).toEqual(v);
        // Persistence: every earlier root still hashes to what it hashed to then.
        for (const [r, h] of history) expect(bytesToHex(trieRoot(r))).toBe(h);
      }),
      { numRuns: 200 },
    );
  });

  it('matches @ethereumjs/mpt with hashed 32-byte keys (state-trie shape)', async () => {
    const ref = new MerklePatriciaTrie({ useKeyHashing: true });
    let root: TrieNode | null = null;
    const { keccak_256 } = await import('@noble/hashes/sha3.js');
    for (let i = 0; i < 500; i++) {
      const key = Uint8Array.from(Buffer.from(i.toString(16).padStart(40, '0'), 'hex'));
      const value = Uint8Array.from(Buffer.from(`value-${i}`));
      await ref.put(key, value);
      root = trieInsert(root, toNibbles(keccak_256(key)), value);
    }
    expect(bytesToHex(trieRoot(root))).toBe(bytesToHex(ref.root()));
  });
});
