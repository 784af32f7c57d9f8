import { afterEach, describe, expect, it } from 'vitest';
import { type BlockHeader, blockHash } from '../../src/chain/BlockHeader';
import { addressOf } from '../../src/chain/nativeSecp256k1';
import { variantOf } from '../../src/consensus/qbft/QbftValidator';
import {
  hexOf,
  type PrepareMessage,
  type ProposalMessage,
  type RoundChangeMessage,
  signMessage,
} from '../../src/consensus/qbft/qbftMessages';
import { proposerFor } from '../../src/consensus/qbft/qbftQuorum';
import { devnetValidatorKey } from '../../src/startDevnet';
import { type QbftHarness, startQbftHarness } from './startQbftHarness';

let h: QbftHarness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const keys = [0, 1, 2, 3].map(devnetValidatorKey);
const addr = (k: Uint8Array) => hexOf(addressOf(k));
const keyOf = (a: string) => keys.find((k) => addr(k) === a)!;

function prepare(k: Uint8Array, round: number, digest: Uint8Array): PrepareMessage {
  return signMessage<PrepareMessage>({ type: 'PREPARE', height: 1n, round, digest }, k, addr(k));
}

function roundChange(
  k: Uint8Array,
  round: number,
  cert?: { header: BlockHeader; round: number },
): RoundChangeMessage {
  const digest = cert ? blockHash(cert.header) : undefined;
  return signMessage<RoundChangeMessage>(
    {
      type: 'ROUND_CHANGE',
      height: 1n,
      round,
      prepared: cert && digest ? { round: cert.round, digest } : undefined,
      certificate: cert
        ? {
            round: cert.round,
            header: cert.header,
            prepares: keys.slice(0, 3).map((p) => prepare(p, cert.round, digest!)),
          }
        : undefined,
    },
    k,
    addr(k),
  );
}

function proposal(
  k: Uint8Array,
  header: BlockHeader,
  rcs: RoundChangeMessage[],
  prepares: PrepareMessage[],
): ProposalMessage {
  const hd = { ...header, extra: { ...header.extra, round: 1, seals: [] } };
  return signMessage<ProposalMessage>(
    {
      type: 'PROPOSAL',
      height: 1n,
      round: 1,
      digest: blockHash(hd),
      header: hd,
      justification: { roundChanges: rcs, prepares },
    },
    k,
    addr(k),
  );
}

describe('round-change justification', () => {
  it('accepts a round-1 proposal only with a round-change quorum that re-proposes the highest prepared block', async () => {
    h = await startQbftHarness(4);
    h.engine.setAutomine(false);
    const set = h.engine.validatorsFor(1n);
    const proposer = proposerFor(set, 1n, 1);
    const pk = keyOf(proposer);
    const builder = h.engine.nodes.find((n) => n.address === proposerFor(set, 1n, 0))!;
    // The round-0 proposer executed a block; a variant (other vanity) shares its execution.
    const header = (await (
      h.engine as unknown as { buildProposal: (...a: unknown[]) => Promise<BlockHeader> }
    ).buildProposal(builder, 1n, 0))!;
    const prepared = variantOf(header);
    const receiver = h.engine.nodes.find((n) => n.address !== proposer && n.address !== builder.address)!;
    const accepted = () =>
      (receiver as unknown as { proposals: Map<number, ProposalMessage> }).proposals.get(1);
    const others = keys.filter((k) => addr(k) !== proposer);

    // Too few round changes (2 of a quorum of 3).
    receiver.receive(
      proposal(
        pk,
        header,
        others.slice(0, 2).map((k) => roundChange(k, 1)),
        [],
      ),
    );
    expect(accepted()).toBeUndefined();

    // A quorum, but one carries a block prepared in round 0 and the proposal ignores it.
    const rcs = [
      roundChange(others[0]!, 1, { header: prepared, round: 0 }),
      ...others.slice(1, 3).map((k) => roundChange(k, 1)),
    ];
    const certPrepares = rcs[0]!.certificate!.prepares;
    receiver.receive(proposal(pk, header, rcs, certPrepares));
    expect(accepted()).toBeUndefined();

    // Re-proposing the prepared block without its prepare quorum.
    receiver.receive(proposal(pk, prepared, rcs, certPrepares.slice(0, 2)));
    expect(accepted()).toBeUndefined();

    // Signed by a validator that is not the round-1 proposer.
    receiver.receive(proposal(others[0]!, prepared, rcs, certPrepares));
    expect(accepted()).toBeUndefined();

    // The justified re-proposal is accepted (and moves the receiver to round 1).
    receiver.receive(proposal(pk, prepared, rcs, certPrepares));
    expect(hexOf(accepted()!.digest)).toBe(hexOf(blockHash(prepared)));
    expect(receiver.round).toBe(1);
  });
});
