import type { Chain } from '../chain/Chain';
import type { StoredBlock } from '../chain/StoredBlock';

/** Options for producing one block on demand. */
export interface ProduceOptions {
  /** Force the block timestamp. */
  timestamp?: bigint;
  /** Produce a block even if no transaction waits (evm_mine). */
  allowEmpty?: boolean;
}

/**
 * Decides when blocks are made and seals them. The chain executes; the producer orders, agrees and
 * signs. The single-validator producer seals alone; the QBFT engine runs rounds among validators.
 */
export interface BlockProducer {
  /** Validator addresses (20 bytes each) in the current set. */
  validators(): Uint8Array[];
  /** Begin producing on this chain (instant or interval mode). */
  start(chain: Chain): void;
  /** Transactions wait in the pool (instant mode reacts; interval mode ignores). */
  notifyPending(): void;
  /** Produce one block now and resolve when it is committed. */
  produce(opts?: ProduceOptions): Promise<StoredBlock>;
  /** Switch between instant mining (`0`) and interval mining (seconds). */
  setBlockTime(seconds: number): void;
  /** Enable or disable automatic mining entirely (evm_setAutomine false = manual `evm_mine` only). */
  setAutomine(on: boolean): void;
  /**
   * In instant mode, make the block that pending transactions are waiting for now and resolve when it is
   * committed; undefined when there is nothing to flush (or mining is not instant, or consensus is
   * faulted). Reads call it so that a client sees the effect of the transactions it sent.
   */
  flushPending(): Promise<void> | undefined;
  /** Current mining mode. */
  mode(): { automine: boolean; blockTime: number };
  /** Stop timers and wait for an in-flight block. */
  stop(): Promise<void>;
}
