import type { QbftMessage } from './qbftMessages';

/** Network faults of one validator as the bus applies them. */
export interface LinkFaults {
  /** Crashed: nothing in or out. */
  crashed: boolean;
  /** Partitioned: its messages in and out are dropped. */
  partitioned: boolean;
  /** Outgoing messages are delivered this many milliseconds late. */
  delayMs: number;
}

/** Options for {@link MessageBus}. */
export interface MessageBusOptions {
  /** Probability that any one delivery is dropped (tests); default 0. */
  dropProbability?: number;
  /** Random source for drops (tests pass a seeded one); default Math.random. */
  random?: () => number;
}

/**
 * The in-process network between validators. Every message passes through it, so faults are injected
 * here: crashed or partitioned validators neither send nor receive, delayed ones send late, and a drop
 * probability loses random deliveries. Delivery is asynchronous and FIFO per tick.
 */
export class MessageBus {
  private readonly faults: LinkFaults[];
  private queue: { to: number; msg: QbftMessage }[] = [];
  private scheduled = false;
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;
  /** Deliveries attempted, delivered and dropped (for status and tests). */
  readonly stats = { sent: 0, delivered: 0, dropped: 0 };
  dropProbability: number;
  private readonly random: () => number;

  constructor(
    size: number,
    private readonly deliver: (to: number, msg: QbftMessage) => void,
    options: MessageBusOptions = {},
  ) {
    this.faults = Array.from({ length: size }, () => ({ crashed: false, partitioned: false, delayMs: 0 }));
    this.dropProbability = options.dropProbability ?? 0;
    this.random = options.random ?? Math.random;
  }

  /** The faults currently applied to validator `i`. */
  faultsOf(i: number): LinkFaults {
    return this.faults[i]!;
  }

  /** Change validator `i`'s faults. */
  setFaults(i: number, change: Partial<LinkFaults>): void {
    Object.assign(this.faults[i]!, change);
  }

  /** Send `msg` from validator `from` to each of `to` (the sender's own copy is not sent through here). */
  send(from: number, to: readonly number[], msg: QbftMessage): void {
    if (this.closed) return;
    const f = this.faults[from]!;
    for (const t of to) {
      if (t === from) continue;
      this.stats.sent++;
      if (f.crashed || f.partitioned) {
        this.stats.dropped++;
        continue;
      }
      if (f.delayMs > 0) {
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          this.enqueue(from, t, msg);
        }, f.delayMs);
        timer.unref?.();
        this.timers.add(timer);
      } else this.enqueue(from, t, msg);
    }
  }

  private enqueue(from: number, to: number, msg: QbftMessage): void {
    if (this.closed) return;
    // A message is lost if either end is down or cut off when it would arrive, or by chance.
    const a = this.faults[from]!;
    const b = this.faults[to]!;
    if (a.crashed || a.partitioned || b.crashed || b.partitioned) {
      this.stats.dropped++;
      return;
    }
    if (this.dropProbability > 0 && this.random() < this.dropProbability) {
      this.stats.dropped++;
      return;
    }
    this.queue.push({ to, msg });
    if (!this.scheduled) {
      this.scheduled = true;
      // A microtask, not a macrotask: a round trip between in-process validators should not wait for the
      // event loop to poll I/O, or every block pays several loop turns of latency under load.
      queueMicrotask(() => this.flush());
    }
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.queue;
    this.queue = [];
    for (const { to, msg } of batch) {
      if (this.closed) return;
      const b = this.faults[to]!;
      if (b.crashed || b.partitioned) {
        this.stats.dropped++;
        continue;
      }
      this.stats.delivered++;
      this.deliver(to, msg);
    }
  }

  /** Drop everything in flight and refuse further sends. */
  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.queue = [];
  }
}
