import type { TypedTransaction } from '@ethereumjs/tx';
import { bytesToHex } from '@ethereumjs/util';
import { encodeQbftExtraData } from '../chain/qbftExtraData';
import type { StoredBlock, StoredLog, StoredReceipt } from '../chain/StoredBlock';
import { toData, toQuantity } from './rpcParams';

/** Where a transaction sits, for formatting (all null while pending). */
export interface TxPosition {
  blockHash: `0x${string}` | null;
  blockNumber: bigint | null;
  index: number | null;
  baseFee: bigint | null;
}

/** Format a transaction the way geth and Anvil return it. */
export function formatTransaction(
  tx: TypedTransaction,
  hash: string,
  from: string,
  pos: TxPosition,
): Record<string, unknown> {
  const t = tx as TypedTransaction & {
    gasPrice?: bigint;
    maxFeePerGas?: bigint;
    maxPriorityFeePerGas?: bigint;
    accessList?: [Uint8Array, Uint8Array[]][];
    chainId?: bigint;
    authorizationList?: Uint8Array[][];
  };
  let gasPrice: bigint;
  if (t.maxFeePerGas !== undefined && t.maxPriorityFeePerGas !== undefined) {
    if (pos.baseFee === null) gasPrice = t.maxFeePerGas;
    else {
      const tip =
        t.maxFeePerGas - pos.baseFee < t.maxPriorityFeePerGas
          ? t.maxFeePerGas - pos.baseFee
          : t.maxPriorityFeePerGas;
      gasPrice = pos.baseFee + tip;
    }
  } else gasPrice = t.gasPrice ?? 0n;
  const out: Record<string, unknown> = {
    blockHash: pos.blockHash,
    blockNumber: pos.blockNumber === null ? null : toQuantity(pos.blockNumber),
    from,
    gas: toQuantity(tx.gasLimit),
    gasPrice: toQuantity(gasPrice),
    hash,
    input: toData(tx.data),
    nonce: toQuantity(tx.nonce),
    to: tx.to ? tx.to.toString() : null,
    transactionIndex: pos.index === null ? null : toQuantity(pos.index),
    value: toQuantity(tx.value),
    type: toQuantity(tx.type),
    v: toQuantity(tx.v ?? 0n),
    r: toQuantity(tx.r ?? 0n),
    s: toQuantity(tx.s ?? 0n),
  };
  if (tx.type !== 0) {
    out.chainId = toQuantity(t.chainId ?? 0n);
    out.yParity = toQuantity(tx.v ?? 0n);
    out.accessList = (t.accessList ?? []).map(([a, keys]) => ({
      address: bytesToHex(a),
      storageKeys: keys.map((k) => bytesToHex(k)),
    }));
  } else if (tx.v !== undefined && tx.v > 28n) {
    out.chainId = toQuantity((tx.v - 35n) / 2n);
  }
  if (t.maxFeePerGas !== undefined) {
    out.maxFeePerGas = toQuantity(t.maxFeePerGas);
    out.maxPriorityFeePerGas = toQuantity(t.maxPriorityFeePerGas ?? 0n);
  }
  if (tx.type === 4 && t.authorizationList) {
    out.authorizationList = t.authorizationList.map((a) => ({
      chainId: bytesToHex(a[0]!),
      address: bytesToHex(a[1]!),
      nonce: bytesToHex(a[2]!),
      yParity: bytesToHex(a[3]!),
      r: bytesToHex(a[4]!),
      s: bytesToHex(a[5]!),
    }));
  }
  return out;
}

/** Format a block header (for blocks and `newHeads`). */
export function formatHeader(b: StoredBlock): Record<string, unknown> {
  const h = b.header;
  return {
    number: toQuantity(h.number),
    hash: b.hash,
    parentHash: toData(h.parentHash),
    nonce: toData(h.nonce),
    sha3Uncles: toData(h.uncleHash),
    logsBloom: toData(h.logsBloom),
    transactionsRoot: toData(h.transactionsRoot),
    stateRoot: toData(h.stateRoot),
    receiptsRoot: toData(h.receiptsRoot),
    miner: toData(h.coinbase),
    difficulty: toQuantity(h.difficulty),
    totalDifficulty: toQuantity(h.number + 1n),
    extraData: toData(encodeQbftExtraData(h.extra)),
    size: toQuantity(b.size),
    gasLimit: toQuantity(h.gasLimit),
    gasUsed: toQuantity(h.gasUsed),
    timestamp: toQuantity(h.timestamp),
    mixHash: toData(h.mixHash),
    baseFeePerGas: toQuantity(h.baseFeePerGas),
    withdrawalsRoot: toData(h.withdrawalsRoot),
    blobGasUsed: toQuantity(h.blobGasUsed),
    excessBlobGas: toQuantity(h.excessBlobGas),
    parentBeaconBlockRoot: toData(h.parentBeaconBlockRoot),
    requestsHash: toData(h.requestsHash),
  };
}

/** Format a block with transaction hashes or full transaction objects. */
export function formatBlock(b: StoredBlock, fullTransactions: boolean): Record<string, unknown> {
  const pos = (index: number): TxPosition => ({
    blockHash: b.hash,
    blockNumber: b.number,
    index,
    baseFee: b.header.baseFeePerGas,
  });
  return {
    ...formatHeader(b),
    transactions: fullTransactions
      ? b.transactions.map((t, i) => formatTransaction(t.tx, t.hash, t.from, pos(i)))
      : b.transactions.map((t) => t.hash),
    uncles: [],
    withdrawals: [],
  };
}

/** Format one log with its position. */
export function formatLog(b: StoredBlock, txIndex: number, log: StoredLog): Record<string, unknown> {
  return {
    address: log.address,
    topics: log.topics,
    data: log.data,
    blockNumber: toQuantity(b.number),
    blockHash: b.hash,
    blockTimestamp: toQuantity(b.header.timestamp),
    transactionHash: b.transactions[txIndex]!.hash,
    transactionIndex: toQuantity(txIndex),
    logIndex: toQuantity(log.logIndex),
    removed: false,
  };
}

/** Format a receipt. */
export function formatReceipt(b: StoredBlock, index: number): Record<string, unknown> {
  const r: StoredReceipt = b.receipts[index]!;
  const t = b.transactions[index]!;
  return {
    transactionHash: t.hash,
    transactionIndex: toQuantity(index),
    blockHash: b.hash,
    blockNumber: toQuantity(b.number),
    from: r.from,
    to: r.to,
    cumulativeGasUsed: toQuantity(r.cumulativeGasUsed),
    gasUsed: toQuantity(r.gasUsed),
    contractAddress: r.contractAddress,
    logs: r.logs.map((l) => formatLog(b, index, l)),
    logsBloom: toData(r.logsBloom),
    type: toQuantity(r.type),
    status: toQuantity(r.status),
    effectiveGasPrice: toQuantity(r.effectiveGasPrice),
  };
}
