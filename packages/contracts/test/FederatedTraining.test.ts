import { type Account, encodeFunctionData, parseEther, zeroHash } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aidTokenAbi, federatedTrainingAbi, federatedTrainingBytecode } from '../src';
import { arm, deployWithHostileToken, reentrantTokenAbi } from './hostileToken';
import { revertName, type SystemChain, send, startSystemChain } from './systemChain';

const Active = 1;
const Completed = 2;
const Cancelled = 3;
const Failed = 4;

describe('FederatedTraining', () => {
  let chain: SystemChain;
  let gov: Account;
  let owner: Account;
  let aggregator: Account;
  let c1: Account;
  let c2: Account;
  let c3: Account;
  let training: { address: `0x${string}`; abi: typeof federatedTrainingAbi };
  let token: { address: `0x${string}`; abi: typeof aidTokenAbi };
  const taskParams = (rounds: number, rewardPool: bigint, extra: Record<string, unknown> = {}) => ({
    initialModelCid: 'bafy-init',
    strategy: zeroHash,
    rounds,
    minClients: 2,
    roundDuration: 3600n,
    rewardPool,
    aggregator: aggregator.address,
    publicKeyCid: 'bafy-ckks-pk',
    privacy: {
      secureAggregation: true,
      noiseMultiplierMicros: 1_100_000,
      clipNormMicros: 1_000_000,
      epsilonBudgetMicros: 8_000_000,
      deltaMicros: 1,
    },
    ...extra,
  });
  const balance = (who: Account) =>
    chain.publicClient.readContract({ ...token, functionName: 'balanceOf', args: [who.address] });
  const task = (id: bigint) =>
    chain.publicClient.readContract({ ...training, functionName: 'getTask', args: [id] });
  async function create(rounds: number, pool: bigint) {
    await send(chain, owner, { ...training, functionName: 'createTask', args: [taskParams(rounds, pool)] });
    return chain.publicClient.readContract({ ...training, functionName: 'taskCount' });
  }
  const submit = (client: Account, id: bigint, examples: bigint) =>
    send(chain, client, {
      ...training,
      functionName: 'submitUpdate',
      args: [id, `bafy-update-${client.address}`, examples],
    });

  beforeAll(async () => {
    chain = await startSystemChain();
    [gov, owner, aggregator, c1, c2, c3] = chain.accounts as [
      Account,
      Account,
      Account,
      Account,
      Account,
      Account,
    ];
    training = { address: chain.contracts.FederatedTraining, abi: federatedTrainingAbi };
    token = { address: chain.contracts.AidToken, abi: aidTokenAbi };
    await send(chain, owner, {
      ...token,
      functionName: 'approve',
      args: [training.address, parseEther('10000')],
    });
  });
  afterAll(async () => {
    await chain?.stop();
  });

  it('runs a two-round task: submissions, aggregate, result, and pro-rata payouts only after aggregation', async () => {
    const ownerBefore = await balance(owner);
    const id = await create(2, parseEther('100'));
    expect(await balance(owner)).toBe(ownerBefore - parseEther('100'));

    await submit(c1, id, 300n);
    expect(await revertName(submit(c1, id, 300n))).toBe('AlreadySubmitted');
    expect(
      await revertName(
        send(chain, aggregator, { ...training, functionName: 'publishAggregate', args: [id, 'agg'] }),
      ),
    ).toBe('NotEnoughSubmissions');
    await submit(c2, id, 100n);
    // Payout before aggregation, and a result before the aggregate, are refused.
    expect(
      await revertName(send(chain, c1, { ...training, functionName: 'claimReward', args: [id, 1] })),
    ).toBe('NotAggregated');
    expect(
      await revertName(send(chain, c1, { ...training, functionName: 'publishResult', args: [id, 'm1'] })),
    ).toBe('NotAggregated');
    expect(
      await revertName(send(chain, c1, { ...training, functionName: 'publishAggregate', args: [id, 'agg'] })),
    ).toBe('NotAggregator');
    await send(chain, aggregator, {
      ...training,
      functionName: 'publishAggregate',
      args: [id, 'bafy-agg-1'],
    });
    expect(await revertName(submit(c3, id, 50n))).toBe('RoundClosed');
    expect(
      await revertName(send(chain, c3, { ...training, functionName: 'publishResult', args: [id, 'm1'] })),
    ).toBe('NotRoundClient');
    await send(chain, c2, { ...training, functionName: 'publishResult', args: [id, 'bafy-model-1'] });
    expect(await task(id)).toMatchObject({ currentRound: 2, latestModelCid: 'bafy-model-1', status: Active });

    // Round 1 pays 50 AID, 3:1 by examples.
    const c1Before = await balance(c1);
    await send(chain, c1, { ...training, functionName: 'claimReward', args: [id, 1] });
    expect((await balance(c1)) - c1Before).toBe(parseEther('37.5'));
    expect(
      await revertName(send(chain, c1, { ...training, functionName: 'claimReward', args: [id, 1] })),
    ).toBe('NothingToClaim');
    expect(
      await revertName(send(chain, c3, { ...training, functionName: 'claimReward', args: [id, 1] })),
    ).toBe('NothingToClaim');

    await submit(c2, id, 10n);
    await submit(c3, id, 10n);
    await send(chain, aggregator, {
      ...training,
      functionName: 'publishAggregate',
      args: [id, 'bafy-agg-2'],
    });
    await send(chain, c3, { ...training, functionName: 'publishResult', args: [id, 'bafy-model-2'] });
    expect(await task(id)).toMatchObject({ status: Completed, latestModelCid: 'bafy-model-2' });
    const c2Before = await balance(c2);
    await send(chain, c2, { ...training, functionName: 'claimReward', args: [id, 1] });
    await send(chain, c2, { ...training, functionName: 'claimReward', args: [id, 2] });
    expect((await balance(c2)) - c2Before).toBe(parseEther('12.5') + parseEther('25'));
    expect(await revertName(submit(c1, id, 1n))).toBe('TaskNotActive');
  });

  it('refunds the unearned pool on cancel, by the owner only', async () => {
    const id = await create(4, parseEther('40'));
    await submit(c1, id, 1n);
    await submit(c2, id, 1n);
    await send(chain, aggregator, { ...training, functionName: 'publishAggregate', args: [id, 'agg'] });
    expect(await revertName(send(chain, c1, { ...training, functionName: 'cancelTask', args: [id] }))).toBe(
      'NotTaskOwner',
    );
    const before = await balance(owner);
    await send(chain, owner, { ...training, functionName: 'cancelTask', args: [id] });
    expect((await balance(owner)) - before).toBe(parseEther('30'));
    expect((await task(id)).status).toBe(Cancelled);
    // The aggregated round stays claimable.
    const c1Before = await balance(c1);
    await send(chain, c1, { ...training, functionName: 'claimReward', args: [id, 1] });
    expect((await balance(c1)) - c1Before).toBe(parseEther('5'));
  });

  it('fails a round that misses its minimum by the deadline, and refunds the owner', async () => {
    const id = await create(1, parseEther('10'));
    await submit(c1, id, 5n);
    expect(await revertName(send(chain, c3, { ...training, functionName: 'failTask', args: [id] }))).toBe(
      'RoundNotFailed',
    );
    await chain.increaseTime(3601);
    expect(await revertName(submit(c2, id, 5n))).toBe('RoundClosed');
    const before = await balance(owner);
    await send(chain, c3, { ...training, functionName: 'failTask', args: [id] });
    expect((await balance(owner)) - before).toBe(parseEther('10'));
    expect((await task(id)).status).toBe(Failed);
  });

  it('refuses re-entry from the token on every function that moves tokens', async () => {
    const { token: hostile, proxy } = await deployWithHostileToken(
      chain,
      gov,
      federatedTrainingAbi as never,
      federatedTrainingBytecode,
      (t) => [gov.address, t],
    );
    const ht = { address: proxy, abi: federatedTrainingAbi };
    const call = (functionName: string, args: unknown[]) =>
      encodeFunctionData({ abi: federatedTrainingAbi, functionName, args } as never);
    await send(chain, gov, {
      address: hostile,
      abi: reentrantTokenAbi,
      functionName: 'mint',
      args: [owner.address, 1000n],
    });
    await send(chain, owner, {
      address: hostile,
      abi: reentrantTokenAbi,
      functionName: 'approve',
      args: [proxy, 1000n],
    });
    const guarded = async (from: Account, functionName: string, args: unknown[], reenter: `0x${string}`) => {
      await arm(chain, gov, hostile, proxy, reenter);
      expect(await revertName(send(chain, from, { ...ht, functionName, args }))).toBe(
        'ReentrancyGuardReentrantCall',
      );
      await arm(chain, gov, hostile, '0x0000000000000000000000000000000000000000', '0x');
    };
    const params = taskParams(2, 100n);
    await guarded(owner, 'createTask', [params], call('createTask', [params]));
    for (let i = 0; i < 3; i++)
      await send(chain, owner, { ...ht, functionName: 'createTask', args: [params] });
    // Task 1: aggregated round 1; claim re-enters claim (double payout).
    await send(chain, c1, { ...ht, functionName: 'submitUpdate', args: [1n, 'u', 1n] });
    await send(chain, c2, { ...ht, functionName: 'submitUpdate', args: [1n, 'u', 1n] });
    await send(chain, aggregator, { ...ht, functionName: 'publishAggregate', args: [1n, 'a'] });
    await guarded(c1, 'claimReward', [1n, 1], call('claimReward', [1n, 1]));
    // Task 2: cancel re-enters cancel (double refund).
    await guarded(owner, 'cancelTask', [2n], call('cancelTask', [2n]));
    // Task 3: fail re-enters fail.
    await chain.increaseTime(3601);
    await guarded(c3, 'failTask', [3n], call('failTask', [3n]));
    // Unarmed, they go through.
    await send(chain, c1, { ...ht, functionName: 'claimReward', args: [1n, 1] });
    await send(chain, owner, { ...ht, functionName: 'cancelTask', args: [2n] });
    await send(chain, c3, { ...ht, functionName: 'failTask', args: [3n] });
  });
});
