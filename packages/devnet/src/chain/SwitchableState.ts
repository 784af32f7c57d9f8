import type { AccountFields, StateManagerInterface, StorageDump } from '@ethereumjs/common';
import type { Account, Address } from '@ethereumjs/util';
import type { StateOverlay } from './StateOverlay';

/**
 * A state manager that forwards to a replaceable {@link StateOverlay}, so one VM instance can execute
 * against a fresh overlay per block or per call without being rebuilt.
 */
export class SwitchableState implements StateManagerInterface {
  constructor(public target: StateOverlay) {}

  readonly originalStorageCache = {
    get: (address: Address, key: Uint8Array) => this.target.originalStorageCache.get(address, key),
    clear: () => this.target.originalStorageCache.clear(),
  };

  getAccount(a: Address): Promise<Account | undefined> {
    return this.target.getAccount(a);
  }
  putAccount(a: Address, account?: Account): Promise<void> {
    return this.target.putAccount(a, account);
  }
  deleteAccount(a: Address): Promise<void> {
    return this.target.deleteAccount(a);
  }
  modifyAccountFields(a: Address, f: AccountFields): Promise<void> {
    return this.target.modifyAccountFields(a, f);
  }
  putCode(a: Address, v: Uint8Array): Promise<void> {
    return this.target.putCode(a, v);
  }
  getCode(a: Address): Promise<Uint8Array> {
    return this.target.getCode(a);
  }
  getCodeSize(a: Address): Promise<number> {
    return this.target.getCodeSize(a);
  }
  getStorage(a: Address, k: Uint8Array): Promise<Uint8Array> {
    return this.target.getStorage(a, k);
  }
  putStorage(a: Address, k: Uint8Array, v: Uint8Array): Promise<void> {
    return this.target.putStorage(a, k, v);
  }
  clearStorage(a: Address): Promise<void> {
    return this.target.clearStorage(a);
  }
  dumpStorage(a: Address): Promise<StorageDump> {
    return this.target.dumpStorage(a);
  }
  checkpoint(): Promise<void> {
    return this.target.checkpoint();
  }
  commit(): Promise<void> {
    return this.target.commit();
  }
  revert(): Promise<void> {
    return this.target.revert();
  }
  getStateRoot(): Promise<Uint8Array> {
    return this.target.getStateRoot();
  }
  setStateRoot(): Promise<void> {
    return this.target.setStateRoot();
  }
  hasStateRoot(): Promise<boolean> {
    return this.target.hasStateRoot();
  }
  clearCaches(): void {}
  shallowCopy(): StateManagerInterface {
    return new SwitchableState(this.target);
  }
}
