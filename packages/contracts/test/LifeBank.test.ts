import { type Account, encodeFunctionData, type Hex, keccak256, parseEther, stringToBytes } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aidTokenAbi, lifeBankAbi, lifeBankBytecode } from '../src';
import { arm, deployWithHostileToken, reentrantTokenAbi } from './hostileToken';
import { revertName, type SystemChain, send, startSystemChain } from './systemChain';

const Record = 0;
const Records = 1;
const Category = 2;
const scope = (kind: number, recordIds: bigint[] = [], category = '') => ({ kind, recordIds, category });

describe('LifeBank', () => {
  let chain: SystemChain;
  let gov: Account;
  let alice: Account;
  let bob: Account;
  let carol: Account;
  let bank: { address: `0x${string}`; abi: typeof lifeBankAbi };
  let token: { address: `0x${string}`; abi: typeof aidTokenAbi };
  let contentCounter = 0;

  const now = async () => (await chain.publicClient.getBlock()).timestamp;
  const read = <T>(functionName: string, args: unknown[] = []) =>
    chain.publicClient.readContract({ ...bank, functionName, args } as never) as Promise<T>;
  const balance = (who: Account) =>
    chain.publicClient.readContract({ ...token, functionName: 'balanceOf', args: [who.address] });
  const freshHash = (): Hex => keccak256(stringToBytes(`content-${contentCounter++}`));
  async function register(owner: Account, category = 'vital-signs'): Promise<bigint> {
    await send(chain, owner, {
      ...bank,
      functionName: 'registerRecord',
      args: [`bafy-${contentCounter}`, freshHash(), category, 'fhir+json;Observation'],
    });
    return read<bigint>('recordCount');
  }
  async function grant(owner: Account, grantee: Account, s: ReturnType<typeof scope>, ttl = 3600n) {
    await send(chain, owner, {
      ...bank,
      functionName: 'grant',
      args: [grantee.address, s, 'treatment', (await now()) + ttl, 'bafy-keys'],
    });
    return read<bigint>('grantCount');
  }
  const hasAccess = (who: Account, recordId: bigint) => read<boolean>('hasAccess', [who.address, recordId]);

  beforeAll(async () => {
    chain = await startSystemChain();
    [gov, alice, bob, carol] = chain.accounts as [Account, Account, Account, Account];
    bank = { address: chain.contracts.LifeBank, abi: lifeBankAbi };
    token = { address: chain.contracts.AidToken, abi: aidTokenAbi };
  });
  afterAll(async () => {
    await chain?.stop();
  });

  it('registers a record, emits it, and mints the life-mining reward to the owner', async () => {
    const before = await balance(alice);
    const hash = freshHash();
    const receipt = await send(chain, alice, {
      ...bank,
      functionName: 'registerRecord',
      args: ['bafy-record', hash, 'laboratory', 'fhir+json;Observation'],
    });
    const id = await read<bigint>('recordCount');
    const record = await read<{
      owner: string;
      cid: string;
      contentHash: string;
      category: string;
      active: boolean;
    }>('getRecord', [id]);
    expect(record).toMatchObject({
      owner: alice.address,
      cid: 'bafy-record',
      contentHash: hash,
      category: 'laboratory',
    });
    expect(record.active).toBe(true);
    expect(receipt.logs.some((log) => log.address.toLowerCase() === bank.address.toLowerCase())).toBe(true);
    expect((await balance(alice)) - before).toBe(parseEther('1'));
    // The same ciphertext cannot be registered twice, and empty fields are refused.
    expect(
      await revertName(
        send(chain, bob, { ...bank, functionName: 'registerRecord', args: ['x', hash, 'laboratory', ''] }),
      ),
    ).toBe('DuplicateContent');
    expect(
      await revertName(
        send(chain, bob, {
          ...bank,
          functionName: 'registerRecord',
          args: ['', freshHash(), 'laboratory', ''],
        }),
      ),
    ).toBe('EmptyField');
  });

  it('refuses grants by a non-owner, of unknown records, with malformed scopes or past expiry', async () => {
    const id = await register(alice);
    const expiry = (await now()) + 3600n;
    const grantBy = (who: Account, s: ReturnType<typeof scope>, e = expiry, grantee = carol) =>
      send(chain, who, {
        ...bank,
        functionName: 'grant',
        args: [grantee.address, s, 'care', e, 'bafy-keys'],
      });
    expect(await revertName(grantBy(bob, scope(Record, [id])))).toBe('NotRecordOwner');
    expect(await revertName(grantBy(alice, scope(Record, [999n])))).toBe('UnknownRecord');
    expect(await revertName(grantBy(alice, scope(Record, [id, id])))).toBe('InvalidScope');
    expect(await revertName(grantBy(alice, scope(Category, [id], 'vital-signs')))).toBe('InvalidScope');
    expect(await revertName(grantBy(alice, scope(Records, [])))).toBe('InvalidScope');
    expect(await revertName(grantBy(alice, scope(Record, [id]), (await now()) - 1n))).toBe('InvalidExpiry');
    expect(await revertName(grantBy(alice, scope(Record, [id]), expiry, alice))).toBe('InvalidGrantee');
    expect(await hasAccess(carol, id)).toBe(false);
  });

  it('gives access through a grant until it expires, and logs reads only with access', async () => {
    const id = await register(alice);
    expect(await hasAccess(alice, id)).toBe(true);
    expect(await hasAccess(bob, id)).toBe(false);
    await grant(alice, bob, scope(Record, [id]), 100n);
    expect(await hasAccess(bob, id)).toBe(true);
    await send(chain, bob, { ...bank, functionName: 'logAccess', args: [id] });
    expect(await revertName(send(chain, carol, { ...bank, functionName: 'logAccess', args: [id] }))).toBe(
      'AccessDenied',
    );
    await chain.increaseTime(200);
    expect(await hasAccess(bob, id)).toBe(false);
    expect(await revertName(send(chain, bob, { ...bank, functionName: 'logAccess', args: [id] }))).toBe(
      'AccessDenied',
    );
  });

  it('revokes: only the grant owner, only once, and access ends at once', async () => {
    const id = await register(alice);
    const grantId = await grant(alice, bob, scope(Record, [id]));
    expect(await revertName(send(chain, bob, { ...bank, functionName: 'revoke', args: [grantId] }))).toBe(
      'NotGrantOwner',
    );
    await send(chain, alice, { ...bank, functionName: 'revoke', args: [grantId] });
    expect(await hasAccess(bob, id)).toBe(false);
    expect(await revertName(send(chain, bob, { ...bank, functionName: 'logAccess', args: [id] }))).toBe(
      'AccessDenied',
    );
    expect(await revertName(send(chain, alice, { ...bank, functionName: 'revoke', args: [grantId] }))).toBe(
      'GrantAlreadyRevoked',
    );
  });

  it('scopes: a category grant covers later records of that category only; a set covers its members', async () => {
    const labBefore = await register(alice, 'laboratory');
    await grant(alice, carol, scope(Category, [], 'laboratory'));
    const labAfter = await register(alice, 'laboratory');
    const vitals = await register(alice, 'vital-signs');
    const bobsLab = await register(bob, 'laboratory');
    expect(await hasAccess(carol, labBefore)).toBe(true);
    expect(await hasAccess(carol, labAfter)).toBe(true);
    expect(await hasAccess(carol, vitals)).toBe(false);
    expect(await hasAccess(carol, bobsLab)).toBe(false);

    const a = await register(alice);
    const b = await register(alice);
    const c = await register(alice);
    await grant(alice, bob, scope(Records, [a, b]));
    expect([await hasAccess(bob, a), await hasAccess(bob, b), await hasAccess(bob, c)]).toEqual([
      true,
      true,
      false,
    ]);
    // A deactivated record is readable by nobody but its owner.
    await send(chain, alice, { ...bank, functionName: 'deactivateRecord', args: [a] });
    expect(await hasAccess(bob, a)).toBe(false);
    expect(await hasAccess(alice, a)).toBe(false);
  });

  it('rotates a record to new content; grants stay in force', async () => {
    const id = await register(alice);
    await grant(alice, bob, scope(Record, [id]));
    const newHash = freshHash();
    await send(chain, alice, { ...bank, functionName: 'updateRecord', args: [id, 'bafy-rotated', newHash] });
    const record = await read<{ cid: string; version: number }>('getRecord', [id]);
    expect(record).toMatchObject({ cid: 'bafy-rotated', version: 2 });
    expect(await hasAccess(bob, id)).toBe(true);
    expect(
      await revertName(
        send(chain, bob, { ...bank, functionName: 'updateRecord', args: [id, 'x', freshHash()] }),
      ),
    ).toBe('NotRecordOwner');
  });

  it('escrows a paid request; approve grants and pays the owner once; deny and withdraw refund', async () => {
    const id = await register(alice);
    const offer = parseEther('5');
    await send(chain, bob, { ...token, functionName: 'approve', args: [bank.address, parseEther('100')] });
    const request = async (expiresIn = 3600n) => {
      await send(chain, bob, {
        ...bank,
        functionName: 'requestAccess',
        args: [alice.address, scope(Record, [id]), 'research', offer, 600n, (await now()) + expiresIn],
      });
      return read<bigint>('requestCount');
    };
    const bobBefore = await balance(bob);
    const aliceBefore = await balance(alice);
    const r1 = await request();
    expect(await balance(bob)).toBe(bobBefore - offer);
    expect(
      await revertName(send(chain, bob, { ...bank, functionName: 'approveRequest', args: [r1, 'k'] })),
    ).toBe('NotAuthorized');
    await send(chain, alice, { ...bank, functionName: 'approveRequest', args: [r1, 'bafy-keys-bob'] });
    expect(await balance(alice)).toBe(aliceBefore + offer);
    expect(await hasAccess(bob, id)).toBe(true);
    expect(
      await revertName(send(chain, alice, { ...bank, functionName: 'approveRequest', args: [r1, 'k'] })),
    ).toBe('RequestNotPending');
    expect(await revertName(send(chain, alice, { ...bank, functionName: 'denyRequest', args: [r1] }))).toBe(
      'RequestNotPending',
    );

    const r2 = await request();
    await send(chain, alice, { ...bank, functionName: 'denyRequest', args: [r2] });
    expect(await balance(bob)).toBe(bobBefore - offer);

    const r3 = await request();
    expect(
      await revertName(send(chain, carol, { ...bank, functionName: 'withdrawRequest', args: [r3] })),
    ).toBe('NotAuthorized');
    await send(chain, bob, { ...bank, functionName: 'withdrawRequest', args: [r3] });
    expect(await balance(bob)).toBe(bobBefore - offer);
  });

  it('expired requests cannot be approved and are refundable by anyone', async () => {
    const id = await register(alice);
    await send(chain, bob, { ...token, functionName: 'approve', args: [bank.address, parseEther('100')] });
    const bobBefore = await balance(bob);
    await send(chain, bob, {
      ...bank,
      functionName: 'requestAccess',
      args: [alice.address, scope(Record, [id]), 'research', parseEther('2'), 600n, (await now()) + 60n],
    });
    const requestId = await read<bigint>('requestCount');
    await chain.increaseTime(120);
    expect(
      await revertName(
        send(chain, alice, { ...bank, functionName: 'approveRequest', args: [requestId, 'k'] }),
      ),
    ).toBe('RequestExpired');
    await send(chain, carol, { ...bank, functionName: 'withdrawRequest', args: [requestId] });
    expect(await balance(bob)).toBe(bobBefore);
  });

  it('caps life-mining rewards: a reward past the pool cap is cut to what remains, then to zero', async () => {
    expect(
      await revertName(
        send(chain, alice, { ...bank, functionName: 'setRewardPolicy', args: [1n, 10n ** 30n] }),
      ),
    ).toBe('OwnableUnauthorizedAccount');
    const minted = await read<bigint>('rewardsMinted');
    expect(
      await revertName(
        send(chain, gov, { ...bank, functionName: 'setRewardPolicy', args: [1n, minted - 1n] }),
      ),
    ).toBe('CapBelowMinted');
    await send(chain, gov, {
      ...bank,
      functionName: 'setRewardPolicy',
      args: [parseEther('1'), minted + parseEther('0.5')],
    });
    const before = await balance(carol);
    await register(carol);
    expect((await balance(carol)) - before).toBe(parseEther('0.5'));
    await register(carol);
    expect((await balance(carol)) - before).toBe(parseEther('0.5'));
    expect(await read<bigint>('rewardsMinted')).toBe(minted + parseEther('0.5'));
  });

  it('governance deactivates and reactivates; others cannot', async () => {
    expect(await revertName(send(chain, alice, { ...bank, functionName: 'deactivate' }))).toBe(
      'OwnableUnauthorizedAccount',
    );
    await send(chain, gov, { ...bank, functionName: 'deactivate' });
    expect(
      await revertName(
        send(chain, alice, { ...bank, functionName: 'registerRecord', args: ['c', freshHash(), 'x', ''] }),
      ),
    ).toBe('EnforcedPause');
    await send(chain, gov, { ...bank, functionName: 'reactivate' });
    await register(alice);
  });

  it('upgrades through the proxy by governance only, keeping state', async () => {
    const count = await read<bigint>('recordCount');
    const hash = await chain.wallet(gov).deployContract({ abi: lifeBankAbi, bytecode: lifeBankBytecode });
    const implementation = (await chain.publicClient.waitForTransactionReceipt({ hash })).contractAddress!;
    expect(
      await revertName(
        send(chain, alice, { ...bank, functionName: 'upgradeToAndCall', args: [implementation, '0x'] }),
      ),
    ).toBe('OwnableUnauthorizedAccount');
    await send(chain, gov, { ...bank, functionName: 'upgradeToAndCall', args: [implementation, '0x'] });
    expect(await read<bigint>('recordCount')).toBe(count);
    // The implementation itself cannot be initialized by anyone.
    expect(
      await revertName(
        send(chain, alice, {
          address: implementation,
          abi: lifeBankAbi,
          functionName: 'initialize',
          args: [alice.address, alice.address, 0n, 0n],
        }),
      ),
    ).toBe('InvalidInitialization');
  });

  it('refuses re-entry from the token on every function that moves tokens', async () => {
    const { token: hostile, proxy } = await deployWithHostileToken(
      chain,
      gov,
      lifeBankAbi as never,
      lifeBankBytecode,
      (t) => [gov.address, t, 1n, 10n ** 24n],
    );
    const hb = { address: proxy, abi: lifeBankAbi };
    const call = (functionName: string, args: unknown[]) =>
      encodeFunctionData({ abi: lifeBankAbi, functionName, args } as never);
    const expectGuarded = async (from: Account, functionName: string, args: unknown[], reenter: Hex) => {
      await arm(chain, gov, hostile, proxy, reenter);
      expect(await revertName(send(chain, from, { ...hb, functionName, args }))).toBe(
        'ReentrancyGuardReentrantCall',
      );
      await arm(chain, gov, hostile, '0x0000000000000000000000000000000000000000', '0x');
    };
    const registerArgs = (n: number) => [`c${n}`, keccak256(stringToBytes(`hostile-${n}`)), 'lab', ''];
    // registerRecord mints the reward: the token re-enters registerRecord.
    await expectGuarded(alice, 'registerRecord', registerArgs(1), call('registerRecord', registerArgs(2)));
    await send(chain, alice, { ...hb, functionName: 'registerRecord', args: registerArgs(3) });
    const id = 1n;

    await send(chain, gov, {
      address: hostile,
      abi: reentrantTokenAbi,
      functionName: 'mint',
      args: [bob.address, 100n],
    });
    await send(chain, bob, {
      address: hostile,
      abi: reentrantTokenAbi,
      functionName: 'approve',
      args: [proxy, 100n],
    });
    const requestArgs = async () => [
      alice.address,
      scope(Record, [id]),
      'r',
      10n,
      60n,
      (await now()) + 3600n,
    ];
    // requestAccess pulls the escrow: the token re-enters requestAccess.
    await expectGuarded(
      bob,
      'requestAccess',
      await requestArgs(),
      call('requestAccess', await requestArgs()),
    );
    for (let i = 0; i < 3; i++)
      await send(chain, bob, { ...hb, functionName: 'requestAccess', args: await requestArgs() });
    // approve pays the owner: the token re-enters withdrawRequest of the same request (a double payout).
    await expectGuarded(alice, 'approveRequest', [1n, 'k'], call('withdrawRequest', [1n]));
    await expectGuarded(alice, 'denyRequest', [2n], call('withdrawRequest', [2n]));
    await expectGuarded(bob, 'withdrawRequest', [3n], call('withdrawRequest', [3n]));
    // Unarmed, the same calls go through.
    await send(chain, alice, { ...hb, functionName: 'approveRequest', args: [1n, 'k'] });
    await send(chain, alice, { ...hb, functionName: 'denyRequest', args: [2n] });
    await send(chain, bob, { ...hb, functionName: 'withdrawRequest', args: [3n] });
  });
});
