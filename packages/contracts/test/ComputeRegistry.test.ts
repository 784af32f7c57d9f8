import type { Account } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeRegistryAbi } from '../src';
import { revertName, type SystemChain, send, startSystemChain } from './systemChain';

const ONNX_CPU = 1n;
const ONNX_CUDA = 2n;

describe('ComputeRegistry', () => {
  let chain: SystemChain;
  let gov: Account;
  let cpuNode: Account;
  let gpuNode: Account;
  let scorer: Account;
  let registry: { address: `0x${string}`; abi: typeof computeRegistryAbi };
  const need = (
    req: Partial<{
      minCpuCores: number;
      minGpuCount: number;
      minMemoryMb: bigint;
      runtimes: bigint;
      minCreditScore: number;
    }>,
  ) => ({
    minCpuCores: 0,
    minGpuCount: 0,
    minMemoryMb: 0n,
    runtimes: 0n,
    minCreditScore: 0,
    ...req,
  });
  const find = async (req: ReturnType<typeof need>) =>
    (
      await chain.publicClient.readContract({ ...registry, functionName: 'findNodes', args: [req, 0n, 10n] })
    )[0];

  beforeAll(async () => {
    chain = await startSystemChain();
    [gov, cpuNode, gpuNode, scorer] = chain.accounts as [Account, Account, Account, Account];
    registry = { address: chain.contracts.ComputeRegistry, abi: computeRegistryAbi };
  });
  afterAll(async () => {
    await chain?.stop();
  });

  it('registers nodes and finds those meeting a requirement', async () => {
    await send(chain, cpuNode, {
      ...registry,
      functionName: 'registerNode',
      args: [{ cpuCores: 8, gpuCount: 0, memoryMb: 16_384n, runtimes: ONNX_CPU }, 'http://cpu:8000'],
    });
    await send(chain, gpuNode, {
      ...registry,
      functionName: 'registerNode',
      args: [
        { cpuCores: 16, gpuCount: 2, memoryMb: 65_536n, runtimes: ONNX_CPU | ONNX_CUDA },
        'http://gpu:8000',
      ],
    });
    expect(await find(need({}))).toEqual([cpuNode.address, gpuNode.address]);
    expect(await find(need({ minGpuCount: 1 }))).toEqual([gpuNode.address]);
    expect(await find(need({ runtimes: ONNX_CUDA }))).toEqual([gpuNode.address]);
    expect(await find(need({ minMemoryMb: 100_000n }))).toEqual([]);
    expect(
      await revertName(
        send(chain, scorer, {
          ...registry,
          functionName: 'registerNode',
          args: [{ cpuCores: 0, gpuCount: 0, memoryMb: 1n, runtimes: 1n }, ''],
        }),
      ),
    ).toBe('InvalidCapabilities');
  });

  it('drops nodes whose heartbeat is stale until they beat again', async () => {
    await chain.increaseTime(301);
    await send(chain, gpuNode, { ...registry, functionName: 'heartbeat' });
    expect(await find(need({}))).toEqual([gpuNode.address]);
    await send(chain, cpuNode, { ...registry, functionName: 'heartbeat' });
    expect(await find(need({}))).toEqual([cpuNode.address, gpuNode.address]);
    expect(await revertName(send(chain, scorer, { ...registry, functionName: 'heartbeat' }))).toBe(
      'UnknownNode',
    );
  });

  it('lets only appointed scorers adjust credit scores, clamped to 0..1000', async () => {
    expect(
      await revertName(
        send(chain, scorer, {
          ...registry,
          functionName: 'adjustCreditScore',
          args: [gpuNode.address, 10, 'x'],
        }),
      ),
    ).toBe('NotScorer');
    await send(chain, gov, { ...registry, functionName: 'setScorer', args: [scorer.address, true] });
    await send(chain, scorer, {
      ...registry,
      functionName: 'adjustCreditScore',
      args: [gpuNode.address, 2000, 'good'],
    });
    await send(chain, scorer, {
      ...registry,
      functionName: 'adjustCreditScore',
      args: [cpuNode.address, -2000, 'bad'],
    });
    const score = async (who: Account) =>
      (await chain.publicClient.readContract({ ...registry, functionName: 'getNode', args: [who.address] }))
        .creditScore;
    expect([await score(gpuNode), await score(cpuNode)]).toEqual([1000, 0]);
    expect(await find(need({ minCreditScore: 500 }))).toEqual([gpuNode.address]);
  });

  it('hides deactivated nodes', async () => {
    await send(chain, gpuNode, { ...registry, functionName: 'deactivateNode' });
    expect(await find(need({}))).toEqual([cpuNode.address]);
    expect(await revertName(send(chain, gpuNode, { ...registry, functionName: 'heartbeat' }))).toBe(
      'NodeInactive',
    );
  });
});
