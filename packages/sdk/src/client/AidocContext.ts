import type { Account, Address, Chain, PublicClient, WalletClient } from 'viem';
import type { ContentClient } from '../content/createContentClient';
import type { EncryptionKeyPair } from '../crypto/encryptionKeyPair';

/** Addresses of the system contracts the SDK uses (others are passed through). */
export interface AidocContracts {
  AidToken: Address;
  KeyRegistry: Address;
  LifeBank: Address;
  [name: string]: Address;
}

/** What every module of the client shares: chain and content connections, signer, keys (built by `createAidoc`). */
export interface AidocContext {
  chain: Chain;
  chainId: number;
  publicClient: PublicClient;
  walletClient: WalletClient | undefined;
  account: Account | undefined;
  content: ContentClient;
  contracts: AidocContracts;
  encryptionKey: EncryptionKeyPair | undefined;
  /** First block to scan for events (the contracts' deployment block when known). */
  fromBlock: bigint;
  pollingIntervalMs: number;
}
