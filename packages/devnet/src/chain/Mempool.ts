import { AidocError } from '@aidoc/sdk/errors';
import type { TypedTransaction } from '@ethereumjs/tx';

/** A transaction waiting in the pool. */
export interface PooledTx {
  tx: TypedTransaction;
  hash: string;
  from: string;
  nonce: bigint;
  /** Arrival order, for stable ordering among equal tips. */
  seq: number;
}

/** How far ahead of an account's next nonce a transaction may be queued. */
export const MAX_NONCE_GAP = 1024n;

/** Geth's replacement rule: a replacement must pay at least 10% more in both fee fields. */
const REPLACEMENT_BUMP_PERCENT = 10n;

function maxFee(tx: TypedTransaction): bigint {
  return 'maxFeePerGas' in tx ? tx.maxFeePerGas : (tx as { gasPrice: bigint }).gasPrice;
}
function maxTip(tx: TypedTransaction): bigint {
  return 'maxPriorityFeePerGas' in tx ? tx.maxPriorityFeePerGas : (tx as { gasPrice: bigint }).gasPrice;
}

/** The tip a transaction pays the block producer at a given base fee. */
export function effectiveTip(tx: TypedTransaction, baseFee: bigint): bigint {
  const fee = maxFee(tx);
  const tip = maxTip(tx);
  const room = fee - baseFee;
  return room < tip ? room : tip;
}

/**
 * The transaction pool: per-sender nonce-ordered queues, replacement by fee, and best-first selection of
 * executable transactions for the next block.
 */
export class Mempool {
  private readonly bySender = new Map<string, Map<bigint, PooledTx>>();
  private readonly byHash = new Map<string, PooledTx>();
  private seq = 0;

  get size(): number {
    return this.byHash.size;
  }

  has(hash: string): boolean {
    return this.byHash.has(hash);
  }

  get(hash: string): PooledTx | undefined {
    return this.byHash.get(hash);
  }

  all(): PooledTx[] {
    return [...this.byHash.values()].sort((a, b) => a.seq - b.seq);
  }

  /** The next nonce for `from` counting pooled transactions contiguous with the state nonce. */
  pendingNonce(from: string, stateNonce: bigint): bigint {
    const q = this.bySender.get(from);
    let n = stateNonce;
    if (!q) return n;
    while (q.has(n)) n++;
    return n;
  }

  /**
   * Add a transaction after nonce checks. Returns the replaced transaction, if any. Throws an AidocError
   * (NONCE_TOO_LOW, NONCE_TOO_HIGH, REPLACEMENT_UNDERPRICED, ALREADY_KNOWN) and changes nothing on refusal.
   */
  add(tx: TypedTransaction, hash: string, from: string, stateNonce: bigint): PooledTx | undefined {
    if (this.byHash.has(hash)) throw new AidocError('ALREADY_KNOWN', 'already known');
    const nonce = tx.nonce;
    if (nonce < stateNonce) {
      throw new AidocError('NONCE_TOO_LOW', `nonce too low: next nonce ${stateNonce}, tx nonce ${nonce}`, {
        data: { expected: stateNonce.toString(), got: nonce.toString() },
      });
    }
    const pending = this.pendingNonce(from, stateNonce);
    if (nonce > pending + MAX_NONCE_GAP) {
      throw new AidocError(
        'NONCE_TOO_HIGH',
        `nonce too high: next nonce ${pending}, tx nonce ${nonce} (at most ${MAX_NONCE_GAP} ahead)`,
        { data: { expected: pending.toString(), got: nonce.toString() } },
      );
    }
    let q = this.bySender.get(from);
    const existing = q?.get(nonce);
    if (existing) {
      const bump = (v: bigint) => v + (v * REPLACEMENT_BUMP_PERCENT) / 100n;
      if (maxFee(tx) < bump(maxFee(existing.tx)) || maxTip(tx) < bump(maxTip(existing.tx))) {
        throw new AidocError(
          'REPLACEMENT_UNDERPRICED',
          'replacement transaction underpriced: raise both fee fields by at least 10%',
        );
      }
      this.byHash.delete(existing.hash);
    }
    if (!q) this.bySender.set(from, (q = new Map()));
    const pooled: PooledTx = { tx, hash, from, nonce, seq: this.seq++ };
    q.set(nonce, pooled);
    this.byHash.set(hash, pooled);
    return existing;
  }

  /** Remove one transaction by hash. */
  remove(hash: string): PooledTx | undefined {
    const p = this.byHash.get(hash);
    if (!p) return undefined;
    this.byHash.delete(hash);
    const q = this.bySender.get(p.from);
    q?.delete(p.nonce);
    if (q && q.size === 0) this.bySender.delete(p.from);
    return p;
  }

  /** Drop every transaction of `from` with a nonce below `nonce` (already mined or stale). */
  pruneBelow(from: string, nonce: bigint): PooledTx[] {
    const q = this.bySender.get(from);
    if (!q) return [];
    const dropped: PooledTx[] = [];
    for (const [n, p] of q) {
      if (n < nonce) {
        q.delete(n);
        this.byHash.delete(p.hash);
        dropped.push(p);
      }
    }
    if (q.size === 0) this.bySender.delete(from);
    return dropped;
  }

  /** Remove everything (for evm_revert / anvil_dropAllTransactions). */
  clear(): PooledTx[] {
    const all = this.all();
    this.bySender.clear();
    this.byHash.clear();
    return all;
  }

  /** Whether some transaction can execute now, given each sender's state nonce. */
  hasExecutable(stateNonce: (from: string) => bigint): boolean {
    for (const [from, q] of this.bySender) if (q.has(stateNonce(from))) return true;
    return false;
  }

  /**
   * Executable transactions best-first: each sender's next nonce competes by effective tip (then arrival);
   * taking one exposes that sender's following nonce. `skipSender` stops a sender whose tx was refused.
   */
  *executable(
    stateNonce: (from: string) => bigint,
    baseFee: bigint,
  ): Generator<PooledTx, void, { skipSender?: boolean } | undefined> {
    const heads: PooledTx[] = [];
    for (const [from, q] of this.bySender) {
      const p = q.get(stateNonce(from));
      if (p) heads.push(p);
    }
    const better = (a: PooledTx, b: PooledTx) => {
      const ta = effectiveTip(a.tx, baseFee);
      const tb = effectiveTip(b.tx, baseFee);
      return ta !== tb ? ta > tb : a.seq < b.seq;
    };
    // Simple binary heap.
    const heap: PooledTx[] = [];
    const push = (p: PooledTx) => {
      heap.push(p);
      let i = heap.length - 1;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!better(heap[i]!, heap[parent]!)) break;
        [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
        i = parent;
      }
    };
    const pop = (): PooledTx | undefined => {
      const top = heap[0];
      const last = heap.pop();
      if (heap.length > 0 && last) {
        heap[0] = last;
        let i = 0;
        for (;;) {
          const l = 2 * i + 1;
          const r = l + 1;
          let m = i;
          if (l < heap.length && better(heap[l]!, heap[m]!)) m = l;
          if (r < heap.length && better(heap[r]!, heap[m]!)) m = r;
          if (m === i) break;
          [heap[i], heap[m]] = [heap[m]!, heap[i]!];
          i = m;
        }
      }
      return top;
    };
    for (const h of heads) push(h);
    for (;;) {
      const p = pop();
      if (!p) return;
      if (effectiveTip(p.tx, baseFee) < 0n) continue; // fee cap below base fee: waits for a cheaper block
      const verdict = yield p;
      if (verdict?.skipSender) continue;
      const next = this.bySender.get(p.from)?.get(p.nonce + 1n);
      if (next) push(next);
    }
  }
}
