import type { AccountFields, StateManagerInterface, StorageDump } from '@ethereumjs/common';
import {
  Account,
  type Address,
  bytesToHex,
  bytesToUnprefixedHex,
  KECCAK256_NULL,
  unpadBytes,
} from '@ethereumjs/util';
import { copyAccount } from './FlatState';
import { keccak256 as keccak_256 } from './keccak256';
import type { StateChanges, StateReader } from './StateReader';

const EMPTY = new Uint8Array(0);
const KECCAK256_NULL_HEX = bytesToHex(KECCAK256_NULL);

type Undo =
  | { kind: 'account'; addr: string; had: boolean; prev: Account | null | undefined }
  | { kind: 'slot'; addr: string; slot: string; had: boolean; prev: Uint8Array | undefined }
  | { kind: 'clear'; addr: string; wasCleared: boolean; prevSlots: Map<string, Uint8Array> | undefined };

/**
 * A journaled write layer over a {@link StateReader}: the EVM's state manager for one block, one call or
 * one trace. Checkpoints are positions in an undo log, so entering a call frame costs O(1); nothing is
 * copied. `changes()` hands the result to {@link FlatState.applyBlockTouching}.
 */
export class StateOverlay implements StateManagerInterface {
  /** `null` marks a deleted account. */
  private readonly accounts = new Map<string, Account | null>();
  private readonly slots = new Map<string, Map<string, Uint8Array>>();
  private readonly cleared = new Set<string>();
  private readonly codes = new Map<string, Uint8Array>();
  private journal: Undo[] = [];
  private readonly checkpoints: number[] = [];
  private readonly original = new Map<string, Uint8Array>();

  readonly originalStorageCache = {
    get: async (address: Address, key: Uint8Array): Promise<Uint8Array> => {
      const id = `${address.toString()}:${bytesToUnprefixedHex(key)}`;
      let v = this.original.get(id);
      if (v === undefined) {
        v = await this.getStorage(address, key);
        this.original.set(id, v);
      }
      return v;
    },
    clear: (): void => {
      this.original.clear();
    },
  };

  constructor(
    private readonly base: StateReader,
    private readonly keccak: (b: Uint8Array) => Uint8Array = keccak_256,
  ) {}

  // --- accounts ---------------------------------------------------------------------------------

  private readAccount(addr: string): Account | undefined {
    const v = this.accounts.get(addr);
    if (v !== undefined) return v ?? undefined;
    return this.base.account(addr);
  }

  private writeAccount(addr: string, next: Account | null): void {
    if (this.checkpoints.length > 0) {
      this.journal.push({
        kind: 'account',
        addr,
        had: this.accounts.has(addr),
        prev: this.accounts.get(addr),
      });
    }
    this.accounts.set(addr, next);
  }

  async getAccount(address: Address): Promise<Account | undefined> {
    const a = this.readAccount(address.toString());
    return a === undefined ? undefined : copyAccount(a);
  }

  /** Synchronous account read for RPC handlers. */
  peekAccount(addr: string): Account | undefined {
    return this.readAccount(addr);
  }

  async putAccount(address: Address, account?: Account): Promise<void> {
    const addr = address.toString();
    this.writeAccount(addr, account === undefined ? null : copyAccount(account));
  }

  async deleteAccount(address: Address): Promise<void> {
    const addr = address.toString();
    this.writeAccount(addr, null);
    await this.clearStorage(address);
  }

  async modifyAccountFields(address: Address, fields: AccountFields): Promise<void> {
    const a = (await this.getAccount(address)) ?? new Account();
    if (fields.nonce !== undefined) a.nonce = fields.nonce;
    if (fields.balance !== undefined) a.balance = fields.balance;
    if (fields.storageRoot !== undefined) a.storageRoot = fields.storageRoot;
    if (fields.codeHash !== undefined) a.codeHash = fields.codeHash;
    await this.putAccount(address, a);
  }

  // --- code ------------------------------------------------------------------------------------

  async putCode(address: Address, value: Uint8Array): Promise<void> {
    const hash = value.length === 0 ? KECCAK256_NULL : this.keccak(value);
    const hex = bytesToHex(hash);
    if (value.length > 0 && !this.codes.has(hex) && this.base.code(hex).length === 0)
      this.codes.set(hex, value);
    await this.modifyAccountFields(address, { codeHash: hash });
  }

  async getCode(address: Address): Promise<Uint8Array> {
    const a = this.readAccount(address.toString());
    if (a === undefined) return EMPTY;
    return this.codeByHash(bytesToHex(a.codeHash));
  }

  /** Code by its hash, from this overlay or the base. */
  codeByHash(hex: string): Uint8Array {
    if (hex === KECCAK256_NULL_HEX) return EMPTY;
    return this.codes.get(hex) ?? this.base.code(hex);
  }

  async getCodeSize(address: Address): Promise<number> {
    return (await this.getCode(address)).length;
  }

  // --- storage ---------------------------------------------------------------------------------

  /** Synchronous storage read (slot as unprefixed 32-byte hex). */
  peekStorage(addr: string, slot: string): Uint8Array {
    const m = this.slots.get(addr);
    const v = m?.get(slot);
    if (v !== undefined) return v;
    if (this.cleared.has(addr)) return EMPTY;
    return this.base.storage(addr, slot);
  }

  async getStorage(address: Address, key: Uint8Array): Promise<Uint8Array> {
    if (key.length !== 32) throw new Error('Storage key must be 32 bytes long');
    return this.peekStorage(address.toString(), bytesToUnprefixedHex(key));
  }

  async putStorage(address: Address, key: Uint8Array, value: Uint8Array): Promise<void> {
    if (key.length !== 32) throw new Error('Storage key must be 32 bytes long');
    if (value.length > 32) throw new Error('Storage value cannot be longer than 32 bytes');
    this.writeSlot(address.toString(), bytesToUnprefixedHex(key), unpadBytes(value));
  }

  /** Write a storage slot (value already stripped of leading zeros). */
  writeSlot(addr: string, slot: string, value: Uint8Array): void {
    let m = this.slots.get(addr);
    if (!m) this.slots.set(addr, (m = new Map()));
    if (this.checkpoints.length > 0) {
      this.journal.push({ kind: 'slot', addr, slot, had: m.has(slot), prev: m.get(slot) });
    }
    m.set(slot, value);
  }

  async clearStorage(address: Address): Promise<void> {
    const addr = address.toString();
    if (this.checkpoints.length > 0) {
      this.journal.push({
        kind: 'clear',
        addr,
        wasCleared: this.cleared.has(addr),
        prevSlots: this.slots.get(addr),
      });
    }
    this.cleared.add(addr);
    this.slots.delete(addr);
  }

  async dumpStorage(address: Address): Promise<StorageDump> {
    const addr = address.toString();
    const out: StorageDump = {};
    if (!this.cleared.has(addr))
      for (const [slot, v] of this.base.storageSlots(addr)) out[slot] = bytesToHex(v);
    for (const [slot, v] of this.slots.get(addr) ?? []) {
      if (v.length === 0) delete out[slot];
      else out[slot] = bytesToHex(v);
    }
    return out;
  }

  // --- checkpoints -----------------------------------------------------------------------------

  async checkpoint(): Promise<void> {
    this.checkpoints.push(this.journal.length);
  }

  async commit(): Promise<void> {
    this.checkpoints.pop();
    if (this.checkpoints.length === 0) this.journal = [];
  }

  async revert(): Promise<void> {
    const to = this.checkpoints.pop();
    if (to === undefined) return;
    for (let i = this.journal.length - 1; i >= to; i--) {
      const u = this.journal[i]!;
      if (u.kind === 'account') {
        if (u.had) this.accounts.set(u.addr, u.prev ?? null);
        else this.accounts.delete(u.addr);
      } else if (u.kind === 'slot') {
        const m = this.slots.get(u.addr);
        if (m) {
          if (u.had) m.set(u.slot, u.prev!);
          else m.delete(u.slot);
        }
      } else {
        if (!u.wasCleared) this.cleared.delete(u.addr);
        if (u.prevSlots) this.slots.set(u.addr, u.prevSlots);
        else this.slots.delete(u.addr);
      }
    }
    this.journal.length = to;
  }

  // --- roots and copies ------------------------------------------------------------------------

  async getStateRoot(): Promise<Uint8Array> {
    throw new Error('state roots are computed by the chain once per block');
  }
  async setStateRoot(): Promise<void> {
    throw new Error('setStateRoot is not supported by the devnet state overlay');
  }
  async hasStateRoot(): Promise<boolean> {
    return false;
  }
  clearCaches(): void {}

  shallowCopy(): StateManagerInterface {
    return new StateOverlay(this, this.keccak).asReader();
  }

  /** This overlay as a {@link StateReader} (so overlays can stack, e.g. for pending-state calls). */
  asReader(): StateReader & StateOverlay {
    return this as unknown as StateReader & StateOverlay;
  }

  account(addr: string): Account | undefined {
    return this.readAccount(addr);
  }
  storage(addr: string, slot: string): Uint8Array {
    return this.peekStorage(addr, slot);
  }
  code(hex: string): Uint8Array {
    return this.codeByHash(hex);
  }
  *storageSlots(addr: string): Iterable<[string, Uint8Array]> {
    const merged = new Map<string, Uint8Array>();
    if (!this.cleared.has(addr)) for (const [s, v] of this.base.storageSlots(addr)) merged.set(s, v);
    for (const [s, v] of this.slots.get(addr) ?? []) merged.set(s, v);
    for (const [s, v] of merged) if (v.length > 0) yield [s, v];
  }

  /** Whether anything was written. */
  isEmpty(): boolean {
    return this.accounts.size === 0 && this.slots.size === 0 && this.cleared.size === 0;
  }

  /** The accumulated writes, for {@link FlatState.applyBlockTouching}. */
  changes(): StateChanges {
    const accounts = new Map<string, Account | undefined>();
    for (const [a, v] of this.accounts) accounts.set(a, v ?? undefined);
    // EIP-161: touched empty accounts are removed by the EVM journal itself; keep what it left.
    return {
      accounts,
      storage: new Map(this.slots),
      clearedStorage: new Set(this.cleared),
      code: new Map(this.codes),
    };
  }
}
