import { type Account, encodeFunctionData, parseEther } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aidTokenAbi, modelRegistryAbi, modelRegistryBytecode } from '../src';
import { arm, deployWithHostileToken, reentrantTokenAbi } from './hostileToken';
import { revertName, type SystemChain, send, startSystemChain } from './systemChain';

const Listed = 0;
const Unlisted = 1;
const Delisted = 2;

describe('ModelRegistry', () => {
  let chain: SystemChain;
  let gov: Account;
  let pub: Account;
  let user: Account;
  let other: Account;
  let experts: Account[];
  let registry: { address: `0x${string}`; abi: typeof modelRegistryAbi };
  let token: { address: `0x${string}`; abi: typeof aidTokenAbi };
  const params = (name: string, version: string, extra: Partial<Record<string, unknown>> = {}) => ({
    name,
    version,
    cid: 'bafy-onnx',
    endpoint: '',
    task: 'ecg-classification',
    metadataCid: 'bafy-meta',
    pricePerCall: parseEther('2'),
    ...extra,
  });
  const read = <T>(functionName: string, args: unknown[] = []) =>
    chain.publicClient.readContract({ ...registry, functionName, args } as never) as Promise<T>;
  const balance = (who: Account) =>
    chain.publicClient.readContract({ ...token, functionName: 'balanceOf', args: [who.address] });

  beforeAll(async () => {
    chain = await startSystemChain();
    [gov, pub, user, other] = chain.accounts as [Account, Account, Account, Account];
    experts = chain.accounts.slice(5, 8);
    registry = { address: chain.contracts.ModelRegistry, abi: modelRegistryAbi };
    token = { address: chain.contracts.AidToken, abi: aidTokenAbi };
    await send(chain, user, {
      ...token,
      functionName: 'approve',
      args: [registry.address, parseEther('1000')],
    });
  });
  afterAll(async () => {
    await chain?.stop();
  });

  it('publishes immutable versions under a name owned by its first publisher', async () => {
    await send(chain, pub, { ...registry, functionName: 'publish', args: [params('ecg', '1.0.0')] });
    const modelId = await read<bigint>('modelIdOf', ['ecg']);
    expect(modelId).toBe(1n);
    await send(chain, pub, { ...registry, functionName: 'publish', args: [params('ecg', '1.1.0')] });
    expect(await read<bigint[]>('versionsOf', [modelId])).toEqual([1n, 2n]);
    expect(
      await revertName(
        send(chain, pub, { ...registry, functionName: 'publish', args: [params('ecg', '1.0.0')] }),
      ),
    ).toBe('VersionExists');
    expect(
      await revertName(
        send(chain, other, { ...registry, functionName: 'publish', args: [params('ecg', '9')] }),
      ),
    ).toBe('NotPublisher');
    // Exactly one of CID (ONNX file) and endpoint (AI-API model).
    expect(
      await revertName(
        send(chain, pub, {
          ...registry,
          functionName: 'publish',
          args: [params('x', '1', { endpoint: 'https://e' })],
        }),
      ),
    ).toBe('InvalidModelSource');
    await send(chain, other, {
      ...registry,
      functionName: 'publish',
      args: [params('ocr-api', '1', { cid: '', endpoint: 'https://ocr.example/v2' })],
    });
    const version = await read<{ endpoint: string; cid: string }>('getVersion', [3n]);
    expect(version).toMatchObject({ endpoint: 'https://ocr.example/v2', cid: '' });
  });

  it('pays the publisher per call, and lets only the payer rate that call, once', async () => {
    const pubBefore = await balance(pub);
    await send(chain, user, { ...registry, functionName: 'payForCall', args: [1n] });
    const callId = await read<bigint>('callCount');
    expect((await balance(pub)) - pubBefore).toBe(parseEther('2'));
    expect(
      await revertName(send(chain, other, { ...registry, functionName: 'rate', args: [callId, 5, ''] })),
    ).toBe('NotCallPayer');
    expect(
      await revertName(send(chain, user, { ...registry, functionName: 'rate', args: [999n, 5, ''] })),
    ).toBe('NotCallPayer');
    expect(
      await revertName(send(chain, user, { ...registry, functionName: 'rate', args: [callId, 6, ''] })),
    ).toBe('InvalidScore');
    await send(chain, user, { ...registry, functionName: 'rate', args: [callId, 4, 'bafy-comment'] });
    expect(
      await revertName(send(chain, user, { ...registry, functionName: 'rate', args: [callId, 5, ''] })),
    ).toBe('AlreadyRated');
    const model = await read<{ ratingCount: bigint; ratingSum: bigint }>('getModel', [1n]);
    expect(model).toMatchObject({ ratingCount: 1n, ratingSum: 4n });
  });

  it('refuses calls to unlisted models', async () => {
    await send(chain, pub, { ...registry, functionName: 'setListed', args: [1n, false] });
    expect((await read<{ listing: number }>('getModel', [1n])).listing).toBe(Unlisted);
    expect(await revertName(send(chain, user, { ...registry, functionName: 'payForCall', args: [1n] }))).toBe(
      'NotListed',
    );
    await send(chain, pub, { ...registry, functionName: 'setListed', args: [1n, true] });
    expect((await read<{ listing: number }>('getModel', [1n])).listing).toBe(Listed);
  });

  it('samples recent calls reproducibly for audits', async () => {
    for (let i = 0; i < 5; i++)
      await send(chain, user, { ...registry, functionName: 'payForCall', args: [2n] });
    const sample = await read<bigint[]>('auditSample', [1n, 3n]);
    expect(sample).toHaveLength(3);
    expect(new Set(sample).size).toBe(3);
    for (const id of sample) expect(id >= 1n && id <= 6n).toBe(true);
    expect(await read<bigint[]>('auditSample', [1n, 3n])).toEqual(sample);
    expect(await read<bigint[]>('auditSample', [1n, 50n])).toHaveLength(6);
  });

  it('refuses audits from non-experts and delists a model when a majority of experts fail it', async () => {
    expect(
      await revertName(
        send(chain, user, { ...registry, functionName: 'submitAudit', args: [1n, false, 'r'] }),
      ),
    ).toBe('NotExpert');
    expect(
      await revertName(
        send(chain, user, { ...registry, functionName: 'setExpert', args: [user.address, true] }),
      ),
    ).toBe('OwnableUnauthorizedAccount');
    for (const expert of experts) {
      await send(chain, gov, { ...registry, functionName: 'setExpert', args: [expert.address, true] });
    }
    const [e1, e2, e3] = experts as [Account, Account, Account];
    await send(chain, e1, { ...registry, functionName: 'submitAudit', args: [1n, false, 'bafy-report'] });
    expect(
      await revertName(
        send(chain, e1, { ...registry, functionName: 'submitAudit', args: [1n, false, 'again'] }),
      ),
    ).toBe('AlreadyAudited');
    await send(chain, e3, { ...registry, functionName: 'submitAudit', args: [1n, true, 'bafy-ok'] });
    expect((await read<{ listing: number }>('getModel', [1n])).listing).toBe(Listed);
    await send(chain, e2, { ...registry, functionName: 'submitAudit', args: [1n, false, 'bafy-report'] });
    expect((await read<{ listing: number }>('getModel', [1n])).listing).toBe(Delisted);
    // Delisted: no calls, no new versions, and the publisher cannot relist; governance can reinstate.
    expect(await revertName(send(chain, user, { ...registry, functionName: 'payForCall', args: [1n] }))).toBe(
      'NotListed',
    );
    expect(
      await revertName(send(chain, pub, { ...registry, functionName: 'setListed', args: [1n, true] })),
    ).toBe('NotListed');
    expect(
      await revertName(
        send(chain, pub, { ...registry, functionName: 'publish', args: [params('ecg', '2.0.0')] }),
      ),
    ).toBe('NotListed');
    await send(chain, gov, { ...registry, functionName: 'reinstate', args: [1n] });
    expect((await read<{ listing: number }>('getModel', [1n])).listing).toBe(Listed);
  });

  it('refuses re-entry into payForCall from the token', async () => {
    const { token: hostile, proxy } = await deployWithHostileToken(
      chain,
      gov,
      modelRegistryAbi as never,
      modelRegistryBytecode,
      (t) => [gov.address, t, 86_400n],
    );
    const hr = { address: proxy, abi: modelRegistryAbi };
    await send(chain, pub, {
      ...hr,
      functionName: 'publish',
      args: [params('m', '1', { pricePerCall: 1n })],
    });
    await send(chain, gov, {
      address: hostile,
      abi: reentrantTokenAbi,
      functionName: 'mint',
      args: [user.address, 10n],
    });
    await send(chain, user, {
      address: hostile,
      abi: reentrantTokenAbi,
      functionName: 'approve',
      args: [proxy, 10n],
    });
    await arm(
      chain,
      gov,
      hostile,
      proxy,
      encodeFunctionData({ abi: modelRegistryAbi, functionName: 'payForCall', args: [1n] }),
    );
    expect(await revertName(send(chain, user, { ...hr, functionName: 'payForCall', args: [1n] }))).toBe(
      'ReentrancyGuardReentrantCall',
    );
    await arm(chain, gov, hostile, '0x0000000000000000000000000000000000000000', '0x');
    await send(chain, user, { ...hr, functionName: 'payForCall', args: [1n] });
  });
});
