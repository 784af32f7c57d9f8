import { setTimeout as sleep } from 'node:timers/promises';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { startQbftHarness } from './startQbftHarness';
import { verifyChainSeals } from './verifyChainSeals';

type Fault =
  | { kind: 'none' }
  | { kind: 'crash' | 'recover' | 'partition' | 'heal'; node: number }
  | { kind: 'delay'; node: number; ms: number }
  | { kind: 'drop'; p: number };

/** One step of a schedule: maybe a fault, maybe a transaction, then some time passes. */
interface Step {
  fault: Fault;
  tx: boolean;
  waitMs: number;
}

const node = fc.integer({ min: 0, max: 3 });
const fault: fc.Arbitrary<Fault> = fc.oneof(
  { weight: 3, arbitrary: fc.constant<Fault>({ kind: 'none' }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constantFrom('crash', 'recover', 'partition', 'heal'),
      node,
    }) as fc.Arbitrary<Fault>,
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('delay'),
      node,
      ms: fc.integer({ min: 0, max: 40 }),
    }) as fc.Arbitrary<Fault>,
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('drop'),
      p: fc.double({ min: 0, max: 0.4, noNaN: true }),
    }) as fc.Arbitrary<Fault>,
  },
);
const step: fc.Arbitrary<Step> = fc.record({
  fault,
  tx: fc.boolean(),
  waitMs: fc.integer({ min: 0, max: 50 }),
});

describe('QBFT under random faults (property)', () => {
  it('never commits two blocks at one height, seals every block with a quorum, and recovers liveness', async () => {
    const observed = { blocks: 0, roundChanges: 0, dropped: 0 };
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 3 }),
        fc.array(step, { minLength: 6, maxLength: 20 }),
        fc.integer(),
        async (equivocator, steps, seed) => {
          let state = seed >>> 0 || 1;
          const random = () => {
            state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
            return state / 2 ** 32;
          };
          const h = await startQbftHarness(4, {
            roundTimeoutMs: 20,
            maxRoundTimeoutMs: 160,
            bus: { random },
          });
          try {
            // One Byzantine validator throughout; any number of benign faults (crash, cut, delay, loss).
            h.engine.fault(equivocator, { kind: 'equivocate' });
            for (const s of steps) {
              const f = s.fault;
              if (f.kind === 'drop') h.engine.bus.dropProbability = f.p;
              else if (f.kind === 'delay') h.engine.fault(f.node, { kind: 'delay', ms: f.ms });
              else if (f.kind !== 'none' && f.node !== equivocator) h.engine.fault(f.node, { kind: f.kind });
              if (s.tx) h.sendTransfer(h.chain.head.number % 2n === 0n ? 0 : 1);
              await sleep(s.waitMs);
            }
            // Liveness: once at most f (the equivocator) are faulty, a waiting transaction is committed.
            h.engine.bus.dropProbability = 0;
            for (let i = 0; i < 4; i++) if (i !== equivocator) h.engine.heal(i);
            const hash = h.sendTransfer(2);
            while (!h.chain.blocks.tx(hash)) await h.waitForHeight(h.chain.head.number + 1n, 20_000);

            // Safety: no two honest validators decided different blocks at one height, nor one unlike the chain's.
            expect(h.engine.violations).toEqual([]);
            const decided = new Map<bigint, string>();
            for (const n of h.engine.nodes) {
              if (n.index === equivocator) continue;
              for (const [height, blockHash] of n.committed) {
                expect(decided.get(height) ?? blockHash).toBe(blockHash);
                decided.set(height, blockHash);
                expect(h.chain.blocks.byNumber(height)?.hash).toBe(blockHash);
              }
            }
            // Every committed block carries a quorum of valid, distinct validator seals (SDK verifier).
            await verifyChainSeals(h.chain);
            observed.blocks += Number(h.chain.head.number);
            for (const b of h.chain.blocks.range(1n, h.chain.head.number))
              if (b.header.extra.round > 0) observed.roundChanges++;
            observed.dropped += h.engine.bus.stats.dropped;
          } finally {
            await h.stop();
          }
        },
      ),
      { numRuns: 30 },
    );
    // The schedules did exercise the protocol (not a vacuous pass).
    expect(observed.blocks).toBeGreaterThan(60);
    expect(observed.roundChanges).toBeGreaterThan(0);
    expect(observed.dropped).toBeGreaterThan(0);
  }, 240_000);
});
