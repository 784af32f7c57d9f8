import { EventEmitter } from 'node:events';
import { AidocError } from '@aidoc/sdk/errors';
import type { Block } from '@ethereumjs/block';
import type { Common } from '@ethereumjs/common';
import { RLP } from '@ethereumjs/rlp';
import { Capability, createTxFromRLP, type TypedTransaction } from '@ethereumjs/tx';
import {
  Account,
  Address,
  bytesToBigInt,
  bytesToHex,
  createAddressFromString,
  createContractAddress,
  hexToBytes,
  KECCAK256_RLP,
  KECCAK256_RLP_ARRAY,
} from '@ethereumjs/util';
import { createVM, encodeReceipt, type RunTxResult, runTx, type VM } from '@ethereumjs/vm';
import { sha256 } from '@noble/hashes/sha2.js';
import { type BlockHeader, blockHash, encodeHeader, QBFT_MIX_HASH } from './BlockHeader';
import { BlockStore } from './BlockStore';
import { ChainDatabase } from './ChainDatabase';
import { chainCommon } from './chainCommon';
import { FlatState, type TouchedKeys } from './FlatState';
import { INITIAL_BASE_FEE, nextBaseFee } from './feeMarket';
import { effectiveTip, Mempool, type PooledTx } from './Mempool';
import { type TrieNode, toNibbles, trieInsert, trieRoot } from './MerkleTrie';
import type { QbftExtraData } from './qbftExtraData';
import { StateOverlay } from './StateOverlay';
import type { StateReader } from './StateReader';
import type { StoredBlock, StoredLog, StoredReceipt, StoredTx } from './StoredBlock';
import { SwitchableState } from './SwitchableState';
import { type CallParams, txFromCallParams } from './txFromCallParams';

/** One entry of an EIP-2930 access list. */
export interface AccessListItem {
  address: `0x${string}`;
  storageKeys: `0x${string}`[];
}

/** One step of a genesis deployment: contract creation or a call, from the deployer account. */
export type GenesisStep =
  | { kind: 'create'; name: string; bytecode: `0x${string}` }
  | { kind: 'call'; to: string; data: `0x${string}`; description?: string };

/** Options for {@link Chain}. */
export interface ChainOptions {
  chainId: number;
  /** Accounts funded at genesis. */
  alloc: { address: `0x${string}`; balance: bigint }[];
  gasLimit?: bigint;
  genesisTimestamp?: bigint;
  /** Validators written into the genesis extraData. */
  validators: Uint8Array[];
  /** Contracts deployed into the genesis state. */
  genesisDeployment?: { deployer: `0x${string}`; steps: GenesisStep[] } | undefined;
  /** Keep blocks and state in LevelDB under this directory (resumes from it when it holds a chain). */
  dataDir?: string | undefined;
  /** fsync every block (survives power loss, not just process crashes). */
  fsync?: boolean | undefined;
}

/** A block that has been executed and applied to state but not yet sealed and committed. */
export interface CandidateBlock {
  header: BlockHeader;
  transactions: StoredTx[];
  receipts: StoredReceipt[];
  /** Pool entries the block consumed. */
  included: PooledTx[];
  /** The state keys the block changed (persisted with it). */
  touched: TouchedKeys;
}

/** Result of a call or estimate that ran the EVM. */
export interface ExecutionOutcome {
  success: boolean;
  returnData: Uint8Array;
  gasUsed: bigint;
  error?: string;
}

/** Chain events. */
export interface ChainEvents {
  block: [StoredBlock];
  pendingTransaction: [`0x${string}`];
  /** A pooled transaction was dropped without being mined. */
  dropped: [`0x${string}`, string];
}

/** Default block gas limit (Anvil and Hardhat use 30M). */
export const DEFAULT_GAS_LIMIT = 30_000_000n;
const EMPTY_REQUESTS_HASH = sha256(new Uint8Array());
const ZERO32 = new Uint8Array(32);
const ZERO20 = new Uint8Array(20);

/** The part of an error thrown by ethereumjs before its bracketed context. */
function ejsMessage(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  const i = m.indexOf(' (');
  return i > 0 ? m.slice(0, i) : m;
}

/**
 * The devnet's execution layer: world state, mempool, block building and the committed chain. Block
 * production and sealing are decided by a {@link BlockProducer}; the chain only executes and stores.
 */
export class Chain extends EventEmitter<ChainEvents> {
  readonly common: Common;
  readonly state = new FlatState();
  readonly blocks = new BlockStore();
  readonly mempool = new Mempool();
  readonly gasLimit: bigint;
  readonly chainId: number;
  /** Seconds added to the wall clock (evm_increaseTime). */
  timeOffset = 0n;
  /** Timestamp forced for the next block (evm_setNextBlockTimestamp). */
  nextTimestamp: bigint | undefined;
  /** Addresses allowed to send unsigned transactions (anvil_impersonateAccount). */
  readonly impersonated = new Set<string>();
  autoImpersonate = false;
  private readonly vmPool: { vm: VM; state: SwitchableState }[] = [];
  /** The executed-but-uncommitted block, if consensus is deciding on one. */
  private pending: CandidateBlock | undefined;
  /** Durable storage; undefined keeps everything in memory. */
  db: ChainDatabase | undefined;
  /** The write of a decided block to disk, while it is in flight. */
  private durableWrite: Promise<unknown> | undefined;

  /**
   * Resolves once a decided block that is being written to disk is committed. Readers wait on it so that a
   * client which saw its transaction accepted, then asks for the receipt, sees the block that holds it
   * as soon as it is durable rather than the state just before.
   */
  settled(): Promise<unknown> | undefined {
    return this.durableWrite;
  }
  private readonly options: ChainOptions;
  private snapshotSeq = 0;
  private readonly snapshots = new Map<
    number,
    { block: bigint; stateVersion: number; timeOffset: bigint; pool: PooledTx[] }
  >();
  private readonly blockchainAdapter = {
    getBlock: async (n: number) => {
      const b = this.blocks.byNumber(BigInt(n));
      const h = b ? hexToBytes(b.hash) : ZERO32;
      return { hash: () => h };
    },
    putBlock: async () => {},
    shallowCopy: () => this.blockchainAdapter,
  };

  constructor(options: ChainOptions) {
    super();
    this.options = options;
    this.chainId = options.chainId;
    this.common = chainCommon(options.chainId);
    this.gasLimit = options.gasLimit ?? DEFAULT_GAS_LIMIT;
  }

  // --- lifecycle --------------------------------------------------------------------------------

  /**
   * Build the genesis state and block, or, with a data directory that already holds this chain, load it
   * and resume at its last committed block. Returns whether an existing chain was resumed.
   */
  async init(): Promise<boolean> {
    if (this.options.dataDir !== undefined) {
      this.db = await ChainDatabase.open(this.options.dataDir, this.common, {
        fsync: this.options.fsync ?? false,
      });
      if (!(await this.db.isEmpty())) {
        await this.resume(this.db);
        return true;
      }
    }
    await this.createGenesis();
    return false;
  }

  private async resume(db: ChainDatabase): Promise<void> {
    const loaded = await db.load();
    for (const b of loaded.blocks) this.blocks.append(b);
    const root = await this.state.load(this.head.number, loaded.accounts, loaded.storage, loaded.code);
    if (bytesToHex(root) !== bytesToHex(loaded.stateRoot)) {
      throw new AidocError(
        'DATA_DIR',
        `the data directory's state does not match its recorded state root at block ${this.head.number}`,
        { details: 'The directory is damaged or was edited; start with a new --data-dir.' },
      );
    }
  }

  /** Close the data directory, if any. */
  async close(): Promise<void> {
    await this.db?.close();
    this.db = undefined;
  }

  private async createGenesis(): Promise<void> {
    const overlay = new StateOverlay(this.state);
    for (const { address, balance } of this.options.alloc) {
      await overlay.putAccount(createAddressFromString(address), new Account(0n, balance));
    }
    const timestamp = this.options.genesisTimestamp ?? BigInt(Math.floor(Date.now() / 1000));
    const deployment = this.options.genesisDeployment;
    if (deployment) await this.runGenesisDeployment(overlay, deployment, timestamp);
    const touched = await this.state.applyBlockTouching(0n, overlay.changes());
    const stateRoot = this.state.stateRoot();
    const header: BlockHeader = {
      parentHash: ZERO32,
      uncleHash: KECCAK256_RLP_ARRAY,
      coinbase: ZERO20,
      stateRoot,
      transactionsRoot: KECCAK256_RLP,
      receiptsRoot: KECCAK256_RLP,
      logsBloom: new Uint8Array(256),
      difficulty: 1n,
      number: 0n,
      gasLimit: this.gasLimit,
      gasUsed: 0n,
      timestamp,
      extra: { vanity: ZERO32, validators: this.options.validators, vote: undefined, round: 0, seals: [] },
      mixHash: QBFT_MIX_HASH,
      nonce: new Uint8Array(8),
      baseFeePerGas: INITIAL_BASE_FEE,
      withdrawalsRoot: KECCAK256_RLP,
      blobGasUsed: 0n,
      excessBlobGas: 0n,
      parentBeaconBlockRoot: ZERO32,
      requestsHash: EMPTY_REQUESTS_HASH,
    };
    const genesis = this.toStoredBlock(header, [], []);
    if (this.db) await this.db.writeGenesis(genesis, touched, this.state);
    this.blocks.append(genesis);
  }

  private async runGenesisDeployment(
    overlay: StateOverlay,
    deployment: NonNullable<ChainOptions['genesisDeployment']>,
    timestamp: bigint,
  ): Promise<void> {
    const { vm, release } = await this.acquireVm(overlay);
    try {
      const deployer = createAddressFromString(deployment.deployer);
      const names = new Map<string, Address>();
      const block = this.executionBlock({
        number: 0n,
        timestamp,
        baseFeePerGas: 0n,
        coinbase: ZERO20,
        gasLimit: this.gasLimit,
      });
      for (const step of deployment.steps) {
        const account = (await overlay.getAccount(deployer)) ?? new Account();
        if (step.kind === 'create') {
          const expected = createContractAddress(deployer, account.nonce);
          const result = await vm.evm.runCall({
            caller: deployer,
            origin: deployer,
            data: hexToBytes(step.bytecode),
            gasLimit: 100_000_000n,
            block,
            skipBalance: true,
          });
          if (result.execResult.exceptionError || !result.createdAddress?.equals(expected)) {
            throw new AidocError('INTERNAL', `genesis deployment of ${step.name} failed`, {
              details: result.execResult.exceptionError?.error ?? 'unexpected contract address',
            });
          }
          const after = (await overlay.getAccount(deployer)) ?? new Account();
          if (after.nonce === account.nonce) after.nonce = account.nonce + 1n;
          await overlay.putAccount(deployer, after);
          names.set(step.name, expected);
        } else {
          const to =
            names.get(step.to) ?? (step.to.startsWith('0x') ? createAddressFromString(step.to) : undefined);
          if (!to) throw new AidocError('INTERNAL', `genesis call targets unknown contract ${step.to}`);
          const result = await vm.evm.runCall({
            caller: deployer,
            origin: deployer,
            to,
            data: hexToBytes(step.data),
            gasLimit: 100_000_000n,
            block,
            skipBalance: true,
          });
          if (result.execResult.exceptionError) {
            throw new AidocError('INTERNAL', `genesis call failed: ${step.description ?? step.to}`, {
              details: bytesToHex(result.execResult.returnValue),
            });
          }
          const after = (await overlay.getAccount(deployer)) ?? new Account();
          after.nonce = account.nonce + 1n;
          await overlay.putAccount(deployer, after);
        }
      }
    } finally {
      release();
    }
  }

  // --- VMs --------------------------------------------------------------------------------------

  /** A VM bound to `overlay`; call `release()` when done so it can be reused. */
  async acquireVm(overlay: StateOverlay): Promise<{ vm: VM; release: () => void }> {
    let entry = this.vmPool.pop();
    if (!entry) {
      const state = new SwitchableState(overlay);
      const vm = await createVM({
        common: this.common.copy(),
        stateManager: state,
        blockchain: this.blockchainAdapter as never,
      });
      entry = { vm, state };
    }
    entry.state.target = overlay;
    const e = entry;
    return {
      vm: e.vm,
      release: () => {
        e.vm.evm.events?.removeAllListeners();
        this.vmPool.push(e);
      },
    };
  }

  /**
   * The EVM's execution context for a block: the header fields ethereumjs reads, without building a full
   * ethereumjs Block (whose constructor re-derives chain parameters on every call).
   */
  executionBlock(h: {
    number: bigint;
    timestamp: bigint;
    baseFeePerGas: bigint;
    coinbase: Uint8Array;
    gasLimit: bigint;
  }): Block {
    const header = {
      number: h.number,
      timestamp: h.timestamp,
      baseFeePerGas: h.baseFeePerGas,
      coinbase: new Address(h.coinbase),
      gasLimit: h.gasLimit,
      gasUsed: 0n,
      difficulty: 0n,
      mixHash: QBFT_MIX_HASH,
      prevRandao: QBFT_MIX_HASH,
      excessBlobGas: 0n,
      blobGasUsed: 0n,
      getBlobGasPrice: () => 1n,
    };
    return { common: this.common, header } as unknown as Block;
  }

  // --- reading ----------------------------------------------------------------------------------

  get head(): StoredBlock {
    return this.blocks.head;
  }

  /** The current time as the chain sees it (wall clock plus evm_increaseTime). */
  now(): bigint {
    return BigInt(Math.floor(Date.now() / 1000)) + this.timeOffset;
  }

  /** State after block `n` (the head when `n` is undefined). */
  stateAt(n?: bigint): StateReader {
    if (n === undefined || n >= this.head.number) return this.committedState();
    try {
      return this.state.at(n);
    } catch {
      throw new AidocError('NOT_FOUND', `state for block ${n} is no longer available`, {
        details: 'The devnet keeps state history for recent blocks only.',
      });
    }
  }

  /**
   * The state after the last committed block. While consensus decides on an executed candidate, the flat
   * state already holds the candidate's writes; readers must not see them until the block commits.
   */
  committedState(): StateReader {
    return this.pending ? this.state.at(this.blocks.head.number) : this.state;
  }

  /** State and header a call or estimate at block `n` (head when undefined) runs against. */
  private executionBase(n?: bigint): { base: StateReader; header: BlockHeader } {
    const base = this.stateAt(n);
    return { base, header: (n === undefined ? this.head : this.blocks.byNumber(n))!.header };
  }

  /** The account's nonce counting transactions waiting in the pool. */
  pendingNonce(address: string): bigint {
    const a = this.committedState().account(address);
    return this.mempool.pendingNonce(address, a?.nonce ?? 0n);
  }

  /** Base fee the next block will have. */
  nextBaseFee(): bigint {
    return nextBaseFee(this.head.header);
  }

  // --- transactions -----------------------------------------------------------------------------

  /** Decode, validate and pool a signed raw transaction. Returns its hash. */
  addRawTransaction(raw: Uint8Array): `0x${string}` {
    this.checkRawChainId(raw);
    let tx: TypedTransaction;
    try {
      tx = createTxFromRLP(raw, { common: this.common });
    } catch (e) {
      throw new AidocError('INVALID_INPUT', `transaction could not be decoded: ${ejsMessage(e)}`, {
        cause: e,
      });
    }
    if (tx.type === 3) {
      throw new AidocError('UNSUPPORTED', 'blob transactions (type 3) are not supported by the devnet');
    }
    if (!tx.isSigned()) throw new AidocError('INVALID_SIGNATURE', 'transaction is not signed');
    let from: Address;
    try {
      from = tx.getSenderAddress();
    } catch (e) {
      throw new AidocError('INVALID_SIGNATURE', `invalid sender: ${ejsMessage(e)}`, { cause: e });
    }
    return this.addTransaction(tx, from);
  }

  /** Refuse a transaction signed for another chain before decoding it (ethereumjs' own message is unusable). */
  private checkRawChainId(raw: Uint8Array): void {
    let have: bigint | undefined;
    try {
      if (raw.length > 0 && raw[0]! <= 0x7f) {
        const fields = RLP.decode(raw.subarray(1)) as Uint8Array[];
        if (Array.isArray(fields) && fields[0] instanceof Uint8Array) have = bytesToBigInt(fields[0]);
      } else {
        const fields = RLP.decode(raw) as Uint8Array[];
        const v = Array.isArray(fields) && fields[6] instanceof Uint8Array ? bytesToBigInt(fields[6]) : 0n;
        if (v > 28n) have = (v - 35n) / 2n;
      }
    } catch {
      return; // malformed: the decoder reports it
    }
    if (have !== undefined && have !== this.common.chainId()) {
      throw new AidocError(
        'INVALID_TRANSACTION',
        `invalid chain id for signer: have ${have}, want ${this.chainId}`,
      );
    }
  }

  /** Pool an already-decoded transaction whose sender is known (signed or impersonated). */
  addTransaction(tx: TypedTransaction, from: Address): `0x${string}` {
    if (tx.supports(Capability.EIP155ReplayProtection) || tx.type !== 0) {
      const cid = (tx as { chainId?: bigint }).chainId ?? tx.common.chainId();
      if (tx.type !== 0 && cid !== this.common.chainId()) {
        throw new AidocError('INVALID_TRANSACTION', `invalid chain id: expected ${this.chainId}, got ${cid}`);
      }
    }
    if (tx.type === 0 && 'v' in tx && tx.v !== undefined && tx.v > 28n) {
      const cid = (tx.v - 35n) / 2n;
      if (cid !== this.common.chainId()) {
        throw new AidocError('INVALID_TRANSACTION', `invalid chain id: expected ${this.chainId}, got ${cid}`);
      }
    }
    const hash = bytesToHex(tx.hash()) as `0x${string}`;
    const sender = from.toString();
    const intrinsic = tx.getIntrinsicGas();
    if (tx.gasLimit < intrinsic) {
      throw new AidocError('GAS_LIMIT', `intrinsic gas too low: have ${tx.gasLimit}, want ${intrinsic}`);
    }
    if (tx.gasLimit > this.gasLimit) {
      throw new AidocError('GAS_LIMIT', `exceeds block gas limit: ${tx.gasLimit} > ${this.gasLimit}`);
    }
    const fee = 'maxFeePerGas' in tx ? tx.maxFeePerGas : (tx as { gasPrice: bigint }).gasPrice;
    if ('maxPriorityFeePerGas' in tx && tx.maxPriorityFeePerGas > tx.maxFeePerGas) {
      throw new AidocError('INVALID_TRANSACTION', 'max priority fee per gas higher than max fee per gas');
    }
    const baseFee = this.nextBaseFee();
    if (fee < baseFee) {
      throw new AidocError('FEE_TOO_LOW', `max fee per gas less than block base fee: ${fee} < ${baseFee}`, {
        data: { baseFee: baseFee.toString() },
      });
    }
    const account = this.committedState().account(sender);
    const balance = account?.balance ?? 0n;
    const cost = tx.gasLimit * fee + tx.value;
    if (balance < cost) {
      throw new AidocError(
        'INSUFFICIENT_FUNDS',
        `insufficient funds for gas * price + value: have ${balance} want ${cost}`,
        { data: { have: balance.toString(), want: cost.toString() } },
      );
    }
    const replaced = this.mempool.add(tx, hash, sender, account?.nonce ?? 0n);
    if (replaced) this.emit('dropped', replaced.hash as `0x${string}`, 'replaced');
    this.emit('pendingTransaction', hash);
    return hash;
  }

  /** Whether the pool holds transactions that can go into the next block. */
  hasExecutable(): boolean {
    const state = this.committedState();
    return this.mempool.hasExecutable((a) => state.account(a)?.nonce ?? 0n);
  }

  /**
   * Timestamp for the next block: the clock (plus evm_increaseTime), never before the parent's. Like Anvil,
   * several blocks in one second share a timestamp rather than running ahead of the clock, so time travel
   * moves block time by exactly the requested amount. An explicit timestamp must be after the parent's.
   */
  private nextBlockTimestamp(explicit?: bigint): bigint {
    const parent = this.head.header.timestamp;
    const forced = explicit ?? this.nextTimestamp;
    if (forced !== undefined) {
      if (forced <= parent) {
        throw new AidocError(
          'INVALID_PARAMS',
          `timestamp ${forced} is not after the previous block's timestamp ${parent}`,
        );
      }
      // As Anvil and Hardhat: the clock continues from a forced timestamp.
      this.timeOffset = forced - BigInt(Math.floor(Date.now() / 1000));
      return forced;
    }
    const now = this.now();
    return now > parent ? now : parent;
  }

  // --- block building ---------------------------------------------------------------------------

  /**
   * Execute the best pooled transactions on top of the head, apply the result to state, and return the
   * unsealed candidate. The caller must then {@link commitCandidate} or {@link abandonCandidate} it.
   */
  async buildCandidate(opts: {
    coinbase: Uint8Array;
    extra: QbftExtraData;
    timestamp?: bigint;
    empty?: boolean;
  }): Promise<CandidateBlock> {
    if (this.pending) throw new Error('a candidate block is already pending: commit or abandon it first');
    const parent = this.head;
    const number = parent.number + 1n;
    const timestamp = this.nextBlockTimestamp(opts.timestamp);
    const baseFeePerGas = nextBaseFee(parent.header);
    const block = this.executionBlock({
      number,
      timestamp,
      baseFeePerGas,
      coinbase: opts.coinbase,
      gasLimit: this.gasLimit,
    });
    const overlay = new StateOverlay(this.state);
    const { vm, release } = await this.acquireVm(overlay);
    const transactions: StoredTx[] = [];
    const receipts: StoredReceipt[] = [];
    const included: PooledTx[] = [];
    const results: RunTxResult[] = [];
    let gasUsed = 0n;
    let logIndex = 0;
    const nonceOf = (a: string) => overlay.peekAccount(a)?.nonce ?? 0n;
    try {
      if (!opts.empty) {
        const it = this.mempool.executable(nonceOf, baseFeePerGas);
        let next = it.next();
        while (!next.done) {
          const p = next.value;
          if (this.gasLimit - gasUsed < 21_000n) break;
          if (p.tx.gasLimit > this.gasLimit - gasUsed) {
            next = it.next({ skipSender: true });
            continue;
          }
          let result: RunTxResult;
          try {
            result = await runTx(vm, {
              tx: p.tx,
              block,
              blockGasUsed: gasUsed,
              skipHardForkValidation: true,
            });
          } catch (e) {
            this.mempool.remove(p.hash);
            this.emit('dropped', p.hash as `0x${string}`, ejsMessage(e));
            next = it.next({ skipSender: true });
            continue;
          }
          gasUsed += result.totalGasSpent;
          const from = p.from as `0x${string}`;
          const receipt = this.toReceipt(
            p.tx,
            from,
            result,
            gasUsed,
            baseFeePerGas,
            transactions.length,
            logIndex,
          );
          logIndex += receipt.logs.length;
          transactions.push({ tx: p.tx, hash: p.hash as `0x${string}`, from });
          receipts.push(receipt);
          results.push(result);
          included.push(p);
          next = it.next();
        }
      }
    } finally {
      release();
    }
    const touched = await this.state.applyBlockTouching(number, overlay.changes());
    const stateRoot = this.state.stateRoot();
    const bloom = new Uint8Array(256);
    for (const r of receipts) for (let i = 0; i < 256; i++) bloom[i]! |= r.logsBloom[i] ?? 0;
    const header: BlockHeader = {
      parentHash: hexToBytes(parent.hash),
      uncleHash: KECCAK256_RLP_ARRAY,
      coinbase: opts.coinbase,
      stateRoot,
      transactionsRoot: Chain.transactionsRoot(transactions),
      receiptsRoot: this.receiptsRoot(transactions, results, receipts),
      logsBloom: bloom,
      difficulty: 1n,
      number,
      gasLimit: this.gasLimit,
      gasUsed,
      timestamp,
      extra: opts.extra,
      mixHash: QBFT_MIX_HASH,
      nonce: new Uint8Array(8),
      baseFeePerGas,
      withdrawalsRoot: KECCAK256_RLP,
      blobGasUsed: 0n,
      excessBlobGas: 0n,
      parentBeaconBlockRoot: ZERO32,
      requestsHash: EMPTY_REQUESTS_HASH,
    };
    const candidate: CandidateBlock = { header, transactions, receipts, included, touched };
    this.pending = candidate;
    return candidate;
  }

  private receiptsRoot(txs: StoredTx[], results: RunTxResult[], receipts: StoredReceipt[]): Uint8Array {
    let trie: TrieNode | null = null;
    for (let i = 0; i < txs.length; i++) {
      const r = results[i]!;
      const encoded = encodeReceipt(
        { ...r.receipt, cumulativeBlockGasUsed: receipts[i]!.cumulativeGasUsed },
        txs[i]!.tx.type,
      );
      trie = trieInsert(trie, toNibbles(RLP.encode(i)), encoded);
    }
    return trieRoot(trie);
  }

  private static transactionsRoot(txs: StoredTx[]): Uint8Array {
    let trie: TrieNode | null = null;
    for (let i = 0; i < txs.length; i++)
      trie = trieInsert(trie, toNibbles(RLP.encode(i)), txs[i]!.tx.serialize());
    return trieRoot(trie);
  }

  private toReceipt(
    tx: TypedTransaction,
    from: `0x${string}`,
    result: RunTxResult,
    cumulativeGasUsed: bigint,
    baseFee: bigint,
    index: number,
    firstLogIndex: number,
  ): StoredReceipt {
    const logs: StoredLog[] = (result.execResult.logs ?? []).map(([address, topics, data], i) => ({
      address: bytesToHex(address) as `0x${string}`,
      topics: topics.map((t) => bytesToHex(t) as `0x${string}`),
      data: bytesToHex(data) as `0x${string}`,
      logIndex: firstLogIndex + i,
    }));
    const status = result.execResult.exceptionError ? 0 : 1;
    return {
      status,
      type: tx.type,
      cumulativeGasUsed,
      gasUsed: result.totalGasSpent,
      effectiveGasPrice: baseFee + effectiveTip(tx, baseFee),
      logsBloom: result.bloom.bitvector,
      logs,
      from,
      to: tx.to ? (tx.to.toString() as `0x${string}`) : null,
      contractAddress:
        !tx.to && status === 1 && result.createdAddress
          ? (result.createdAddress.toString() as `0x${string}`)
          : null,
      transactionIndex: index,
      ...(status === 0 ? { returnData: result.execResult.returnValue } : {}),
    };
  }

  /**
   * Commit a sealed candidate: make it durable (with a data directory), then store it, prune the pool and
   * emit events. Nothing is acknowledged before the write returns.
   */
  async commitCandidate(candidate: CandidateBlock, sealed: BlockHeader): Promise<StoredBlock> {
    if (this.pending !== candidate) throw new Error('only the pending candidate can be committed');
    const block = this.toStoredBlock(sealed, candidate.transactions, candidate.receipts);
    if (this.db) {
      const write = this.db.writeBlock(block, candidate.touched, this.state);
      this.durableWrite = write.catch(() => undefined);
      try {
        await write;
      } finally {
        this.durableWrite = undefined;
      }
    }
    this.pending = undefined;
    this.blocks.append(block);
    if (this.nextTimestamp !== undefined) this.nextTimestamp = undefined;
    for (const p of candidate.included) this.mempool.remove(p.hash);
    const senders = new Set(candidate.included.map((p) => p.from));
    for (const s of senders) {
      for (const d of this.mempool.pruneBelow(s, this.state.account(s)?.nonce ?? 0n)) {
        this.emit('dropped', d.hash as `0x${string}`, 'nonce already used');
      }
    }
    this.emit('block', block);
    if (block.number % 64n === 0n) this.pruneHistory();
    return block;
  }

  /** Blocks of state history kept for historical reads (snapshots pin older history until reverted). */
  static readonly HISTORY_BLOCKS = 4096;

  private pruneHistory(): void {
    let oldestSnapshot = Number.POSITIVE_INFINITY;
    for (const s of this.snapshots.values()) oldestSnapshot = Math.min(oldestSnapshot, s.stateVersion);
    this.state.pruneHistory(Chain.HISTORY_BLOCKS, oldestSnapshot);
  }

  /** Undo a candidate that consensus did not commit. */
  abandonCandidate(candidate: CandidateBlock): void {
    if (this.pending !== candidate) return;
    this.state.revertTo(candidate.header.number - 1n);
    this.pending = undefined;
  }

  private toStoredBlock(
    header: BlockHeader,
    transactions: StoredTx[],
    receipts: StoredReceipt[],
  ): StoredBlock {
    const hash = bytesToHex(blockHash(header)) as `0x${string}`;
    let size = encodeHeader(header).length + 8;
    for (const t of transactions) size += t.tx.serialize().length;
    return { header, hash, number: header.number, transactions, receipts, size };
  }

  // --- calls, estimates -------------------------------------------------------------------------

  /** Run a read-only call against the state after block `n` (head when undefined). */
  async call(params: CallParams, n?: bigint, overrides?: StateOverrides): Promise<ExecutionOutcome> {
    const { base, header } = this.executionBase(n);
    const overlay = new StateOverlay(base);
    if (overrides) await applyStateOverrides(overlay, overrides);
    const { vm, release } = await this.acquireVm(overlay);
    try {
      const block = this.executionBlock({ ...header, coinbase: header.coinbase });
      const caller = params.from ? createAddressFromString(params.from) : new Address(ZERO20);
      const gasLimit = params.gas ?? this.gasLimit;
      const r = await vm.evm.runCall({
        caller,
        origin: caller,
        ...(params.to ? { to: createAddressFromString(params.to) } : {}),
        data: params.data ?? new Uint8Array(),
        value: params.value ?? 0n,
        gasLimit,
        gasPrice: params.gasPrice ?? params.maxFeePerGas ?? 0n,
        block,
        isStatic: false,
      });
      const err = r.execResult.exceptionError;
      return {
        success: !err,
        returnData: r.execResult.returnValue,
        gasUsed: r.execResult.executionGasUsed,
        ...(err ? { error: err.error } : {}),
      };
    } finally {
      release();
    }
  }

  /** Run a transaction-shaped message (intrinsic gas, refunds) on a throwaway overlay. */
  async simulateTx(
    params: CallParams,
    gas: bigint,
    base: StateReader,
    header: BlockHeader,
    overrides?: StateOverrides,
    reportAccessList = false,
  ): Promise<ExecutionOutcome & { gasRefund: bigint; accessList?: AccessListItem[] }> {
    const overlay = new StateOverlay(base);
    if (overrides) await applyStateOverrides(overlay, overrides);
    const { vm, release } = await this.acquireVm(overlay);
    const from = params.from ? createAddressFromString(params.from) : new Address(ZERO20);
    const feeGiven = params.gasPrice !== undefined || params.maxFeePerGas !== undefined;
    const block = this.executionBlock({
      number: header.number + 1n,
      timestamp: header.timestamp + 1n,
      baseFeePerGas: feeGiven ? nextBaseFee(header) : 0n,
      coinbase: header.coinbase,
      gasLimit: this.gasLimit,
    });
    try {
      const nonce = overlay.peekAccount(from.toString())?.nonce ?? 0n;
      const tx = txFromCallParams(this.common, { ...params, nonce, gas }, from);
      const r = await runTx(vm, {
        tx,
        block,
        skipNonce: true,
        skipBalance: !feeGiven && (params.value ?? 0n) === 0n,
        skipBlockGasLimitValidation: true,
        skipHardForkValidation: true,
        reportAccessList,
      });
      const err = r.execResult.exceptionError;
      return {
        success: !err,
        returnData: r.execResult.returnValue,
        gasUsed: r.totalGasSpent,
        gasRefund: r.gasRefund ?? 0n,
        ...(r.accessList ? { accessList: r.accessList as AccessListItem[] } : {}),
        ...(err ? { error: err.error } : {}),
      };
    } catch (e) {
      return {
        success: false,
        returnData: new Uint8Array(),
        gasUsed: gas,
        gasRefund: 0n,
        error: ejsMessage(e),
      };
    } finally {
      release();
    }
  }

  /** The smallest gas limit with which the transaction succeeds (exact binary search). */
  async estimateGas(params: CallParams, n?: bigint, overrides?: StateOverrides): Promise<bigint> {
    const { base, header } = this.executionBase(n);
    let hi = params.gas ?? this.gasLimit;
    const balance = overrides?.[params.from ?? '']?.balance ?? base.account(params.from ?? '')?.balance ?? 0n;
    const value = params.value ?? 0n;
    if (value > balance) {
      throw new AidocError(
        'INSUFFICIENT_FUNDS',
        `insufficient funds for transfer: have ${balance} want ${value}`,
        {
          data: { have: balance.toString(), want: value.toString() },
        },
      );
    }
    const price = params.gasPrice ?? params.maxFeePerGas;
    if (price !== undefined && price > 0n) {
      // As geth: the sender can only buy so much gas.
      const affordable = (balance - value) / price;
      if (affordable < 21_000n) {
        throw new AidocError(
          'INSUFFICIENT_FUNDS',
          `insufficient funds for gas * price + value: have ${balance}`,
          {
            data: { have: balance.toString() },
          },
        );
      }
      if (affordable < hi) hi = affordable;
    }
    const first = await this.simulateTx(params, hi, base, header, overrides);
    if (!first.success) {
      throw executionError(first);
    }
    let lo = first.gasUsed - 1n;
    // Optimistic probe: the gas used plus refunds, with the 63/64 rule's headroom, usually suffices.
    const optimistic = ((first.gasUsed + first.gasRefund + 2300n) * 64n) / 63n;
    if (optimistic < hi) {
      const r = await this.simulateTx(params, optimistic, base, header, overrides);
      if (r.success) hi = optimistic;
      else lo = optimistic;
    }
    while (hi - lo > 1n) {
      const mid = (hi + lo) / 2n;
      const r = await this.simulateTx(params, mid, base, header, overrides);
      if (r.success) hi = mid;
      else lo = mid;
    }
    return hi;
  }

  /**
   * The access list a transaction touches and the gas it uses with that list attached, as geth's
   * `eth_createAccessList` gives them: the sender, the recipient and precompiles are left out (they are
   * warm anyway).
   */
  async createAccessList(
    params: CallParams,
    n?: bigint,
  ): Promise<{ accessList: AccessListItem[]; gasUsed: bigint; error?: string }> {
    const { base, header } = this.executionBase(n);
    const gas = params.gas ?? this.gasLimit;
    const r = await this.simulateTx(params, gas, base, header, undefined, true);
    const skip = new Set([params.from ?? '0x0000000000000000000000000000000000000000', params.to ?? '']);
    const accessList = (r.accessList ?? []).filter(
      (e) => !skip.has(e.address.toLowerCase()) && BigInt(e.address) > 0x100n,
    );
    const withList = await this.simulateTx({ ...params, accessList }, gas, base, header);
    return {
      accessList,
      gasUsed: withList.gasUsed,
      ...(withList.success ? {} : { error: withList.error ?? 'execution failed' }),
    };
  }

  // --- dev controls -----------------------------------------------------------------------------

  /** Change head state directly (anvil_setBalance and friends); recorded so evm_revert undoes it. */
  async patchState(mutate: (overlay: StateOverlay) => Promise<void>): Promise<void> {
    if (this.pending) throw new AidocError('CONSENSUS', 'a block is being agreed on: retry the state edit');
    const overlay = new StateOverlay(this.state);
    await mutate(overlay);
    const touched = await this.state.patchHead(overlay.changes());
    if (this.db) await this.db.writeStatePatch(touched, this.state);
  }

  /** Take a snapshot; returns its id. */
  snapshot(): number {
    const id = ++this.snapshotSeq;
    this.snapshots.set(id, {
      block: this.head.number,
      stateVersion: this.state.version(),
      timeOffset: this.timeOffset,
      pool: this.mempool.all(),
    });
    return id;
  }

  /** Revert to a snapshot; it and every later snapshot are consumed. Returns false for unknown ids. */
  async revert(id: number): Promise<boolean> {
    const snap = this.snapshots.get(id);
    if (!snap) return false;
    if (this.pending) throw new AidocError('CONSENSUS', 'a block is being agreed on: retry evm_revert');
    for (const k of [...this.snapshots.keys()]) if (k >= id) this.snapshots.delete(k);
    const touched = this.state.revertToVersion(snap.stateVersion);
    const removed = this.blocks.truncate(snap.block);
    if (this.db) await this.db.writeRevert(snap.block, removed, touched, this.state);
    this.timeOffset = snap.timeOffset;
    this.nextTimestamp = undefined;
    this.mempool.clear();
    for (const p of snap.pool) {
      try {
        this.mempool.add(p.tx, p.hash, p.from, this.state.account(p.from)?.nonce ?? 0n);
      } catch {
        // no longer valid at the reverted state: dropped
      }
    }
    return true;
  }

  /** Re-execute a mined transaction on the state before it, with EVM event listeners attached. */
  async replay<T>(
    txHash: string,
    attach: (vm: VM) => () => T,
  ): Promise<{ result: RunTxResult; trace: T; stored: StoredTx } | undefined> {
    const loc = this.blocks.tx(txHash);
    if (!loc) return undefined;
    const blockNum = loc.block.number;
    const overlay = new StateOverlay(this.stateAt(blockNum - 1n));
    const { vm, release } = await this.acquireVm(overlay);
    const h = loc.block.header;
    const block = this.executionBlock(h);
    try {
      let gasUsed = 0n;
      for (let i = 0; i < loc.index; i++) {
        const r = await runTx(vm, {
          tx: loc.block.transactions[i]!.tx,
          block,
          blockGasUsed: gasUsed,
          skipHardForkValidation: true,
        });
        gasUsed += r.totalGasSpent;
      }
      const finish = attach(vm);
      const result = await runTx(vm, {
        tx: loc.stored.tx,
        block,
        blockGasUsed: gasUsed,
        skipHardForkValidation: true,
      });
      return { result, trace: finish(), stored: loc.stored };
    } finally {
      release();
    }
  }
}

/** Per-account state overrides for eth_call / eth_estimateGas (geth's format). */
export type StateOverrides = Record<
  string,
  {
    balance?: bigint;
    nonce?: bigint;
    code?: Uint8Array;
    state?: Record<string, Uint8Array>;
    stateDiff?: Record<string, Uint8Array>;
  }
>;

async function applyStateOverrides(overlay: StateOverlay, overrides: StateOverrides): Promise<void> {
  for (const [addr, o] of Object.entries(overrides)) {
    const address = createAddressFromString(addr);
    const acct = (await overlay.getAccount(address)) ?? new Account();
    if (o.balance !== undefined) acct.balance = o.balance;
    if (o.nonce !== undefined) acct.nonce = o.nonce;
    await overlay.putAccount(address, acct);
    if (o.code !== undefined) await overlay.putCode(address, o.code);
    if (o.state) {
      await overlay.clearStorage(address);
      for (const [k, v] of Object.entries(o.state))
        await overlay.putStorage(address, hexToBytes(k as `0x${string}`), v);
    }
    if (o.stateDiff) {
      for (const [k, v] of Object.entries(o.stateDiff)) {
        await overlay.putStorage(address, hexToBytes(k as `0x${string}`), v);
      }
    }
  }
}

/** An AidocError for a failed execution: EXECUTION_REVERTED with the revert data, or the EVM error. */
export function executionError(r: ExecutionOutcome): AidocError {
  if (r.error === 'revert') {
    const reason = decodeRevertReason(r.returnData);
    return new AidocError(
      'EXECUTION_REVERTED',
      reason ? `execution reverted: ${reason}` : 'execution reverted',
      {
        data: { data: bytesToHex(r.returnData) },
      },
    );
  }
  return new AidocError('INVALID_TRANSACTION', r.error ?? 'execution failed');
}

/** Decode `Error(string)` and `Panic(uint256)` revert data into the text geth and Anvil print. */
export function decodeRevertReason(data: Uint8Array): string | undefined {
  if (data.length < 4) return undefined;
  const selector = bytesToHex(data.subarray(0, 4));
  if (selector === '0x08c379a0' && data.length >= 68) {
    const len = Number(BigInt(bytesToHex(data.subarray(36, 68))));
    if (68 + len <= data.length) return Buffer.from(data.subarray(68, 68 + len)).toString('utf8');
  }
  if (selector === '0x4e487b71' && data.length >= 36) {
    return `panic: ${PANIC_REASONS[Number(BigInt(bytesToHex(data.subarray(4, 36))))] ?? 'unknown panic code'}`;
  }
  return undefined;
}

const PANIC_REASONS: Record<number, string> = {
  0: 'generic panic (0x00)',
  1: 'assertion failed (0x01)',
  17: 'arithmetic underflow or overflow (0x11)',
  18: 'division or modulo by zero (0x12)',
  33: 'enum overflow (0x21)',
  34: 'invalid encoded storage byte array accessed (0x22)',
  49: 'out-of-bounds array access; popping on an empty array (0x31)',
  50: 'out-of-bounds access of an array or bytesN (0x32)',
  65: 'out of memory (0x41)',
  81: 'uninitialized function (0x51)',
};
