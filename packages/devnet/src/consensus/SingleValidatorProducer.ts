import { sealHash } from '../chain/BlockHeader';
import type { Chain } from '../chain/Chain';
import { signHash } from '../chain/nativeSecp256k1';
import type { StoredBlock } from '../chain/StoredBlock';
import type { BlockProducer, ProduceOptions } from './BlockProducer';

const VANITY = new Uint8Array(32);

/**
 * One validator that proposes and seals every block itself, writing QBFT-format extraData with its own
 * committed seal. Instant mode makes a block as soon as transactions wait; interval mode every N seconds.
 */
export class SingleValidatorProducer implements BlockProducer {
  private chain: Chain | undefined;
  private automine = true;
  private blockTime = 0;
  private timer: NodeJS.Timeout | undefined;
  /** Serialises block production: at most one block is being built at a time. */
  private tail: Promise<unknown> = Promise.resolve();
  private scheduled = false;
  private stopped = false;

  constructor(
    private readonly key: Uint8Array,
    private readonly address: Uint8Array,
    /** Told about block production failures (which must not stop the producer). */
    private readonly onError: (error: unknown) => void = () => {},
  ) {}

  validators(): Uint8Array[] {
    return [this.address];
  }

  start(chain: Chain): void {
    this.chain = chain;
    this.arm();
  }

  mode(): { automine: boolean; blockTime: number } {
    return { automine: this.automine, blockTime: this.blockTime };
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

  private arm(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.stopped || !this.automine || this.blockTime <= 0) return;
    this.timer = setInterval(() => {
      void this.produce({ allowEmpty: true }).catch(this.onError);
    }, this.blockTime * 1000);
    this.timer.unref?.();
  }

  flushPending(): Promise<void> | undefined {
    const chain = this.chain;
    if (!chain || this.stopped || !this.automine || this.blockTime > 0 || !chain.hasExecutable())
      return undefined;
    return this.drain();
  }

  notifyPending(): void {
    if (this.stopped || !this.automine || this.blockTime > 0 || this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.drain();
    });
  }

  /** Instant mode: keep making blocks while executable transactions wait. */
  private async drain(): Promise<void> {
    const chain = this.chain;
    if (!chain) return;
    while (!this.stopped && chain.hasExecutable()) {
      const before = chain.head.number;
      await this.produce({}).catch(this.onError);
      if (chain.head.number === before) break;
    }
  }

  produce(opts: ProduceOptions = {}): Promise<StoredBlock> {
    const run = this.tail.then(() => this.produceNow(opts));
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async produceNow(opts: ProduceOptions): Promise<StoredBlock> {
    const chain = this.chain;
    if (!chain) throw new Error('producer not started');
    if (!opts.allowEmpty && !chain.hasExecutable()) return chain.head;
    const candidate = await chain.buildCandidate({
      coinbase: this.address,
      extra: { vanity: VANITY, validators: [this.address], vote: undefined, round: 0, seals: [] },
      ...(opts.timestamp !== undefined ? { timestamp: opts.timestamp } : {}),
    });
    const seal = signHash(sealHash(candidate.header), this.key);
    const header = { ...candidate.header, extra: { ...candidate.header.extra, seals: [seal] } };
    return chain.commitCandidate(candidate, header);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.tail;
  }
}
