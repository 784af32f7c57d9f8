import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { AidocError } from '@aidoc/sdk/errors';
import type { Common } from '@ethereumjs/common';
import { RLP } from '@ethereumjs/rlp';
import { createTxFromRLP } from '@ethereumjs/tx';
import {
  type Account,
  bigIntToUnpaddedBytes,
  bytesToBigInt,
  bytesToHex,
  createAccountFromRLP,
  createAddressFromString,
  hexToBytes,
} from '@ethereumjs/util';
import { ClassicLevel } from 'classic-level';
import { type BlockHeader, headerFields } from './BlockHeader';
import type { FlatState, TouchedKeys } from './FlatState';
import { decodeQbftExtraData } from './qbftExtraData';
import type { StoredBlock, StoredLog, StoredReceipt, StoredTx } from './StoredBlock';
import { type WalOp, WriteAheadLog } from './WriteAheadLog';

/** Bumped whenever the on-disk layout changes; a directory with another version is refused. */
export const CHAIN_SCHEMA_VERSION = 1;

const enc = new TextEncoder();
const PREFIX = { account: 0x61, storage: 0x73, code: 0x63, block: 0x62, meta: 0x6d } as const;
const META_VERSION = Uint8Array.from([PREFIX.meta, ...enc.encode('version')]);
const META_HEAD = Uint8Array.from([PREFIX.meta, ...enc.encode('head')]);
const META_GENESIS = Uint8Array.from([PREFIX.meta, ...enc.encode('genesis')]);
const META_CHAIN_ID = Uint8Array.from([PREFIX.meta, ...enc.encode('chainId')]);
/** Root of the persisted flat state (differs from the head block's after dev edits such as setBalance). */
const META_STATE_ROOT = Uint8Array.from([PREFIX.meta, ...enc.encode('stateRoot')]);

type BatchOp = WalOp;

function key(prefix: number, ...parts: Uint8Array[]): Uint8Array {
  let len = 1;
  for (const p of parts) len += p.length;
  const out = new Uint8Array(len);
  out[0] = prefix;
  let o = 1;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function blockKey(n: bigint): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, n);
  return key(PREFIX.block, b);
}

const bytes = (hex: string) => hexToBytes(hex as `0x${string}`);
const orEmpty = (hex: string | null) => (hex === null ? new Uint8Array() : bytes(hex));

/** What a data directory held when opened. */
export interface LoadedChain {
  blocks: StoredBlock[];
  /** The state root the persisted flat state must reproduce. */
  stateRoot: Uint8Array;
  accounts: [string, Account][];
  storage: [string, string, Uint8Array][];
  code: [string, Uint8Array][];
}

/**
 * The chain's durable store in LevelDB (classic-level): blocks with their transactions and receipts, and
 * the flat world state. Each committed block is one atomic batch (block + state writes + head pointer),
 * written before the block is acknowledged, so a `kill -9` at any moment leaves the last acknowledged
 * block and everything before it. Writes are not fsynced by default: a process crash keeps them (they are
 * in the kernel), a power cut may not; `fsync: true` makes every block survive power loss too.
 */
export class ChainDatabase {
  /** Batches logged but not yet applied to LevelDB. */
  private unapplied: BatchOp[] = [];
  private applying: Promise<void> | undefined;

  private constructor(
    private readonly db: ClassicLevel<Uint8Array, Uint8Array>,
    private readonly common: Common,
    private readonly wal: WriteAheadLog,
  ) {}

  /** Open (or create) the chain store in `dir`; refuses directories from other versions or chains. */
  static async open(dir: string, common: Common, opts: { fsync?: boolean } = {}): Promise<ChainDatabase> {
    const path = join(dir, 'chain');
    try {
      mkdirSync(path, { recursive: true });
    } catch (e) {
      throw new AidocError('DATA_DIR', `cannot create the data directory ${dir}`, { cause: e });
    }
    const db = new ClassicLevel<Uint8Array, Uint8Array>(path, { keyEncoding: 'view', valueEncoding: 'view' });
    try {
      await db.open();
    } catch (e) {
      const locked = String((e as { cause?: unknown })?.cause ?? e).includes('LOCK');
      throw new AidocError(
        'DATA_DIR',
        locked
          ? `the data directory ${dir} is in use by another devnet`
          : `cannot open the data directory ${dir}`,
        { details: locked ? 'Stop the other devnet or pick another --data-dir.' : undefined, cause: e },
      );
    }
    // Batches acknowledged before a crash but not yet in LevelDB are replayed from the log first.
    const { wal, pending } = WriteAheadLog.open(join(path, 'wal.log'), opts.fsync === true);
    for (const batch of pending) await db.batch(batch, { sync: opts.fsync === true });
    if (pending.length) wal.truncate();
    const store = new ChainDatabase(db, common, wal);
    const version = await db.get(META_VERSION);
    if (version !== undefined) {
      const v = Number(bytesToBigInt(version));
      if (v !== CHAIN_SCHEMA_VERSION) {
        await db.close();
        throw new AidocError(
          'DATA_DIR',
          `the data directory ${dir} was written by an incompatible devnet version (chain schema ${v}, this devnet reads ${CHAIN_SCHEMA_VERSION})`,
          { details: 'Use a new --data-dir, or run the devnet version that wrote it.' },
        );
      }
      const chainId = await db.get(META_CHAIN_ID);
      if (chainId && bytesToBigInt(chainId) !== common.chainId()) {
        await db.close();
        throw new AidocError(
          'DATA_DIR',
          `the data directory ${dir} holds chain ${bytesToBigInt(chainId)}, not chain ${common.chainId()}`,
          { details: 'Start with the same --chain-id, or use a new --data-dir.' },
        );
      }
    }
    return store;
  }

  /** Whether the directory already holds a chain. */
  async isEmpty(): Promise<boolean> {
    return (await this.db.get(META_HEAD)) === undefined;
  }

  /** Hash of the stored genesis block, if any. */
  async genesisHash(): Promise<string | undefined> {
    const g = await this.db.get(META_GENESIS);
    return g ? bytesToHex(g) : undefined;
  }

  private stateOps(touched: TouchedKeys, state: FlatState): BatchOp[] {
    const ops: BatchOp[] = [];
    for (const addr of touched.accounts) {
      const a = state.account(addr);
      const k = key(PREFIX.account, bytes(addr));
      if (a) ops.push({ type: 'put', key: k, value: a.serialize() });
      else ops.push({ type: 'del', key: k });
    }
    for (const [addr, slots] of touched.slots) {
      const a = bytes(addr);
      for (const slot of slots) {
        const k = key(PREFIX.storage, a, bytes(`0x${slot}`));
        const v = state.storage(addr, slot);
        if (v.length > 0) ops.push({ type: 'put', key: k, value: v });
        else ops.push({ type: 'del', key: k });
      }
    }
    for (const [hash, code] of touched.code)
      ops.push({ type: 'put', key: key(PREFIX.code, bytes(hash)), value: code });
    ops.push({ type: 'put', key: META_STATE_ROOT, value: state.stateRoot() });
    return ops;
  }

  /**
   * Make a batch durable: one synchronous append to the write-ahead log (so the caller may acknowledge it
   * as soon as this returns), then applied to LevelDB in the background, many batches at a time.
   */
  private async write(ops: BatchOp[]): Promise<void> {
    this.wal.append(ops);
    for (const op of ops) this.unapplied.push(op);
    this.applying ??= this.applyLogged();
  }

  private async applyLogged(): Promise<void> {
    try {
      while (this.unapplied.length > 0) {
        const ops = this.unapplied;
        this.unapplied = [];
        await this.db.batch(ops);
      }
      // Everything logged is in LevelDB (nothing was appended since the last check: this runs to the end
      // without yielding), so the log can start over.
      this.wal.truncate();
    } finally {
      this.applying = undefined;
    }
  }

  /** Persist the genesis block and state, and stamp the directory with the schema version. */
  async writeGenesis(block: StoredBlock, touched: TouchedKeys, state: FlatState): Promise<void> {
    await this.write([
      { type: 'put', key: META_VERSION, value: bigIntToUnpaddedBytes(BigInt(CHAIN_SCHEMA_VERSION)) },
      { type: 'put', key: META_CHAIN_ID, value: bigIntToUnpaddedBytes(this.common.chainId()) },
      { type: 'put', key: META_GENESIS, value: bytes(block.hash) },
      ...this.stateOps(touched, state),
      { type: 'put', key: blockKey(0n), value: encodeStoredBlock(block) },
      { type: 'put', key: META_HEAD, value: bigIntToUnpaddedBytes(0n) },
    ]);
  }

  /** Persist one committed block with its state writes, atomically. */
  async writeBlock(block: StoredBlock, touched: TouchedKeys, state: FlatState): Promise<void> {
    await this.write([
      ...this.stateOps(touched, state),
      { type: 'put', key: blockKey(block.number), value: encodeStoredBlock(block) },
      { type: 'put', key: META_HEAD, value: bigIntToUnpaddedBytes(block.number) },
    ]);
  }

  /** Persist a dev edit of the head state (anvil_setBalance and friends). */
  async writeStatePatch(touched: TouchedKeys, state: FlatState): Promise<void> {
    await this.write(this.stateOps(touched, state));
  }

  /** Persist a revert to block `head`: removed blocks deleted, reverted state rewritten. */
  async writeRevert(
    head: bigint,
    removed: StoredBlock[],
    touched: TouchedKeys,
    state: FlatState,
  ): Promise<void> {
    await this.write([
      ...this.stateOps(touched, state),
      ...removed.map((b): BatchOp => ({ type: 'del', key: blockKey(b.number) })),
      { type: 'put', key: META_HEAD, value: bigIntToUnpaddedBytes(head) },
    ]);
  }

  /** Read everything back (blocks up to the recorded head, and the flat state). */
  async load(): Promise<LoadedChain> {
    const headBytes = await this.db.get(META_HEAD);
    const head = headBytes ? bytesToBigInt(headBytes) : -1n;
    const blocks: StoredBlock[] = [];
    for await (const [, value] of this.db.iterator({ gte: blockKey(0n), lte: blockKey(head) })) {
      blocks.push(decodeStoredBlock(value, this.common));
    }
    if (BigInt(blocks.length) !== head + 1n) {
      throw new AidocError(
        'DATA_DIR',
        `the data directory is damaged: head ${head} but ${blocks.length} blocks stored`,
      );
    }
    const accounts: [string, Account][] = [];
    for await (const [k, v] of this.db.iterator({
      gt: Uint8Array.of(PREFIX.account),
      lt: Uint8Array.of(PREFIX.account + 1),
    })) {
      accounts.push([bytesToHex(k.subarray(1)), createAccountFromRLP(v)]);
    }
    const storage: [string, string, Uint8Array][] = [];
    for await (const [k, v] of this.db.iterator({
      gt: Uint8Array.of(PREFIX.storage),
      lt: Uint8Array.of(PREFIX.storage + 1),
    })) {
      storage.push([bytesToHex(k.subarray(1, 21)), Buffer.from(k.subarray(21)).toString('hex'), v]);
    }
    const code: [string, Uint8Array][] = [];
    for await (const [k, v] of this.db.iterator({
      gt: Uint8Array.of(PREFIX.code),
      lt: Uint8Array.of(PREFIX.code + 1),
    })) {
      code.push([bytesToHex(k.subarray(1)), v]);
    }
    const stateRoot = (await this.db.get(META_STATE_ROOT)) ?? blocks[blocks.length - 1]!.header.stateRoot;
    return { blocks, stateRoot, accounts, storage, code };
  }

  async close(): Promise<void> {
    while (this.applying) await this.applying;
    this.wal.close();
    await this.db.close();
  }
}

function encodeLog(l: StoredLog): Uint8Array[] | Uint8Array[][] {
  return [
    bytes(l.address),
    l.topics.map(bytes),
    bytes(l.data),
    bigIntToUnpaddedBytes(BigInt(l.logIndex)),
  ] as never;
}

function encodeReceiptRecord(r: StoredReceipt): unknown[] {
  return [
    bigIntToUnpaddedBytes(BigInt(r.status)),
    bigIntToUnpaddedBytes(BigInt(r.type)),
    bigIntToUnpaddedBytes(r.cumulativeGasUsed),
    bigIntToUnpaddedBytes(r.gasUsed),
    bigIntToUnpaddedBytes(r.effectiveGasPrice),
    r.logsBloom,
    r.logs.map(encodeLog),
    bytes(r.from),
    orEmpty(r.to),
    orEmpty(r.contractAddress),
    bigIntToUnpaddedBytes(BigInt(r.transactionIndex)),
    r.returnData ?? new Uint8Array(),
  ];
}

/** RLP record of a stored block: header fields, raw transactions, senders, receipts, size. */
export function encodeStoredBlock(b: StoredBlock): Uint8Array {
  return RLP.encode([
    headerFields(b.header),
    b.transactions.map((t) => t.tx.serialize()),
    b.transactions.map((t) => bytes(t.from)),
    b.receipts.map(encodeReceiptRecord) as never,
    bigIntToUnpaddedBytes(BigInt(b.size)),
    bytes(b.hash),
  ]);
}

const num = (b: Uint8Array) => bytesToBigInt(b);
const hexOrNull = (b: Uint8Array) => (b.length === 0 ? null : (bytesToHex(b) as `0x${string}`));

/** Decode a record written by {@link encodeStoredBlock}. */
export function decodeStoredBlock(data: Uint8Array, common: Common): StoredBlock {
  const [h, txs, senders, receipts, size, hash] = RLP.decode(data) as unknown as [
    Uint8Array[],
    Uint8Array[],
    Uint8Array[],
    unknown[][],
    Uint8Array,
    Uint8Array,
  ];
  const header: BlockHeader = {
    parentHash: h[0]!,
    uncleHash: h[1]!,
    coinbase: h[2]!,
    stateRoot: h[3]!,
    transactionsRoot: h[4]!,
    receiptsRoot: h[5]!,
    logsBloom: h[6]!,
    difficulty: num(h[7]!),
    number: num(h[8]!),
    gasLimit: num(h[9]!),
    gasUsed: num(h[10]!),
    timestamp: num(h[11]!),
    extra: decodeQbftExtraData(h[12]!),
    mixHash: h[13]!,
    nonce: h[14]!,
    baseFeePerGas: num(h[15]!),
    withdrawalsRoot: h[16]!,
    blobGasUsed: num(h[17]!),
    excessBlobGas: num(h[18]!),
    parentBeaconBlockRoot: h[19]!,
    requestsHash: h[20]!,
  };
  const transactions: StoredTx[] = txs.map((raw, i) => {
    const tx = createTxFromRLP(raw, { common, freeze: false });
    const from = bytesToHex(senders[i]!) as `0x${string}`;
    // The sender is known (it may be an impersonated account with no real signature).
    const sender = createAddressFromString(from);
    Object.defineProperty(tx, 'getSenderAddress', { value: () => sender });
    return { tx, hash: bytesToHex(tx.hash()) as `0x${string}`, from };
  });
  const decodedReceipts: StoredReceipt[] = receipts.map((r) => {
    const [status, type, cum, gasUsed, price, bloom, logs, from, to, contract, index, ret] = r as [
      Uint8Array,
      Uint8Array,
      Uint8Array,
      Uint8Array,
      Uint8Array,
      Uint8Array,
      Uint8Array[][],
      Uint8Array,
      Uint8Array,
      Uint8Array,
      Uint8Array,
      Uint8Array,
    ];
    return {
      status: Number(num(status)) as 0 | 1,
      type: Number(num(type)),
      cumulativeGasUsed: num(cum),
      gasUsed: num(gasUsed),
      effectiveGasPrice: num(price),
      logsBloom: bloom,
      logs: logs.map((l) => ({
        address: bytesToHex(l[0] as Uint8Array) as `0x${string}`,
        topics: (l[1] as unknown as Uint8Array[]).map((t) => bytesToHex(t) as `0x${string}`),
        data: bytesToHex(l[2] as Uint8Array) as `0x${string}`,
        logIndex: Number(num(l[3] as Uint8Array)),
      })),
      from: bytesToHex(from) as `0x${string}`,
      to: hexOrNull(to),
      contractAddress: hexOrNull(contract),
      transactionIndex: Number(num(index)),
      ...(ret.length ? { returnData: ret } : {}),
    };
  });
  return {
    header,
    hash: bytesToHex(hash) as `0x${string}`,
    number: header.number,
    transactions,
    receipts: decodedReceipts,
    size: Number(num(size)),
  };
}
