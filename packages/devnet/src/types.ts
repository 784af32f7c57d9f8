import type { ContentStore } from './content/ContentStore';

/** Options for {@link startDevnet} and `aidoc devnet up`. */
export interface DevnetOptions {
  /** Interface to bind servers to. Default `127.0.0.1`. */
  host?: string;
  /** JSON-RPC HTTP + WebSocket port. Default 8545; 0 picks a free port. */
  port?: number;
  /** Chain id. Default 31337. */
  chainId?: number;
  /** Number of funded dev accounts derived from the mnemonic. Default 10. */
  accounts?: number;
  /** BIP-39 mnemonic for the dev accounts. Default `test test … junk`. */
  mnemonic?: string;
  /** Seconds between blocks; 0 or undefined = instant mining (a block as soon as transactions wait). */
  blockTime?: number;
  /** Native coin balance of each dev account, in ether. Default 10,000. */
  balance?: bigint;
  /** Number of QBFT validators (1-64). Default 4, which tolerates one faulty validator. */
  validators?: number;
  /** First QBFT round timeout in milliseconds; it doubles per failed round. Default 1000. */
  roundTimeout?: number;
  /** Kubo RPC API port. Default 5001 (or a free port when `port` is 0); 0 picks a free port. */
  ipfsPort?: number;
  /** Open Inference Protocol v2 server port. Default 9000 (or a free port when `port` is 0); 0 picks a free port. */
  inferencePort?: number;
  /** Publish the reference models (WDBC, ECG200 classifiers) right after start. Needs `listen`. Default false. */
  withModels?: boolean;
  /** Whether to start network servers at all. Default true; false gives an in-process provider only. */
  listen?: boolean;
  /**
   * Keep chain, state, receipts (and content) in this directory; restarting with the same directory resumes
   * at the last committed block. Without it the devnet lives in memory.
   */
  dataDir?: string;
  /** fsync each block to disk (survives power loss as well as `kill -9`). Default false. */
  fsync?: boolean;
  /** Log sink: receives one structured event per line-worthy occurrence. */
  logger?: (event: DevnetLogEvent) => void;
}

/** One structured devnet log event (printed as a JSON line by `aidoc devnet up --json`). */
export interface DevnetLogEvent {
  level: 'debug' | 'info' | 'warn' | 'error';
  msg: string;
  [key: string]: unknown;
}

/** An EIP-1193 provider. */
export interface Eip1193Provider {
  request(args: {
    method: string;
    params?: unknown[] | Record<string, unknown> | undefined;
  }): Promise<unknown>;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  removeListener(event: string, listener: (...args: unknown[]) => void): unknown;
}

/** A funded dev account. The keys are public test keys: never use them on a real network. */
export interface DevAccount {
  address: `0x${string}`;
  privateKey: `0x${string}`;
}

/** A summary of a block, as emitted to live views. */
export interface BlockSummary {
  number: bigint;
  hash: `0x${string}`;
  timestamp: bigint;
  transactions: number;
  gasUsed: bigint;
  baseFeePerGas: bigint;
}

/** A running devnet. */
export interface Devnet {
  /** HTTP JSON-RPC URL (undefined when `listen: false`). */
  rpcUrl: string;
  /** WebSocket JSON-RPC URL. */
  wsUrl: string;
  /** Kubo RPC API base URL (`http://host:port`; the API lives under `/api/v0`). Empty with `listen: false`. */
  ipfsUrl: string;
  /** Open Inference Protocol v2 base URL (`http://host:port`, API under `/v2`). Empty with `listen: false`. */
  inferenceUrl: string;
  /** The content store behind the Kubo API, for in-process reads by CID. */
  content: ContentStore;
  chainId: number;
  accounts: DevAccount[];
  /** System contract addresses by name. */
  contracts: Record<string, `0x${string}`>;
  /** In-process EIP-1193 provider (no HTTP). */
  provider: Eip1193Provider;
  /** Subscribe to newly committed blocks; returns an unsubscribe function. */
  onBlock(listener: (block: BlockSummary) => void): () => void;
  /** Stop servers and block production. Idempotent. */
  stop(): Promise<void>;
}
