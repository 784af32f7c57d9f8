import type { TypedTransaction } from '@ethereumjs/tx';
import type { BlockHeader } from './BlockHeader';

/** A log as stored with its receipt (hex strings ready for JSON-RPC). */
export interface StoredLog {
  address: `0x${string}`;
  topics: `0x${string}`[];
  data: `0x${string}`;
  /** Index of the log in the block. */
  logIndex: number;
}

/** A receipt as stored. */
export interface StoredReceipt {
  status: 0 | 1;
  type: number;
  cumulativeGasUsed: bigint;
  gasUsed: bigint;
  effectiveGasPrice: bigint;
  logsBloom: Uint8Array;
  logs: StoredLog[];
  from: `0x${string}`;
  to: `0x${string}` | null;
  contractAddress: `0x${string}` | null;
  transactionIndex: number;
  /** Raw revert/return data of a failed transaction (for traces and error reporting). */
  returnData?: Uint8Array;
}

/** A transaction as stored in a block. */
export interface StoredTx {
  tx: TypedTransaction;
  hash: `0x${string}`;
  from: `0x${string}`;
}

/** A committed block with its transactions and receipts. */
export interface StoredBlock {
  header: BlockHeader;
  hash: `0x${string}`;
  number: bigint;
  transactions: StoredTx[];
  receipts: StoredReceipt[];
  /** RLP size of the block in bytes. */
  size: number;
}
