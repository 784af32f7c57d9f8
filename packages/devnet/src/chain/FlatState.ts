import { RLP } from '@ethereumjs/rlp';
import { Account, hexToBytes, KECCAK256_RLP } from '@ethereumjs/util';
import { keccak256 as keccak_256 } from './keccak256';
import { type TrieNode, toNibbles, trieDelete, trieInsert, trieRoot } from './MerkleTrie';
import type { StateChanges, StateReader } from './StateReader';

const EMPTY = new Uint8Array(0);

/** The previous values a block (or a dev patch of the head) overwrote, kept to read history and revert. */
interface BlockUndo {
  block: bigint;
  accounts: Map<string, Account | undefined>;
  storage: Map<string, Map<string, Uint8Array>>;
  stateRootBefore: Uint8Array;
  accountTrieBefore: TrieNode | null;
  /** Storage trie roots before the change, for accounts whose storage trie changed. */
  storageTriesBefore: Map<string, TrieNode | null>;
}

/** The keys a state transition changed: what a durable store must rewrite. */
export interface TouchedKeys {
  accounts: Set<string>;
  slots: Map<string, Set<string>>;
  code: Map<string, Uint8Array>;
}

function emptyTouched(): TouchedKeys {
  return { accounts: new Set(), slots: new Map(), code: new Map() };
}

function touchSlot(t: TouchedKeys, addr: string, slot: string): void {
  let s = t.slots.get(addr);
  if (!s) t.slots.set(addr, (s = new Set()));
  s.add(slot);
}

/** Copy an account so a caller's mutation cannot leak into stored state. */
export function copyAccount(a: Account): Account {
  return new Account(a.nonce, a.balance, a.storageRoot, a.codeHash);
}

/**
 * The canonical world state: flat maps of accounts, storage and code at the chain head, with one undo
 * record per block for historical reads and reverts, and a Merkle Patricia trie updated once per block
 * (only for what changed) to give the Ethereum state root.
 */
export class FlatState implements StateReader {
  private readonly accounts = new Map<string, Account>();
  private readonly storageMap = new Map<string, Map<string, Uint8Array>>();
  private readonly codes = new Map<string, Uint8Array>();
  private readonly undo: BlockUndo[] = [];
  /** How many of the oldest undo records were dropped (versions stay absolute). */
  private prunedRecords = 0;
  private head = -1n;
  /** Oldest block whose pre-state can still be reconstructed. */
  private oldestUndoable = 0n;
  private accountTrie: TrieNode | null = null;
  private readonly storageTries = new Map<string, TrieNode | null>();
  private root: Uint8Array = KECCAK256_RLP;
  private readonly keyNibbles = new Map<string, Uint8Array>();

  /** Trie key (nibbles of keccak) for an address or slot, memoised: the same keys recur every block. */
  private nibblesOf(hexKey: string, bytes: () => Uint8Array): Uint8Array {
    let n = this.keyNibbles.get(hexKey);
    if (!n) {
      n = toNibbles(keccak_256(bytes()));
      if (this.keyNibbles.size > 1_000_000) this.keyNibbles.clear();
      this.keyNibbles.set(hexKey, n);
    }
    return n;
  }

  account(address: string): Account | undefined {
    return this.accounts.get(address);
  }

  storage(address: string, slot: string): Uint8Array {
    return this.storageMap.get(address)?.get(slot) ?? EMPTY;
  }

  code(codeHash: string): Uint8Array {
    return this.codes.get(codeHash) ?? EMPTY;
  }

  *storageSlots(address: string): Iterable<[string, Uint8Array]> {
    const m = this.storageMap.get(address);
    if (m) yield* m;
  }

  /** All accounts at the head (for dumps and snapshots). */
  allAccounts(): IterableIterator<[string, Account]> {
    return this.accounts.entries();
  }

  /** The state root of the head state. */
  stateRoot(): Uint8Array {
    return this.root;
  }

  /** Head block number as recorded by the number of applied blocks. */
  headNumber(): bigint {
    return this.head;
  }

  /** An opaque position in the change history, for {@link revertToVersion}. */
  version(): number {
    return this.prunedRecords + this.undo.length;
  }

  /** Undo every block and patch recorded after `version`; returns the keys that changed. */
  revertToVersion(version: number): TouchedKeys {
    if (version < this.prunedRecords) throw new RangeError(`state version ${version} is no longer kept`);
    const touched = emptyTouched();
    while (this.version() > version) this.popUndo(touched);
    return touched;
  }

  /**
   * Apply one block's changes (block number = head + 1; genesis is block 0), record what they overwrote for
   * history and reverts, update the tries, and return the keys that changed.
   */
  async applyBlockTouching(blockNumber: bigint, changes: StateChanges): Promise<TouchedKeys> {
    if (blockNumber !== this.head + 1n) {
      throw new Error(`block ${blockNumber} does not follow state head ${this.head}`);
    }
    const touched = await this.applyChanges(changes, this.newUndo(blockNumber));
    this.head = blockNumber;
    return touched;
  }

  /**
   * Change the head state outside a block (anvil_setBalance and friends). The previous values join the
   * head block's undo record, so reverting below the head undoes the patch too.
   */
  async patchHead(changes: StateChanges): Promise<TouchedKeys> {
    return this.applyChanges(changes, this.newUndo(this.head));
  }

  private newUndo(block: bigint): BlockUndo {
    const undo: BlockUndo = {
      block,
      accounts: new Map(),
      storage: new Map(),
      stateRootBefore: this.root,
      accountTrieBefore: this.accountTrie,
      storageTriesBefore: new Map(),
    };
    this.undo.push(undo);
    return undo;
  }

  private async applyChanges(changes: StateChanges, undo: BlockUndo): Promise<TouchedKeys> {
    const touchedKeys = emptyTouched();
    const rememberSlot = (addr: string, slot: string, prev: Uint8Array) => {
      touchSlot(touchedKeys, addr, slot);
      let m = undo.storage.get(addr);
      if (!m) undo.storage.set(addr, (m = new Map()));
      if (!m.has(slot)) m.set(slot, prev);
    };
    for (const [hash, code] of changes.code) {
      this.codes.set(hash, code);
      touchedKeys.code.set(hash, code);
    }

    const touched = touchedKeys.accounts;
    for (const a of changes.accounts.keys()) touched.add(a);
    for (const a of changes.storage.keys()) touched.add(a);
    for (const addr of changes.clearedStorage) touched.add(addr);

    for (const addr of changes.clearedStorage) {
      const m = this.storageMap.get(addr);
      if (m) {
        for (const [slot, v] of m) rememberSlot(addr, slot, v);
        this.storageMap.delete(addr);
      }
    }
    const dirtySlots = new Map<string, Map<string, Uint8Array>>();
    for (const [addr, writes] of changes.storage) {
      let m = this.storageMap.get(addr);
      if (!m) this.storageMap.set(addr, (m = new Map()));
      const dirty = new Map<string, Uint8Array>();
      dirtySlots.set(addr, dirty);
      for (const [slot, value] of writes) {
        rememberSlot(addr, slot, m.get(slot) ?? EMPTY);
        if (value.length === 0) m.delete(slot);
        else m.set(slot, value);
        dirty.set(slot, value);
      }
      if (m.size === 0) this.storageMap.delete(addr);
    }

    // Storage tries, then the account trie, for touched accounts only.
    for (const addr of touched) {
      const next = changes.accounts.has(addr) ? changes.accounts.get(addr) : this.accounts.get(addr);
      if (!undo.accounts.has(addr)) undo.accounts.set(addr, this.accounts.get(addr));
      const addrKey = this.nibblesOf(addr, () => hexToBytes(addr as `0x${string}`));
      const slots = dirtySlots.get(addr);
      const cleared = changes.clearedStorage.has(addr);
      if (next === undefined || cleared || slots !== undefined) {
        if (!undo.storageTriesBefore.has(addr))
          undo.storageTriesBefore.set(addr, this.storageTries.get(addr) ?? null);
      }
      if (next === undefined) {
        this.accounts.delete(addr);
        this.storageMap.delete(addr);
        this.storageTries.delete(addr);
        this.accountTrie = trieDelete(this.accountTrie, addrKey);
        continue;
      }
      const stored = copyAccount(next);
      let storageTrie = cleared ? null : (this.storageTries.get(addr) ?? null);
      if (slots !== undefined) {
        for (const [slot, value] of slots) {
          const k = this.nibblesOf(slot, () => hexToBytes(`0x${slot}`));
          storageTrie =
            value.length === 0 ? trieDelete(storageTrie, k) : trieInsert(storageTrie, k, RLP.encode(value));
        }
      }
      if (storageTrie === null) this.storageTries.delete(addr);
      else this.storageTries.set(addr, storageTrie);
      stored.storageRoot = trieRoot(storageTrie);
      this.accounts.set(addr, stored);
      this.accountTrie = trieInsert(this.accountTrie, addrKey, stored.serialize());
    }
    this.root = trieRoot(this.accountTrie);
    return touchedKeys;
  }

  /** Undo every block above `blockNumber` (for `evm_revert` and abandoned candidates). */
  revertTo(blockNumber: bigint): void {
    while (this.undo.length > 0 && this.undo[this.undo.length - 1]!.block > blockNumber)
      this.popUndo(emptyTouched());
  }

  private popUndo(touched: TouchedKeys): void {
    const u = this.undo.pop()!;
    for (const addr of u.accounts.keys()) touched.accounts.add(addr);
    for (const [addr, slots] of u.storage) for (const slot of slots.keys()) touchSlot(touched, addr, slot);
    for (const [addr, prev] of u.accounts) {
      if (prev === undefined) this.accounts.delete(addr);
      else this.accounts.set(addr, prev);
    }
    for (const [addr, slots] of u.storage) {
      let m = this.storageMap.get(addr);
      if (!m) this.storageMap.set(addr, (m = new Map()));
      for (const [slot, prev] of slots) {
        if (prev.length === 0) m.delete(slot);
        else m.set(slot, prev);
      }
      if (m.size === 0) this.storageMap.delete(addr);
    }
    this.root = u.stateRootBefore;
    this.accountTrie = u.accountTrieBefore;
    for (const [addr, t] of u.storageTriesBefore) {
      if (t === null) this.storageTries.delete(addr);
      else this.storageTries.set(addr, t);
    }
    this.head = this.undo[this.undo.length - 1]?.block ?? -1n;
  }

  /**
   * Replace the whole state with persisted content at block `head` and rebuild the tries from it. Returns
   * the recomputed state root, which the caller checks against the head block's header.
   */
  async load(
    head: bigint,
    accounts: Iterable<[string, Account]>,
    storage: Iterable<[string, string, Uint8Array]>,
    code: Iterable<[string, Uint8Array]>,
  ): Promise<Uint8Array> {
    this.accounts.clear();
    this.storageMap.clear();
    this.codes.clear();
    this.undo.length = 0;
    for (const [hash, c] of code) this.codes.set(hash, c);
    for (const [addr, slot, value] of storage) {
      let m = this.storageMap.get(addr);
      if (!m) this.storageMap.set(addr, (m = new Map()));
      m.set(slot, value);
    }
    this.accountTrie = null;
    this.storageTries.clear();
    for (const [addr, a] of accounts) {
      const stored = copyAccount(a);
      let storageTrie: TrieNode | null = null;
      for (const [slot, value] of this.storageMap.get(addr) ?? []) {
        storageTrie = trieInsert(
          storageTrie,
          this.nibblesOf(slot, () => hexToBytes(`0x${slot}`)),
          RLP.encode(value),
        );
      }
      if (storageTrie) this.storageTries.set(addr, storageTrie);
      stored.storageRoot = trieRoot(storageTrie);
      this.accounts.set(addr, stored);
      this.accountTrie = trieInsert(
        this.accountTrie,
        this.nibblesOf(addr, () => hexToBytes(addr as `0x${string}`)),
        stored.serialize(),
      );
    }
    this.root = trieRoot(this.accountTrie);
    this.head = head;
    this.oldestUndoable = head + 1n;
    return this.root;
  }

  /** A read-only view of the state as it was after block `blockNumber`. */
  at(blockNumber: bigint): StateReader {
    if (blockNumber >= this.head) return this;
    if (blockNumber < this.oldestUndoable - 1n) {
      throw new RangeError(`state for block ${blockNumber} is not available`);
    }
    const layers = this.undo.filter((u) => u.block > blockNumber).reverse();
    // layers[i] holds the values before block (head - i); the oldest value wins when walking down.
    const newestFirst = layers;
    const head = this;
    return {
      account(address) {
        let v: Account | undefined = head.accounts.get(address);
        for (const l of newestFirst) if (l.accounts.has(address)) v = l.accounts.get(address);
        return v;
      },
      storage(address, slot) {
        let v: Uint8Array = head.storage(address, slot);
        for (const l of newestFirst) {
          const s = l.storage.get(address);
          if (s?.has(slot)) v = s.get(slot)!;
        }
        return v;
      },
      code(codeHash) {
        return head.code(codeHash);
      },
      *storageSlots(address) {
        const merged = new Map<string, Uint8Array>(head.storageSlots(address));
        for (const l of newestFirst) {
          const s = l.storage.get(address);
          if (s) for (const [slot, v] of s) merged.set(slot, v);
        }
        for (const [slot, v] of merged) if (v.length > 0) yield [slot, v];
      },
    };
  }

  /** Drop undo records older than `keep` blocks (bounds memory on long runs). */
  pruneHistory(keepBlocks: number, keepVersion = Number.POSITIVE_INFINITY): void {
    let excess = 0;
    while (
      excess < this.undo.length &&
      this.undo[excess]!.block <= this.head - BigInt(keepBlocks) &&
      this.prunedRecords + excess < keepVersion
    ) {
      excess++;
    }
    if (excess > 0) {
      const removed = this.undo.splice(0, excess);
      this.prunedRecords += excess;
      this.oldestUndoable = removed[removed.length - 1]!.block + 1n;
    }
  }
}
