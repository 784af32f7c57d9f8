import { AidocError } from '@aidoc/sdk/errors';
import { type BlockHeader, blockHash, sealHash } from '../../chain/BlockHeader';
import type { CandidateBlock, Chain } from '../../chain/Chain';
import { addressOf, recoverAddress } from '../../chain/nativeSecp256k1';
import type { StoredBlock } from '../../chain/StoredBlock';
import type { BlockProducer, ProduceOptions } from '../BlockProducer';
import { MessageBus, type MessageBusOptions } from './MessageBus';
import { QbftValidator, type ValidatorHost } from './QbftValidator';
import { hexOf, type QbftMessage } from './qbftMessages';
import { maxFaulty, proposerFor, quorumSize } from './qbftQuorum';
import { DEFAULT_EPOCH_LENGTH, ValidatorVotes } from './ValidatorVotes';

/** Options for {@link QbftEngine}. */
export interface QbftEngineOptions {
  /** One validator node per key (e.g. `devnetValidatorKey(i)` for i < N). */
  keys: Uint8Array[];
  /** The last `standby` keys run as non-validators until voted in; default 0. */
  standby?: number;
  /** Round 0 timeout; each failed round doubles it (Besu: `requesttimeoutseconds`). Default 1000 ms. */
  roundTimeoutMs?: number;
  /** Upper bound of the doubling round timeout. Default 60 000 ms. */
  maxRoundTimeoutMs?: number;
  /** Votes reset every this many blocks (Besu `epochlength`). Default 30 000. */
  epochLength?: number;
  /** `produce()` (evm_mine) fails with CONSENSUS after this long without a committed block. Default 30 000 ms. */
  produceTimeoutMs?: number;
  /** Random drops on the bus (tests). */
  bus?: MessageBusOptions;
}

/** The faults `aidoc_validatorFault` and `aidoc devnet fault` inject, and the two that undo them. */
export const validatorFaultKinds = ['crash', 'recover', 'partition', 'heal', 'delay', 'equivocate'] as const;

/** One of {@link validatorFaultKinds}. */
export type ValidatorFaultKind = (typeof validatorFaultKinds)[number];

/** A fault to inject into one validator. */
export interface ValidatorFault {
  kind: ValidatorFaultKind;
  /** Delay in milliseconds (kind `delay`). */
  ms?: number;
}

/** One validator node's status (aidoc_validators). */
export interface ValidatorStatus {
  index: number;
  address: `0x${string}`;
  /** In the validator set of the next block. */
  validator: boolean;
  /** Proposer of the next block's round 0. */
  proposer: boolean;
  crashed: boolean;
  partitioned: boolean;
  delayMs: number;
  equivocating: boolean;
  height: number;
  round: number;
  active: boolean;
  committed: number;
  synced: number;
}

/** A safety violation: a validator's decided block differs from the chain's at that height. */
export interface SafetyViolation {
  height: bigint;
  validator: number;
  mine: string;
  chain: string;
}

interface Waiter {
  opts: ProduceOptions;
  resolve: (b: StoredBlock) => void;
  reject: (e: unknown) => void;
  timer: NodeJS.Timeout;
}

interface Executed {
  candidate: CandidateBlock;
  /** Block hash of the built header (variants differ only in vanity). */
  digest: string;
  builder: string;
  /** A validator other than the builder prepared it: it may be decided, so it is never abandoned. */
  live: boolean;
}

const ZERO32 = new Uint8Array(32);
const FAULT_KINDS: ReadonlySet<string> = new Set(validatorFaultKinds);

/**
 * QBFT among N in-process validators, each its own state machine with its own key, round and timers,
 * exchanging signed PROPOSAL / PREPARE / COMMIT / ROUND-CHANGE messages over a {@link MessageBus} through
 * which faults are injected. The chain state is shared: a proposer executes its block once through
 * `chain.buildCandidate`, the others check the proposal structurally; the first validator to see a commit
 * quorum commits the block with the seals it collected. At most one candidate is applied at a time; it is
 * abandoned (and the round's proposer builds anew) only while no validator but its builder prepared it,
 * so a block that may have been decided is always re-proposed, never lost.
 *
 * @example
 * ```ts
 * const engine = new QbftEngine({ keys: [0, 1, 2, 3].map(devnetValidatorKey), roundTimeoutMs: 200 });
 * const chain = new Chain({ chainId: 31337, alloc, validators: engine.genesisValidators() });
 * await chain.init();
 * engine.start(chain);
 * engine.fault(1, { kind: 'crash' });
 * const block = await engine.produce({ allowEmpty: true });
 * ```
 */
/** How long instant mode lets transactions gather before the first of them starts a block. */
export const INSTANT_BATCH_WINDOW_MS = 1;

export class QbftEngine implements BlockProducer {
  readonly bus: MessageBus;
  readonly nodes: QbftValidator[] = [];
  readonly votes: ValidatorVotes;
  /** Safety violations seen (must stay empty while at most f validators are Byzantine). */
  readonly violations: SafetyViolation[] = [];
  private chainRef: Chain | undefined;
  private readonly keys: Uint8Array[];
  private readonly standby: number;
  private readonly roundTimeoutMs: number;
  private readonly maxRoundTimeoutMs: number;
  private readonly produceTimeoutMs: number;
  private readonly busOptions: MessageBusOptions;
  private readonly equivocators = new Set<number>();
  private automine = true;
  private blockTime = 0;
  private interval: NodeJS.Timeout | undefined;
  private intervalDue = false;
  private stopped = false;
  private waiters: Waiter[] = [];
  private current: { height: bigint; opts: ProduceOptions; waiter: Waiter | undefined } | undefined;
  private executed: Executed | undefined;
  private readonly decided = new Map<bigint, string>();
  private readonly sealed = new Set<string>();
  private exclusiveTail: Promise<unknown> = Promise.resolve();
  private commitTail: Promise<unknown> = Promise.resolve();
  private demandScheduled = false;
  private demandTimer: NodeJS.Timeout | undefined;

  constructor(options: QbftEngineOptions) {
    if (!Array.isArray(options.keys) || options.keys.length === 0) {
      throw new AidocError('INVALID_INPUT', 'QBFT needs at least one validator key');
    }
    this.keys = options.keys;
    this.standby = options.standby ?? 0;
    if (!Number.isInteger(this.standby) || this.standby < 0 || this.standby >= this.keys.length) {
      throw new AidocError('INVALID_INPUT', `standby must be an integer from 0 to ${this.keys.length - 1}`);
    }
    this.roundTimeoutMs = positive(options.roundTimeoutMs ?? 1000, 'roundTimeoutMs');
    this.maxRoundTimeoutMs = positive(options.maxRoundTimeoutMs ?? 60_000, 'maxRoundTimeoutMs');
    this.produceTimeoutMs = positive(options.produceTimeoutMs ?? 30_000, 'produceTimeoutMs');
    this.busOptions = options.bus ?? {};
    this.votes = new ValidatorVotes(this.keys.length, options.epochLength ?? DEFAULT_EPOCH_LENGTH);
    this.bus = new MessageBus(this.keys.length, (to, msg) => this.nodes[to]?.receive(msg), this.busOptions);
  }

  /** The genesis validator set (sorted addresses, Besu order): pass it as `validators` to `new Chain`. */
  genesisValidators(): Uint8Array[] {
    return this.keys
      .slice(0, this.keys.length - this.standby)
      .map(addressOf)
      .sort((a, b) => Buffer.compare(a, b));
  }

  private get chain(): Chain {
    if (!this.chainRef) throw new AidocError('CONSENSUS', 'the QBFT engine is not started');
    return this.chainRef;
  }

  // --- BlockProducer -----------------------------------------------------------------------------

  validators(): Uint8Array[] {
    if (!this.chainRef) return this.genesisValidators();
    return this.validatorsFor(this.chainRef.head.number + 1n).map(bytesOf);
  }

  start(chain: Chain): void {
    if (this.chainRef) throw new Error('the QBFT engine is already started');
    this.chainRef = chain;
    const host = this.host();
    for (const [i, k] of this.keys.entries()) this.nodes.push(new QbftValidator(i, k, addressOf(k), host));
    this.arm();
    this.notifyPending();
  }

  notifyPending(): void {
    if (this.stopped || !this.chainRef || !this.automine || this.blockTime > 0) return;
    // Transactions arriving back to back share a block: the first waits a moment for the next.
    // Any read (or the in-process provider) flushes at once through flushPending.
    this.scheduleDemand(INSTANT_BATCH_WINDOW_MS);
  }

  produce(opts: ProduceOptions = {}): Promise<StoredBlock> {
    const chain = this.chain;
    if (this.stopped) return Promise.reject(new AidocError('CONSENSUS', 'the QBFT engine is stopped'));
    if (opts.timestamp !== undefined && opts.timestamp <= chain.head.header.timestamp) {
      return Promise.reject(
        new AidocError(
          'INVALID_PARAMS',
          `timestamp ${opts.timestamp} is not after the previous block's timestamp ${chain.head.header.timestamp}`,
        ),
      );
    }
    if (!opts.allowEmpty && !chain.hasExecutable() && !this.current) return Promise.resolve(chain.head);
    return new Promise<StoredBlock>((resolve, reject) => {
      const waiter: Waiter = {
        opts,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          if (this.current?.waiter === waiter) this.current.waiter = undefined;
          reject(
            new AidocError('CONSENSUS', `no block was committed within ${this.produceTimeoutMs} ms`, {
              details: `Fewer than ${this.quorumNow()} of ${this.validators().length} validators are reachable; heal them (aidoc_validatorHeal) and the block commits.`,
            }),
          );
        }, this.produceTimeoutMs),
      };
      waiter.timer.unref?.();
      // A height already under way satisfies an evm_mine without a timestamp.
      const cur = this.current;
      const open = cur && cur.height === chain.head.number + 1n && !this.decided.has(cur.height);
      if (cur && open && !cur.waiter && opts.timestamp === undefined) cur.waiter = waiter;
      else this.waiters.push(waiter);
      this.scheduleDemand();
    });
  }

  setBlockTime(seconds: number): void {
    this.blockTime = seconds;
    this.automine = true;
    this.arm();
  }

  setAutomine(on: boolean): void {
    this.automine = on;
    if (on) this.blockTime = 0;
    this.arm();
    if (on) this.notifyPending();
  }

  mode(): { automine: boolean; blockTime: number } {
    return { automine: this.automine, blockTime: this.blockTime };
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.interval) clearInterval(this.interval);
    if (this.demandTimer) clearTimeout(this.demandTimer);
    for (const n of this.nodes) n.stop();
    this.bus.close();
    await this.exclusiveTail;
    await this.commitTail;
    if (this.executed && this.chainRef) this.chainRef.abandonCandidate(this.executed.candidate);
    this.executed = undefined;
    const pending = [...this.waiters, ...(this.current?.waiter ? [this.current.waiter] : [])];
    this.waiters = [];
    this.current = undefined;
    for (const w of pending) {
      clearTimeout(w.timer);
      w.reject(new AidocError('CONSENSUS', 'the devnet stopped before the block was committed'));
    }
  }

  // --- faults ------------------------------------------------------------------------------------

  /** Inject a fault into validator node `index` (its position in `keys`). */
  fault(index: number, fault: ValidatorFault): ValidatorStatus {
    this.checkIndex(index);
    if (typeof fault !== 'object' || fault === null || !FAULT_KINDS.has(fault.kind)) {
      throw new AidocError(
        'INVALID_PARAMS',
        `invalid fault kind: expected one of ${validatorFaultKinds.join(', ')}, got ${JSON.stringify((fault as { kind?: unknown })?.kind)}`,
      );
    }
    const node = this.nodes[index];
    switch (fault.kind) {
      case 'crash':
        this.bus.setFaults(index, { crashed: true });
        node?.halt();
        break;
      case 'recover':
        this.bus.setFaults(index, { crashed: false });
        if (!this.stopped) node?.resume();
        break;
      case 'partition':
        this.bus.setFaults(index, { partitioned: true });
        break;
      case 'heal':
        return this.heal(index);
      case 'delay': {
        const ms = fault.ms;
        if (typeof ms !== 'number' || !Number.isInteger(ms) || ms < 0 || ms > 600_000) {
          throw new AidocError(
            'INVALID_PARAMS',
            `invalid delay: expected milliseconds from 0 to 600000, got ${JSON.stringify(ms)}`,
          );
        }
        this.bus.setFaults(index, { delayMs: ms });
        break;
      }
      case 'equivocate':
        this.equivocators.add(index);
        break;
    }
    return this.status()[index]!;
  }

  /** Clear every fault of validator node `index`: it recovers, rejoins the network and catches up. */
  heal(index: number): ValidatorStatus {
    this.checkIndex(index);
    this.bus.setFaults(index, { crashed: false, partitioned: false, delayMs: 0 });
    this.equivocators.delete(index);
    if (!this.stopped) this.nodes[index]?.resume();
    return this.status()[index]!;
  }

  private checkIndex(index: number): void {
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= this.keys.length) {
      throw new AidocError(
        'INVALID_PARAMS',
        `invalid validator index: expected an integer from 0 to ${this.keys.length - 1}, got ${JSON.stringify(index)}`,
      );
    }
  }

  /** Status of every validator node. */
  status(): ValidatorStatus[] {
    const next = this.chainRef ? this.chainRef.head.number + 1n : 1n;
    const set = this.chainRef ? this.validatorsFor(next) : this.genesisValidators().map(hexOf);
    const proposer = set.length ? proposerFor(set, next, 0) : undefined;
    return this.keys.map((k, i) => {
      const address = hexOf(addressOf(k)) as `0x${string}`;
      const n = this.nodes[i];
      const f = this.bus.faultsOf(i);
      return {
        index: i,
        address,
        validator: set.includes(address),
        proposer: proposer === address,
        crashed: f.crashed,
        partitioned: f.partitioned,
        delayMs: f.delayMs,
        equivocating: this.equivocators.has(i),
        height: Number(n?.height ?? next),
        round: n?.round ?? 0,
        active: n?.active ?? false,
        committed: n?.committed.size ?? 0,
        synced: n?.synced.size ?? 0,
      };
    });
  }

  // --- votes -------------------------------------------------------------------------------------

  /** Propose adding (`add`) or removing a validator, on every node (or one) as `qbft_proposeValidatorVote`. */
  proposeVote(address: string, add: boolean, node?: number): void {
    for (const i of node === undefined ? this.keys.keys() : [node]) this.votes.propose(i, address, add);
  }

  /** Discard a pending vote on every node (or one); returns whether one existed. */
  discardVote(address: string, node?: number): boolean {
    let had = false;
    for (const i of node === undefined ? this.keys.keys() : [node])
      had = this.votes.discard(i, address) || had;
    return had;
  }

  /** Pending votes, merged over the nodes, in Besu's `{ address: add }` shape. */
  pendingVotes(): Record<string, boolean> {
    const out: Record<string, boolean> = {};
    for (const i of this.keys.keys()) Object.assign(out, this.votes.pending(i));
    return out;
  }

  /** Sorted lowercase addresses that seal block `n` (`n` may be the next block). */
  validatorsFor(n: bigint): string[] {
    const chain = this.chain;
    if (n > chain.head.number + 1n) n = chain.head.number + 1n;
    return this.votes.validatorsFor(chain, n);
  }

  private quorumNow(): number {
    return quorumSize(this.validators().length);
  }

  // --- demand: when a height starts --------------------------------------------------------------

  private arm(): void {
    if (this.interval) clearInterval(this.interval);
    this.interval = undefined;
    if (this.stopped || !this.automine || this.blockTime <= 0) return;
    this.interval = setInterval(() => {
      this.intervalDue = true;
      this.scheduleDemand();
    }, this.blockTime * 1000);
    this.interval.unref?.();
  }

  private scheduleDemand(delayMs = 0): void {
    if (this.stopped) return;
    if (this.demandScheduled) {
      if (delayMs > 0 || !this.demandTimer) return;
      // An immediate request overtakes a delayed one.
      clearTimeout(this.demandTimer);
      this.demandTimer = undefined;
    }
    this.demandScheduled = true;
    const run = () => {
      this.demandScheduled = false;
      this.demandTimer = undefined;
      this.startDemand();
    };
    if (delayMs > 0) {
      this.demandTimer = setTimeout(run, delayMs);
      this.demandTimer.unref?.();
    } else setImmediate(run);
  }

  flushPending(): Promise<void> | undefined {
    const chain = this.chainRef;
    if (!chain || this.stopped || !this.automine || this.blockTime > 0) return undefined;
    if (!chain.hasExecutable() && !this.current) return undefined;
    // Only while consensus is healthy: with faults injected, reads answer from the last committed block.
    for (const n of this.nodes) {
      const f = this.bus.faultsOf(n.index);
      if (f.crashed || f.partitioned || f.delayMs > 0 || this.equivocators.has(n.index)) return undefined;
    }
    return (async () => {
      for (let i = 0; i < 4 && (chain.hasExecutable() || this.current); i++) {
        const before = chain.head.number;
        await this.produce({});
        if (chain.head.number === before) break;
      }
    })().catch(() => undefined);
  }

  private startDemand(): void {
    if (this.stopped || !this.chainRef) return;
    const chain = this.chainRef;
    const height = chain.head.number + 1n;
    for (const n of this.nodes) n.rewind();
    // Heights undone by evm_revert are open again.
    for (const h of [...this.decided.keys()]) if (h >= height) this.decided.delete(h);
    if (this.current && this.current.height === height) return;
    if (this.current && this.current.height !== height) {
      // The head moved without us (evm_revert): the height under way no longer exists.
      if (this.current.waiter) this.waiters.unshift(this.current.waiter);
      this.current = undefined;
    }
    let opts: ProduceOptions;
    let waiter: Waiter | undefined;
    if (this.waiters.length > 0) {
      waiter = this.waiters.shift()!;
      opts = waiter.opts;
    } else if (this.intervalDue && this.automine && this.blockTime > 0) {
      this.intervalDue = false;
      opts = { allowEmpty: true };
    } else if (this.automine && this.blockTime === 0 && chain.hasExecutable()) {
      opts = {};
    } else return;
    this.current = { height, opts, waiter };
    for (const n of this.nodes) {
      const f = this.bus.faultsOf(n.index);
      if (f.crashed || f.partitioned) continue;
      n.sync();
      if (n.height === height) n.activate();
    }
  }

  // --- the host validators run against -----------------------------------------------------------

  private host(): ValidatorHost {
    const self = this;
    return {
      get chain() {
        return self.chain;
      },
      nodeCount: this.keys.length,
      validatorsFor: (n) => this.validatorsFor(n),
      send: (from, msg, to) => this.send(from, msg, to),
      nodeOf: (address) => {
        const i = this.nodes.findIndex((n) => n.address === address);
        return i < 0 ? undefined : i;
      },
      roundTimeout: (round) =>
        Math.min(this.maxRoundTimeoutMs, this.roundTimeoutMs * 2 ** Math.min(round, 30)),
      buildProposal: (v, height, round) => this.buildProposal(v, height, round),
      executable: (h) => this.executable(h),
      onCommit: (v, h) => this.onCommit(v, h),
      demand: (height) => this.current?.height === height,
      equivocating: (i) => this.equivocators.has(i),
      crashed: (i) => this.bus.faultsOf(i).crashed,
      sealsValid: (n) => this.sealsValid(n),
      reportViolation: (v, height, mine, chain) => this.reportViolation(v.index, height, mine, chain),
    };
  }

  private send(from: QbftValidator, msg: QbftMessage, to?: number[]): void {
    const ex = this.executed;
    if (
      msg.type === 'PREPARE' &&
      ex &&
      !ex.live &&
      msg.author !== ex.builder &&
      msg.height === ex.candidate.header.number
    ) {
      ex.live = true;
    }
    this.bus.send(from.index, to ?? this.nodes.map((n) => n.index), msg);
  }

  /** Run `fn` after every earlier exclusive section: one block is built at a time. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.exclusiveTail.then(fn);
    this.exclusiveTail = run.catch(() => undefined);
    return run;
  }

  private buildProposal(v: QbftValidator, height: bigint, round: number): Promise<BlockHeader | undefined> {
    return this.exclusive(async () => {
      const chain = this.chainRef;
      if (!chain || this.stopped || chain.head.number + 1n !== height || this.decided.has(height))
        return undefined;
      await this.commitTail;
      if (chain.head.number + 1n !== height) return undefined;
      const ex = this.executed;
      if (ex && ex.candidate.header.number === height) {
        const prepared = this.nodes.some((n) => n.prepared && n.height === height);
        if (ex.live || prepared) return ex.candidate.header;
        chain.abandonCandidate(ex.candidate);
        this.executed = undefined;
      }
      const set = this.validatorsFor(height);
      const opts = this.current?.height === height ? this.current.opts : {};
      try {
        const candidate = await chain.buildCandidate({
          coinbase: v.addressBytes,
          extra: {
            vanity: ZERO32,
            validators: set.map(bytesOf),
            vote: this.votes.voteFor(chain, v.index, v.address, height),
            round,
            seals: [],
          },
          ...(opts.timestamp !== undefined && round === 0 ? { timestamp: opts.timestamp } : {}),
        });
        this.executed = {
          candidate,
          digest: hexOf(blockHash(candidate.header)),
          builder: v.address,
          live: false,
        };
        return candidate.header;
      } catch (e) {
        const w = this.current?.waiter;
        if (w && this.current) {
          this.current.waiter = undefined;
          clearTimeout(w.timer);
          w.reject(e);
        }
        return undefined;
      }
    });
  }

  /** Whether `h` is (a vanity variant of) the executed candidate: the shared execution layer has it. */
  private executable(h: BlockHeader): boolean {
    const ex = this.executed;
    if (!ex || ex.candidate.header.number !== h.number) return false;
    const normalized: BlockHeader = { ...h, extra: { ...h.extra, vanity: ex.candidate.header.extra.vanity } };
    return hexOf(blockHash(normalized)) === ex.digest;
  }

  private onCommit(v: QbftValidator, header: BlockHeader): void {
    const height = header.number;
    const digest = hexOf(blockHash(header));
    const honest = !this.equivocators.has(v.index);
    const decided = this.decided.get(height);
    if (decided !== undefined) {
      if (decided !== digest && honest) this.reportViolation(v.index, height, digest, decided);
      return;
    }
    const chain = this.chain;
    const existing = chain.blocks.byNumber(height);
    if (existing) {
      if (existing.hash !== digest && honest) this.reportViolation(v.index, height, digest, existing.hash);
      return;
    }
    this.decided.set(height, digest);
    for (const h of this.decided.keys()) if (h < height - 64n) this.decided.delete(h);
    const ex = this.executed;
    const run = this.commitTail.then(async () => {
      if (!ex || ex.candidate.header.number !== height || !this.executable(header)) {
        throw new Error(
          `QBFT decided block ${height} (${digest}) but its execution is not the applied candidate`,
        );
      }
      const block = await chain.commitCandidate(ex.candidate, header);
      if (this.executed === ex) this.executed = undefined;
      this.sealed.add(block.hash);
      if (this.sealed.size > 256) this.sealed.delete(this.sealed.values().next().value!);
      if (this.current?.height === height) {
        const w = this.current.waiter;
        this.current = undefined;
        if (w) {
          clearTimeout(w.timer);
          w.resolve(block);
        }
      }
      for (const n of this.nodes) {
        const f = this.bus.faultsOf(n.index);
        if (!f.crashed && !f.partitioned) n.sync();
      }
      // The next block: at once for a waiting evm_mine or read; else after the batch window, so a stream of
      // sends fills blocks instead of each send making its own.
      this.scheduleDemand(this.waiters.length > 0 ? 0 : INSTANT_BATCH_WINDOW_MS);
    });
    this.commitTail = run.catch((e) => {
      this.decided.delete(height);
      process.emitWarning(String((e as Error)?.message ?? e), 'QbftWarning');
    });
  }

  /** A block of the chain carries a quorum of distinct valid seals from its validators. */
  private sealsValid(n: bigint): boolean {
    const b = this.chain.blocks.byNumber(n);
    if (!b) return false;
    if (n === 0n || this.sealed.has(b.hash)) return true;
    const set = b.header.extra.validators.map(hexOf);
    const hash = sealHash(b.header);
    const signers = new Set<string>();
    for (const s of b.header.extra.seals) {
      try {
        const a = hexOf(recoverAddress(hash, s));
        if (set.includes(a)) signers.add(a);
      } catch {
        // a malformed seal does not count
      }
    }
    const ok = signers.size >= quorumSize(set.length);
    if (ok) this.sealed.add(b.hash);
    return ok;
  }

  private reportViolation(validator: number, height: bigint, mine: string, chain: string): void {
    if (this.equivocators.has(validator)) return;
    this.violations.push({ height, validator, mine, chain });
  }

  /** Largest number of faulty validators the current set tolerates. */
  faultTolerance(): number {
    return maxFaulty(this.validators().length);
  }
}

function positive(v: number, name: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
    throw new AidocError(
      'INVALID_INPUT',
      `${name} must be a positive number of milliseconds, got ${String(v)}`,
    );
  }
  return v;
}

function bytesOf(hex: string): Uint8Array {
  return Uint8Array.from(Buffer.from(hex.slice(2), 'hex'));
}
