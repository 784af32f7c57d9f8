import { randomBytes } from 'node:crypto';
import { AidocError } from '@aidoc/sdk/errors';
import type { Chain } from '../chain/Chain';
import type { StoredBlock } from '../chain/StoredBlock';
import { formatLog } from './rpcFormat';
import type { LogFilter } from './rpcParams';

/** Filters idle longer than this are removed, as geth does. */
export const FILTER_TIMEOUT_MS = 5 * 60 * 1000;

type Filter =
  | { kind: 'block'; pending: string[]; touched: number }
  | { kind: 'pendingTx'; pending: string[]; touched: number }
  | { kind: 'log'; criteria: LogFilter; pending: Record<string, unknown>[]; touched: number };

/** Whether a log matches address and topic criteria. */
export function logMatches(
  criteria: Pick<LogFilter, 'addresses' | 'topics'>,
  address: string,
  topics: readonly string[],
): boolean {
  if (criteria.addresses && !criteria.addresses.has(address)) return false;
  for (let i = 0; i < criteria.topics.length; i++) {
    const want = criteria.topics[i];
    if (want === undefined) continue;
    const have = topics[i];
    if (have === undefined || !want.has(have)) return false;
  }
  return true;
}

/** Every log of a block matching the criteria, formatted. */
export function matchingLogs(b: StoredBlock, criteria: Pick<LogFilter, 'addresses' | 'topics'>) {
  const out: Record<string, unknown>[] = [];
  b.receipts.forEach((r, txIndex) => {
    for (const log of r.logs)
      if (logMatches(criteria, log.address, log.topics)) out.push(formatLog(b, txIndex, log));
  });
  return out;
}

/** Poll-based filters (`eth_newFilter`, `eth_newBlockFilter`, `eth_newPendingTransactionFilter`). */
export class FilterManager {
  private readonly filters = new Map<string, Filter>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(chain: Chain) {
    chain.on('block', (b) => {
      for (const f of this.filters.values()) {
        if (f.kind === 'block') f.pending.push(b.hash);
        else if (f.kind === 'log') f.pending.push(...matchingLogs(b, f.criteria));
      }
    });
    chain.on('pendingTransaction', (hash) => {
      for (const f of this.filters.values()) if (f.kind === 'pendingTx') f.pending.push(hash);
    });
    this.sweeper = setInterval(() => this.sweep(), 30_000);
    this.sweeper.unref();
  }

  private newId(): string {
    return `0x${randomBytes(16).toString('hex')}`;
  }

  newBlockFilter(): string {
    const id = this.newId();
    this.filters.set(id, { kind: 'block', pending: [], touched: Date.now() });
    return id;
  }

  newPendingTransactionFilter(): string {
    const id = this.newId();
    this.filters.set(id, { kind: 'pendingTx', pending: [], touched: Date.now() });
    return id;
  }

  newLogFilter(criteria: LogFilter): string {
    const id = this.newId();
    this.filters.set(id, { kind: 'log', criteria, pending: [], touched: Date.now() });
    return id;
  }

  /** The log criteria of a log filter (for eth_getFilterLogs). */
  logCriteria(id: string): LogFilter {
    const f = this.get(id);
    if (f.kind !== 'log') throw new AidocError('INVALID_PARAMS', `filter ${id} is not a log filter`);
    return f.criteria;
  }

  changes(id: string): unknown[] {
    const f = this.get(id);
    const out = f.pending;
    f.pending = [];
    return out;
  }

  uninstall(id: string): boolean {
    return this.filters.delete(id);
  }

  private get(id: string): Filter {
    const f = this.filters.get(typeof id === 'string' ? id.toLowerCase() : id);
    if (!f)
      throw new AidocError('NOT_FOUND', 'filter not found', {
        details: 'Filters expire after 5 minutes idle.',
      });
    f.touched = Date.now();
    return f;
  }

  private sweep(): void {
    const now = Date.now();
    for (const [id, f] of this.filters) if (now - f.touched > FILTER_TIMEOUT_MS) this.filters.delete(id);
  }

  close(): void {
    clearInterval(this.sweeper);
    this.filters.clear();
  }
}
