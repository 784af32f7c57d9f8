import { setTimeout as sleep } from 'node:timers/promises';
import { AidocError } from '@aidoc/sdk/errors';
import { afterEach, describe, expect, it } from 'vitest';
import { qbftMethods } from '../../src/consensus/qbft/qbftMethods';
import { quorumSize } from '../../src/consensus/qbft/qbftQuorum';
import { type QbftHarness, startQbftHarness } from './startQbftHarness';
import { verifyChainSeals } from './verifyChainSeals';

let h: QbftHarness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

function proposerIndex(harness: QbftHarness): number {
  return harness.engine.status().find((s) => s.proposer)!.index;
}

describe('QBFT with 4 validators', () => {
  it('keeps committing blocks with one validator crashed, sealed by the other three', async () => {
    h = await startQbftHarness(4);
    h.engine.fault(2, { kind: 'crash' });
    const crashed = h.engine.status()[2]!.address;
    for (let i = 1n; i <= 4n; i++) {
      h.sendTransfer();
      await h.waitForHeight(i);
    }
    const signers = await verifyChainSeals(h.chain);
    expect(signers).toHaveLength(4);
    for (const s of signers) {
      expect(s.length).toBeGreaterThanOrEqual(quorumSize(4));
      expect(s).not.toContain(crashed);
    }
    expect(h.engine.violations).toEqual([]);
  });

  it('commits nothing with two crashed, loses no transaction, and resumes after healing', async () => {
    h = await startQbftHarness(4);
    h.sendTransfer();
    await h.waitForHeight(1n);
    h.engine.fault(0, { kind: 'crash' });
    h.engine.fault(3, { kind: 'crash' });
    const hash = h.sendTransfer();
    await sleep(400); // many round timeouts of 30 ms
    expect(h.chain.head.number).toBe(1n);
    expect(h.chain.mempool.get(hash)).toBeDefined();
    expect(
      h.engine
        .status()
        .filter((s) => !s.crashed)
        .every((s) => s.round > 0),
    ).toBe(true);
    h.engine.heal(0);
    h.engine.heal(3);
    await h.waitForHeight(2n);
    expect(h.chain.blocks.tx(hash)?.block.number).toBe(2n);
    expect(h.chain.blocks.tx(hash)?.block.receipts[0]?.status).toBe(1);
    await verifyChainSeals(h.chain);
    expect(h.engine.violations).toEqual([]);
  });

  it('rejects evm_mine with CONSENSUS when no quorum commits in time', async () => {
    h = await startQbftHarness(4, { produceTimeoutMs: 300 });
    h.engine.fault(1, { kind: 'partition' });
    h.engine.fault(2, { kind: 'partition' });
    await expect(h.engine.produce({ allowEmpty: true })).rejects.toSatisfy((e) =>
      AidocError.is(e, 'CONSENSUS'),
    );
    h.engine.heal(1);
    h.engine.heal(2);
    await h.waitForHeight(1n);
  });

  it('lets a partitioned validator catch up after healing', async () => {
    h = await startQbftHarness(4);
    h.engine.fault(1, { kind: 'partition' });
    for (let i = 1n; i <= 3n; i++) {
      h.sendTransfer();
      await h.waitForHeight(i);
    }
    const node = h.engine.nodes[1]!;
    expect(node.height).toBe(1n);
    h.engine.heal(1);
    expect(node.height).toBe(4n);
    expect([...node.synced.keys()]).toEqual([1n, 2n, 3n]);
    expect(node.synced.get(2n)).toBe(h.chain.blocks.byNumber(2n)!.hash);
    // Back in the set, it takes part again.
    h.engine.fault(0, { kind: 'crash' });
    h.sendTransfer();
    await h.waitForHeight(4n);
    const signers = await verifyChainSeals(h.chain);
    expect(signers[3]).toContain(node.address);
  });

  it('changes round when the proposer is down, and records the round in extraData', async () => {
    h = await startQbftHarness(4);
    const proposer = proposerIndex(h);
    h.engine.fault(proposer, { kind: 'crash' });
    h.sendTransfer();
    await h.waitForHeight(1n);
    const b = h.chain.blocks.byNumber(1n)!;
    expect(b.header.extra.round).toBeGreaterThan(0);
    expect(`0x${Buffer.from(b.header.coinbase).toString('hex')}`).not.toBe(
      h.engine.status()[proposer]!.address,
    );
    await verifyChainSeals(h.chain);
  });

  it('stays safe and live with an equivocating proposer', async () => {
    h = await startQbftHarness(4);
    // One Byzantine validator at a time (f = 1): each height's proposer in turn.
    let equivocator = -1;
    for (let i = 1n; i <= 4n; i++) {
      if (equivocator >= 0) h.engine.heal(equivocator);
      equivocator = proposerIndex(h);
      h.engine.fault(equivocator, { kind: 'equivocate' });
      h.sendTransfer();
      await h.waitForHeight(i);
    }
    await verifyChainSeals(h.chain);
    expect(h.engine.violations).toEqual([]);
    const honest = h.engine.nodes.filter((n) => !h!.engine.status()[n.index]!.equivocating);
    for (const n of honest)
      for (const [height, hash] of n.committed) expect(hash).toBe(h.chain.blocks.byNumber(height)!.hash);
  });

  it('delays messages without losing safety', async () => {
    h = await startQbftHarness(4);
    h.engine.fault(0, { kind: 'delay', ms: 50 });
    h.engine.fault(1, { kind: 'delay', ms: 20 });
    for (let i = 1n; i <= 3n; i++) {
      h.sendTransfer();
      await h.waitForHeight(i);
    }
    await verifyChainSeals(h.chain);
    expect(h.engine.violations).toEqual([]);
  });
});

describe('validator votes and qbft_* methods', () => {
  it('adds a standby validator by majority vote and removes it again', async () => {
    h = await startQbftHarness(4, { standby: 1 });
    const m = qbftMethods(h.engine, h.chain);
    const newcomer = h.engine.status()[4]!.address;
    expect(h.engine.status()[4]!.validator).toBe(false);
    expect(m.qbft_proposeValidatorVote!([newcomer, true])).toBe(true);
    expect(m.qbft_getPendingVotes!([])).toEqual({ [newcomer]: true });
    // Votes pass once more than half of the 4 validators (3) proposed a block carrying one.
    let n = 0n;
    while (!(m.qbft_getValidatorsByBlockNumber!(['latest']) as string[]).includes(newcomer)) {
      const b = await h.engine.produce({ allowEmpty: true });
      n = b.number;
      expect(n).toBeLessThan(12n);
    }
    expect(h.engine.status()[4]!.validator).toBe(true);
    expect((m.qbft_getValidatorsByBlockNumber!(['earliest']) as string[]).includes(newcomer)).toBe(false);
    const head = h.chain.head;
    expect(m.qbft_getValidatorsByBlockHash!([head.hash])).toEqual(
      m.qbft_getValidatorsByBlockNumber!([`0x${head.number.toString(16)}`]),
    );
    // Five validators now: quorum 4, and the newcomer takes part.
    for (let i = 0; i < 6; i++) await h.engine.produce({ allowEmpty: true });
    const signers = await verifyChainSeals(h.chain);
    expect(signers.at(-1)!.length).toBeGreaterThanOrEqual(quorumSize(5));
    expect(signers.slice(Number(n)).some((s) => s.includes(newcomer))).toBe(true);
    // Remove it: 3 of 5 must vote.
    expect(m.qbft_discardValidatorVote!([newcomer])).toBe(true);
    expect(m.qbft_getPendingVotes!([])).toEqual({});
    m.qbft_proposeValidatorVote!([newcomer, false]);
    for (let i = 0; i < 14 && h.engine.status()[4]!.validator; i++)
      await h.engine.produce({ allowEmpty: true });
    expect(h.engine.status()[4]!.validator).toBe(false);
    expect(h.engine.validators()).toHaveLength(4);
    expect(h.engine.violations).toEqual([]);
  });

  it('reports signer metrics in Besu shape', async () => {
    h = await startQbftHarness(4);
    for (let i = 0; i < 5; i++) await h.engine.produce({ allowEmpty: true });
    const m = qbftMethods(h.engine, h.chain);
    const all = m.qbft_getSignerMetrics!([]) as {
      address: string;
      proposedBlockCount: string;
      lastProposedBlockNumber: string;
    }[];
    const total = all.reduce((s, r) => s + Number(r.proposedBlockCount), 0);
    expect(total).toBe(6); // genesis (proposer 0x0) and 5 blocks
    expect(all.find((r) => r.address === `0x${'00'.repeat(20)}`)?.proposedBlockCount).toBe('0x1');
    for (const v of h.engine.status()) expect(all.map((r) => r.address)).toContain(v.address);
    const ranged = m.qbft_getSignerMetrics!(['0x1', '0x5']) as {
      proposedBlockCount: string;
      lastProposedBlockNumber: string;
    }[];
    expect(ranged.reduce((s, r) => s + Number(r.proposedBlockCount), 0)).toBe(5);
    expect(ranged.every((r) => /^0x[0-9a-f]+$/.test(r.lastProposedBlockNumber))).toBe(true);
    expect(() => m.qbft_getSignerMetrics!(['0x5', '0x1'])).toThrow(/after toBlockNumber/);
  });

  it('answers INVALID_PARAMS for bad input to the aidoc_ and qbft_ methods', async () => {
    h = await startQbftHarness(4);
    const m = qbftMethods(h.engine, h.chain);
    const bad: [string, unknown[]][] = [
      ['aidoc_validatorFault', [9, 'crash']],
      ['aidoc_validatorFault', [-1, 'crash']],
      ['aidoc_validatorFault', [0, 'explode']],
      ['aidoc_validatorFault', [0, 'delay']],
      ['aidoc_validatorFault', [0, 'delay', -5]],
      ['aidoc_validatorHeal', ['x']],
      ['qbft_proposeValidatorVote', ['0x12', true]],
      ['qbft_proposeValidatorVote', [`0x${'11'.repeat(20)}`, 'yes']],
      ['qbft_getValidatorsByBlockNumber', ['soon']],
      ['qbft_getValidatorsByBlockHash', ['0x12']],
    ];
    for (const [name, params] of bad) {
      let err: unknown;
      try {
        m[name]!(params);
      } catch (e) {
        err = e;
      }
      expect(AidocError.is(err, 'INVALID_PARAMS'), `${name}(${JSON.stringify(params)})`).toBe(true);
    }
    expect(m.qbft_getValidatorsByBlockNumber!(['0x99'])).toBeNull();
    const st = m.aidoc_validatorFault!(['0x1', 'delay', 25]) as { delayMs: number };
    expect(st.delayMs).toBe(25);
    const healed = m.aidoc_validatorHeal!([1]) as { delayMs: number; crashed: boolean };
    expect(healed).toMatchObject({ delayMs: 0, crashed: false });
    expect((m.aidoc_validators!([]) as unknown[]).length).toBe(4);
  });
});
