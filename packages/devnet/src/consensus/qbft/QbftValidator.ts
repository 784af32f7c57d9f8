import { keccak_256 } from '@noble/hashes/sha3.js';
import { type BlockHeader, blockHash, sealHash } from '../../chain/BlockHeader';
import type { Chain } from '../../chain/Chain';
import { recoverAddress, signHash } from '../../chain/nativeSecp256k1';
import {
  type CommitMessage,
  hexOf,
  type PreparedCertificate,
  type PrepareMessage,
  type ProposalMessage,
  type QbftMessage,
  type RoundChangeMessage,
  signMessage,
  verifyMessage,
} from './qbftMessages';
import { maxFaulty, proposerFor, quorumSize } from './qbftQuorum';

/** What a validator needs from the engine that runs it (network, execution layer, clock policy). */
export interface ValidatorHost {
  readonly chain: Chain;
  /** Sorted lowercase addresses that must seal block `n`. */
  validatorsFor(n: bigint): string[];
  /** Send to the given node indices, or to every other node. */
  send(from: QbftValidator, msg: QbftMessage, to?: number[]): void;
  /** Node indices of all validators run by the engine. */
  readonly nodeCount: number;
  /** Node index of an address, if the engine runs it. */
  nodeOf(address: string): number | undefined;
  roundTimeout(round: number): number;
  /** Execute (or reuse the executed) block for this height; undefined when it cannot now. */
  buildProposal(v: QbftValidator, height: bigint, round: number): Promise<BlockHeader | undefined>;
  /** Whether the shared execution layer holds this block's execution (a proposal's "import" check). */
  executable(header: BlockHeader): boolean;
  /** The validator decided the block (header carries its quorum of seals). */
  onCommit(v: QbftValidator, header: BlockHeader): void;
  /** Whether blocks are wanted at this height (instant trigger, interval tick or evm_mine). */
  demand(height: bigint): boolean;
  equivocating(index: number): boolean;
  crashed(index: number): boolean;
  /** Seal check of a block adopted by sync (cached by the engine for blocks it committed). */
  sealsValid(blockNumber: bigint): boolean;
  /** A validator's record disagrees with the chain: a safety violation. */
  reportViolation(v: QbftValidator, height: bigint, mine: string, chain: string): void;
}

const MAX_FUTURE = 4096;
const sealChecks = new WeakMap<CommitMessage, boolean>();

/**
 * One QBFT validator: its key, height, round, round timer and received messages. It reacts to PROPOSAL,
 * PREPARE, COMMIT and ROUND-CHANGE messages as QBFT prescribes: prepare a valid proposal, commit on a
 * prepare quorum, decide on a commit quorum, change round on timeout (with its prepared certificate) or
 * when f + 1 others are ahead, and as proposer of a later round re-propose the highest prepared block.
 */
export class QbftValidator {
  readonly address: string;
  readonly addressBytes: Uint8Array;
  height: bigint;
  round = 0;
  /** Whether this height has been started (instant mode keeps validators idle until blocks are wanted). */
  active = false;
  /** Blocks this validator decided itself: height → block hash. */
  readonly committed = new Map<bigint, string>();
  /** Blocks it adopted from the chain after missing them (crash, partition, slow): height → hash. */
  readonly synced = new Map<bigint, string>();
  /** Latest prepared certificate at this height. */
  prepared: PreparedCertificate | undefined;
  private timer: NodeJS.Timeout | undefined;
  private proposals = new Map<number, ProposalMessage>();
  private prepares = new Map<number, Map<string, Map<string, PrepareMessage>>>();
  private commits = new Map<number, Map<string, Map<string, CommitMessage>>>();
  private roundChanges = new Map<number, Map<string, RoundChangeMessage>>();
  private highestRoundOf = new Map<string, number>();
  private sentCommit = new Set<number>();
  private proposed = new Set<number>();
  private lastRoundChange: RoundChangeMessage | undefined;
  private answered = new Set<string>();
  private future: QbftMessage[] = [];
  private halted = false;

  constructor(
    readonly index: number,
    private readonly key: Uint8Array,
    address: Uint8Array,
    private readonly host: ValidatorHost,
  ) {
    this.addressBytes = address;
    this.address = hexOf(address);
    this.height = host.chain.head.number + 1n;
  }

  private get members(): string[] {
    return this.host.validatorsFor(this.height);
  }

  /** Whether this node is in the validator set of its current height. */
  isMember(): boolean {
    return this.members.includes(this.address);
  }

  // --- lifecycle ---------------------------------------------------------------------------------

  /** Start the current height (round timer; propose if it is this node's turn). */
  activate(): void {
    if (this.active || this.halted || this.host.crashed(this.index) || !this.isMember()) return;
    this.active = true;
    this.startRound(this.round);
  }

  /** Stop the timer (crash or engine stop); state is kept, as a node that persists its round state. */
  halt(): void {
    this.halted = true;
    this.clearTimer();
  }

  /** Resume after a crash or partition: catch up with the chain and restart the round timer. */
  resume(): void {
    this.halted = false;
    this.sync();
    if (this.active || this.host.demand(this.height)) {
      this.active = false;
      this.activate();
      // Tell the others where this node stands, so they can pull it forward or it them.
      if (this.lastRoundChange && this.lastRoundChange.round === this.round)
        this.host.send(this, this.lastRoundChange);
    }
  }

  /** Stop for good. */
  stop(): void {
    this.halt();
    this.future = [];
  }

  /** The chain was rewound below this node's height (evm_revert): forget the undone heights. */
  rewind(): void {
    const next = this.host.chain.head.number + 1n;
    if (this.height <= next) return;
    for (const m of [this.committed, this.synced]) for (const h of [...m.keys()]) if (h >= next) m.delete(h);
    this.height = next;
    this.future = [];
    this.resetHeight();
  }

  /** Adopt committed blocks this node missed from the shared chain (in-process block sync). */
  sync(): void {
    const chain = this.host.chain;
    const start = this.height;
    while (chain.head.number >= this.height) {
      const b = chain.blocks.byNumber(this.height)!;
      if (!this.host.sealsValid(b.number)) break;
      const mine = this.committed.get(this.height);
      if (mine === undefined) this.synced.set(this.height, b.hash);
      else if (mine !== b.hash) this.host.reportViolation(this, this.height, mine, b.hash);
      this.height++;
    }
    if (this.height === start) return;
    this.resetHeight();
    const buffered = this.future;
    this.future = [];
    for (const m of buffered) if (m.height >= this.height) this.receive(m);
    if (this.host.demand(this.height)) this.activate();
  }

  private resetHeight(): void {
    this.clearTimer();
    this.round = 0;
    this.active = false;
    this.prepared = undefined;
    this.proposals = new Map();
    this.prepares = new Map();
    this.commits = new Map();
    this.roundChanges = new Map();
    this.highestRoundOf = new Map();
    this.sentCommit = new Set();
    this.proposed = new Set();
    this.lastRoundChange = undefined;
    this.answered = new Set();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private startRound(r: number): void {
    this.round = r;
    this.clearTimer();
    const height = this.height;
    this.timer = setTimeout(() => this.onTimeout(height, r), this.host.roundTimeout(r));
    this.timer.unref?.();
    if (r === 0 && this.proposerFor(0) === this.address) void this.proposeNew(0, undefined);
    if (r > 0) this.tryProposeJustified(r);
    this.checkPrepared(r);
    this.checkCommitted(r);
  }

  private onTimeout(height: bigint, r: number): void {
    this.timer = undefined;
    if (height !== this.height || r !== this.round || this.halted || this.host.crashed(this.index)) return;
    if (this.host.chain.head.number >= this.height) {
      this.sync();
      return;
    }
    this.moveToRound(r + 1);
  }

  /** Move to a higher round and broadcast ROUND-CHANGE with the latest prepared certificate. */
  private moveToRound(r: number): void {
    const cert = this.prepared;
    const rc = signMessage<RoundChangeMessage>(
      {
        type: 'ROUND_CHANGE',
        height: this.height,
        round: r,
        prepared: cert ? { round: cert.round, digest: blockHash(cert.header) } : undefined,
        certificate: cert,
      },
      this.key,
      this.address,
    );
    this.lastRoundChange = rc;
    this.storeRoundChange(rc);
    this.host.send(this, rc);
    this.startRound(r);
  }

  private proposerFor(r: number): string {
    return proposerFor(this.members, this.height, r);
  }

  // --- receiving ---------------------------------------------------------------------------------

  /** Handle a message delivered by the bus (or this node's own). */
  receive(m: QbftMessage): void {
    if (this.halted || this.host.crashed(this.index)) return;
    if (m.height < this.height) return;
    if (m.height > this.height && this.host.chain.head.number >= this.height) this.sync();
    if (m.height > this.height) {
      if (this.future.length >= MAX_FUTURE) this.future.shift();
      this.future.push(m);
      return;
    }
    if (this.committed.has(this.height)) return;
    const members = this.members;
    if (!members.includes(this.address) || !members.includes(m.author) || !verifyMessage(m)) return;
    switch (m.type) {
      case 'PROPOSAL':
        this.onProposal(m);
        break;
      case 'PREPARE':
        this.store(this.prepares, m);
        this.activate();
        this.checkPrepared(m.round);
        break;
      case 'COMMIT':
        this.store(this.commits, m);
        this.activate();
        this.checkCommitted(m.round);
        break;
      case 'ROUND_CHANGE':
        this.onRoundChange(m);
        break;
    }
  }

  private store<T extends PrepareMessage | CommitMessage>(
    into: Map<number, Map<string, Map<string, T>>>,
    m: T,
  ): void {
    let byDigest = into.get(m.round);
    if (!byDigest) into.set(m.round, (byDigest = new Map()));
    const d = hexOf(m.digest);
    let byAuthor = byDigest.get(d);
    if (!byAuthor) byDigest.set(d, (byAuthor = new Map()));
    if (!byAuthor.has(m.author)) byAuthor.set(m.author, m);
  }

  private onProposal(m: ProposalMessage): void {
    if (m.round < this.round || this.proposals.has(m.round)) return;
    if (!this.proposalValid(m)) return;
    this.proposals.set(m.round, m);
    if (m.round > this.round || !this.active) {
      this.active = true;
      this.startRound(m.round);
    }
    this.sendPrepare(m.header);
    this.checkPrepared(m.round);
    this.checkCommitted(m.round);
  }

  /** Structural validation of a proposal (the execution layer already ran the block once). */
  private proposalValid(m: ProposalMessage): boolean {
    const h = m.header;
    const parent = this.host.chain.blocks.byNumber(this.height - 1n);
    const members = this.members;
    if (m.author !== this.proposerFor(m.round)) return false;
    if (h.number !== this.height || !parent || hexOf(h.parentHash) !== parent.hash) return false;
    if (h.extra.round !== m.round || h.extra.seals.length !== 0) return false;
    if (hexOf(blockHash(h)) !== hexOf(m.digest)) return false;
    const listed = h.extra.validators.map(hexOf).sort();
    if (listed.length !== members.length || listed.some((a, i) => a !== members[i])) return false;
    if (!members.includes(hexOf(h.coinbase))) return false;
    if (h.timestamp < parent.header.timestamp) return false;
    if (!this.host.executable(h)) return false;
    if (m.round === 0) return true;
    return this.justificationValid(m);
  }

  /**
   * A round > 0 proposal needs a quorum of ROUND-CHANGE messages for its round; if any carries a prepared
   * block, the proposal must re-propose the one prepared in the highest round, with its PREPARE quorum.
   */
  private justificationValid(m: ProposalMessage): boolean {
    const j = m.justification;
    if (!j) return false;
    const members = this.members;
    const authors = new Set<string>();
    let best: RoundChangeMessage | undefined;
    for (const rc of j.roundChanges) {
      if (rc.type !== 'ROUND_CHANGE' || rc.height !== this.height || rc.round !== m.round) continue;
      if (!members.includes(rc.author) || authors.has(rc.author) || !verifyMessage(rc)) continue;
      authors.add(rc.author);
      if (rc.prepared && (!best?.prepared || rc.prepared.round > best.prepared.round)) best = rc;
    }
    if (authors.size < quorumSize(members.length)) return false;
    if (!best?.prepared) return true;
    if (hexOf(best.prepared.digest) !== hexOf(m.digest)) return false;
    return this.prepareQuorumValid(j.prepares, best.prepared.round, m.digest);
  }

  private prepareQuorumValid(prepares: PrepareMessage[], round: number, digest: Uint8Array): boolean {
    const members = this.members;
    const d = hexOf(digest);
    const authors = new Set<string>();
    for (const p of prepares) {
      if (p.type !== 'PREPARE' || p.height !== this.height || p.round !== round || hexOf(p.digest) !== d)
        continue;
      if (!members.includes(p.author) || !verifyMessage(p)) continue;
      authors.add(p.author);
    }
    return authors.size >= quorumSize(members.length);
  }

  private certificateValid(rc: RoundChangeMessage): boolean {
    if (!rc.prepared) return true;
    const c = rc.certificate;
    if (!c || c.round !== rc.prepared.round || c.round >= rc.round) return false;
    if (c.header.number !== this.height || hexOf(blockHash(c.header)) !== hexOf(rc.prepared.digest))
      return false;
    return this.prepareQuorumValid(c.prepares, c.round, rc.prepared.digest);
  }

  private storeRoundChange(rc: RoundChangeMessage): void {
    let byAuthor = this.roundChanges.get(rc.round);
    if (!byAuthor) this.roundChanges.set(rc.round, (byAuthor = new Map()));
    byAuthor.set(rc.author, rc);
    if ((this.highestRoundOf.get(rc.author) ?? -1) < rc.round) this.highestRoundOf.set(rc.author, rc.round);
  }

  private onRoundChange(rc: RoundChangeMessage): void {
    if (!this.certificateValid(rc)) return;
    this.storeRoundChange(rc);
    // A validator behind us: answer once with our own round change so it can catch up (f + 1 rule).
    const last = this.lastRoundChange;
    if (rc.round < this.round && last && last.round === this.round && rc.author !== this.address) {
      const key = `${rc.author}:${this.round}`;
      const node = this.host.nodeOf(rc.author);
      if (!this.answered.has(key) && node !== undefined) {
        this.answered.add(key);
        this.host.send(this, last, [node]);
      }
    }
    // f + 1 validators are in later rounds: at least one honest one timed out, so follow.
    const f = maxFaulty(this.members.length);
    const ahead = [...this.highestRoundOf.values()].filter((r) => r > this.round).sort((a, b) => b - a);
    if (ahead.length >= f + 1) {
      const target = ahead[f]!;
      if (target > this.round) {
        this.active = true;
        this.moveToRound(target);
        return;
      }
    }
    this.activate();
    if (rc.round === this.round) this.tryProposeJustified(rc.round);
  }

  // --- acting ------------------------------------------------------------------------------------

  private tryProposeJustified(r: number): void {
    if (r !== this.round || r === 0 || this.proposed.has(r) || this.proposerFor(r) !== this.address) return;
    const rcs = [...(this.roundChanges.get(r)?.values() ?? [])];
    if (rcs.length < quorumSize(this.members.length)) return;
    this.proposed.add(r);
    let best: RoundChangeMessage | undefined;
    for (const rc of rcs)
      if (rc.prepared && (!best?.prepared || rc.prepared.round > best.prepared.round)) best = rc;
    if (best?.certificate) {
      const cert = best.certificate;
      if (!this.host.executable(cert.header)) return;
      this.sendProposal(cert.header, { roundChanges: rcs, prepares: cert.prepares });
      return;
    }
    void this.proposeNew(r, { roundChanges: rcs, prepares: [] });
  }

  private async proposeNew(r: number, justification: ProposalMessage['justification']): Promise<void> {
    if (this.proposed.has(r) && r === 0) return;
    this.proposed.add(r);
    const height = this.height;
    const header = await this.host.buildProposal(this, height, r);
    if (!header || height !== this.height || r !== this.round || this.halted || this.host.crashed(this.index))
      return;
    this.sendProposal(header, justification);
  }

  private sendProposal(header: BlockHeader, justification: ProposalMessage['justification']): void {
    const h: BlockHeader = { ...header, extra: { ...header.extra, round: this.round, seals: [] } };
    const msg = this.signProposal(h, justification);
    if (!this.host.equivocating(this.index)) {
      this.host.send(this, msg);
    } else {
      // Conflicting proposals: same height and round, another block hash, to different halves.
      const alt = this.signProposal(variantOf(h), justification);
      const others = Array.from({ length: this.host.nodeCount }, (_, i) => i).filter((i) => i !== this.index);
      const half = Math.ceil(others.length / 2);
      this.host.send(this, msg, others.slice(0, half));
      this.host.send(this, alt, others.slice(half));
    }
    this.deliverOwn(msg);
  }

  private signProposal(h: BlockHeader, justification: ProposalMessage['justification']): ProposalMessage {
    return signMessage<ProposalMessage>(
      {
        type: 'PROPOSAL',
        height: this.height,
        round: this.round,
        digest: blockHash(h),
        header: h,
        justification,
      },
      this.key,
      this.address,
    );
  }

  private sendPrepare(header: BlockHeader): void {
    const headers = this.host.equivocating(this.index) ? [header, variantOf(header)] : [header];
    for (const h of headers) {
      const p = signMessage<PrepareMessage>(
        { type: 'PREPARE', height: this.height, round: h.extra.round, digest: blockHash(h) },
        this.key,
        this.address,
      );
      this.host.send(this, p);
      this.deliverOwn(p);
    }
  }

  private checkPrepared(r: number): void {
    const p = this.proposals.get(r);
    if (!p || r !== this.round || this.sentCommit.has(r)) return;
    const members = this.members;
    const got = [...(this.prepares.get(r)?.get(hexOf(p.digest))?.values() ?? [])].filter((m) =>
      members.includes(m.author),
    );
    if (got.length < quorumSize(members.length)) return;
    this.sentCommit.add(r);
    if (!this.prepared || this.prepared.round < r)
      this.prepared = { round: r, header: p.header, prepares: got };
    const headers = this.host.equivocating(this.index) ? [p.header, variantOf(p.header)] : [p.header];
    for (const h of headers) {
      const c = signMessage<CommitMessage>(
        {
          type: 'COMMIT',
          height: this.height,
          round: r,
          digest: blockHash(h),
          seal: signHash(sealHash(h), this.key),
        },
        this.key,
        this.address,
      );
      sealChecks.set(c, true);
      this.host.send(this, c);
      this.deliverOwn(c);
    }
  }

  private checkCommitted(r: number): void {
    const p = this.proposals.get(r);
    if (!p || this.committed.has(this.height)) return;
    const members = this.members;
    const hash = sealHash(p.header);
    const valid = [...(this.commits.get(r)?.get(hexOf(p.digest))?.values() ?? [])].filter(
      (c) => members.includes(c.author) && sealValid(c, hash),
    );
    if (valid.length < quorumSize(members.length)) return;
    valid.sort((a, b) => (a.author < b.author ? -1 : 1));
    const header: BlockHeader = {
      ...p.header,
      extra: { ...p.header.extra, seals: valid.map((c) => c.seal) },
    };
    const height = this.height;
    this.committed.set(height, hexOf(p.digest));
    this.clearTimer();
    this.host.onCommit(this, header);
    if (this.host.chain.head.number >= height) this.sync();
  }

  private deliverOwn(m: QbftMessage): void {
    queueMicrotask(() => this.receive(m));
  }
}

function sealValid(c: CommitMessage, hash: Uint8Array): boolean {
  const cached = sealChecks.get(c);
  if (cached !== undefined) return cached;
  let ok = false;
  try {
    ok = hexOf(recoverAddress(hash, c.seal)) === c.author;
  } catch {
    ok = false;
  }
  sealChecks.set(c, ok);
  return ok;
}

/** The same block with another vanity: another block hash, same execution (what an equivocator signs). */
export function variantOf(h: BlockHeader): BlockHeader {
  const vanity = keccak_256(blockHash(h));
  return { ...h, extra: { ...h.extra, vanity } };
}
