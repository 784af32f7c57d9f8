import type { Account } from '@ethereumjs/util';

/**
 * Synchronous read access to a world state. Addresses are lowercase `0x`-prefixed hex, storage slots are
 * 32-byte keys as unprefixed lowercase hex, storage values are stripped of leading zero bytes (empty = 0).
 * Returned accounts must not be mutated by the caller.
 */
export interface StateReader {
  account(address: string): Account | undefined;
  storage(address: string, slot: string): Uint8Array;
  code(codeHash: string): Uint8Array;
  /** Every non-zero storage slot of an account (for debug dumps and contract re-creation). */
  storageSlots(address: string): Iterable<[string, Uint8Array]>;
}

/** The set of changes one block (or one overlay) makes to a world state. */
export interface StateChanges {
  /** New account values; `undefined` deletes the account. */
  accounts: Map<string, Account | undefined>;
  /** Storage writes per account; an empty value deletes the slot. */
  storage: Map<string, Map<string, Uint8Array>>;
  /** Accounts whose storage was wiped before the writes above apply. */
  clearedStorage: Set<string>;
  /** New contract code by code hash (0x-prefixed). */
  code: Map<string, Uint8Array>;
}
