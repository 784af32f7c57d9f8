import type { StoredBlock, StoredTx } from './StoredBlock';

/** Where a transaction sits in the chain. */
export interface TxLocation {
  block: StoredBlock;
  index: number;
}

/** The canonical chain of committed blocks, indexed by number, hash and transaction hash. */
export class BlockStore {
  private readonly blocks: StoredBlock[] = [];
  private readonly byHash = new Map<string, StoredBlock>();
  private readonly txIndex = new Map<string, TxLocation>();

  get head(): StoredBlock {
    const b = this.blocks[this.blocks.length - 1];
    if (!b) throw new Error('chain has no genesis block');
    return b;
  }

  get length(): number {
    return this.blocks.length;
  }

  byNumber(n: bigint): StoredBlock | undefined {
    if (n < 0n || n >= BigInt(this.blocks.length)) return undefined;
    return this.blocks[Number(n)];
  }

  getByHash(hash: string): StoredBlock | undefined {
    return this.byHash.get(hash.toLowerCase());
  }

  tx(hash: string): (TxLocation & { stored: StoredTx }) | undefined {
    const loc = this.txIndex.get(hash.toLowerCase());
    if (!loc) return undefined;
    return { ...loc, stored: loc.block.transactions[loc.index]! };
  }

  append(block: StoredBlock): void {
    if (block.number !== BigInt(this.blocks.length)) {
      throw new Error(`block ${block.number} does not extend the chain at ${this.blocks.length - 1}`);
    }
    this.blocks.push(block);
    this.byHash.set(block.hash, block);
    block.transactions.forEach((t, index) => {
      this.txIndex.set(t.hash, { block, index });
    });
  }

  /** Remove blocks above `n`; returns the removed blocks (newest first). */
  truncate(n: bigint): StoredBlock[] {
    const removed: StoredBlock[] = [];
    while (BigInt(this.blocks.length - 1) > n) {
      const b = this.blocks.pop()!;
      this.byHash.delete(b.hash);
      for (const t of b.transactions) this.txIndex.delete(t.hash);
      removed.push(b);
    }
    return removed;
  }

  /** Blocks from `from` to `to` inclusive. */
  *range(from: bigint, to: bigint): Generator<StoredBlock> {
    for (let n = from; n <= to; n++) {
      const b = this.byNumber(n);
      if (b) yield b;
    }
  }
}
