import type { Chain } from '../../chain/Chain';
import type { StoredBlock } from '../../chain/StoredBlock';
import { hexOf } from './qbftMessages';

/** Besu's default QBFT epoch length: votes are forgotten at every multiple of it. */
export const DEFAULT_EPOCH_LENGTH = 30_000;

/** The validator set and open votes after some block. */
interface TallyState {
  number: bigint;
  hash: string;
  /** Sorted lowercase 0x addresses. */
  validators: string[];
  /** recipient → voter → add (true) / remove (false). */
  votes: Map<string, Map<string, boolean>>;
}

/**
 * Validator-set changes by vote, Besu style, simplified: each block's proposer (its coinbase) may carry one
 * vote `(recipient, add)` in extraData; a vote passes when more than half of the current validators
 * (`votes > n / 2`, integer division, as Besu) voted the same way for the same recipient; the change applies
 * from the next block. Passing clears all votes on that recipient, and a removed validator's own votes are
 * discarded. Votes reset at every epoch block (`number % epochLength === 0`), which carries no vote.
 * Each block's extraData lists the validators that must seal it.
 */
export class ValidatorVotes {
  private cached: TallyState | undefined;
  /** Votes the local nodes want to cast, per node index: recipient → add. */
  private readonly proposals: Map<string, boolean>[];

  constructor(
    nodes: number,
    readonly epochLength: number = DEFAULT_EPOCH_LENGTH,
  ) {
    this.proposals = Array.from({ length: nodes }, () => new Map());
  }

  /** Sorted validator addresses that must seal block `n` (`n` may be head + 1). */
  validatorsFor(chain: Chain, n: bigint): string[] {
    const block = chain.blocks.byNumber(n);
    if (block) return block.header.extra.validators.map(hexOf).sort();
    if (n !== chain.head.number + 1n) throw new Error(`no validator set for block ${n}`);
    return this.after(chain).validators;
  }

  /** Record a node's wish to vote (qbft_proposeValidatorVote). */
  propose(node: number, recipient: string, add: boolean): void {
    this.proposals[node]!.set(recipient.toLowerCase(), add);
  }

  /** Drop a node's wish to vote on `recipient`; returns whether there was one. */
  discard(node: number, recipient: string): boolean {
    return this.proposals[node]!.delete(recipient.toLowerCase());
  }

  /** A node's pending votes, Besu's `qbft_getPendingVotes` shape. */
  pending(node: number): Record<string, boolean> {
    return Object.fromEntries(this.proposals[node]!);
  }

  /**
   * The vote node `node` (address `voter`) puts in block `n` when it builds it: the first of its pending
   * votes that would change the set and that it has not already cast the same way in this epoch.
   */
  voteFor(
    chain: Chain,
    node: number,
    voter: string,
    n: bigint,
  ): { recipient: Uint8Array; add: boolean } | undefined {
    if (n % BigInt(this.epochLength) === 0n) return undefined;
    const state = this.after(chain);
    for (const [recipient, add] of this.proposals[node]!) {
      const member = state.validators.includes(recipient);
      if (add === member) continue;
      if (!add && state.validators.length <= 1) continue;
      if (state.votes.get(recipient)?.get(voter) === add) continue;
      return { recipient: Uint8Array.from(Buffer.from(recipient.slice(2), 'hex')), add };
    }
    return undefined;
  }

  /** Open votes after the head: recipient → voter → add. */
  tally(chain: Chain): Map<string, Map<string, boolean>> {
    return this.after(chain).votes;
  }

  /** Tally state after the chain head, advanced incrementally or recomputed from the epoch start. */
  private after(chain: Chain): TallyState {
    const head = chain.head;
    let s = this.cached;
    if (s && s.number === head.number && s.hash === head.hash) return s;
    if (!s || s.number > head.number || chain.blocks.byNumber(s.number)?.hash !== s.hash) {
      const epoch = BigInt(this.epochLength);
      const start = (head.number / epoch) * epoch;
      s = this.reset(chain.blocks.byNumber(start)!);
    }
    for (let n = s.number + 1n; n <= head.number; n++) s = this.apply(s, chain.blocks.byNumber(n)!);
    this.cached = s;
    return s;
  }

  private reset(block: StoredBlock): TallyState {
    return {
      number: block.number,
      hash: block.hash,
      validators: block.header.extra.validators.map(hexOf).sort(),
      votes: new Map(),
    };
  }

  private apply(prev: TallyState, block: StoredBlock): TallyState {
    if (block.number % BigInt(this.epochLength) === 0n) return this.reset(block);
    const validators = block.header.extra.validators.map(hexOf).sort();
    const votes = new Map([...prev.votes].map(([k, v]) => [k, new Map(v)]));
    const vote = block.header.extra.vote;
    const voter = hexOf(block.header.coinbase);
    if (vote && validators.includes(voter)) {
      const recipient = hexOf(vote.recipient);
      const member = validators.includes(recipient);
      if (vote.add !== member) {
        const forRecipient = votes.get(recipient) ?? new Map<string, boolean>();
        forRecipient.set(voter, vote.add);
        votes.set(recipient, forRecipient);
        let same = 0;
        for (const [v, add] of forRecipient) if (add === vote.add && validators.includes(v)) same++;
        if (same > Math.floor(validators.length / 2) && (vote.add || validators.length > 1)) {
          votes.delete(recipient);
          if (vote.add) validators.push(recipient);
          else {
            validators.splice(validators.indexOf(recipient), 1);
            for (const m of votes.values()) m.delete(recipient);
          }
          validators.sort();
        }
      }
    }
    return { number: block.number, hash: block.hash, validators, votes };
  }
}
