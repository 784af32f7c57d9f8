import { type Devnet, startDevnet } from '@aidoc/devnet';
import {
  type Address,
  createPublicClient,
  custom,
  encodeDeployData,
  encodeFunctionData,
  type Hex,
  parseEther,
  toFunctionSelector,
} from 'viem';
import { foundry } from 'viem/chains';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileProbe } from './fixtures/probeContract';

const { abi, bytecode } = compileProbe();

type Block = { number: Hex; hash: Hex; timestamp: Hex; transactions: (Hex | { hash: Hex })[] };
type Receipt = {
  transactionHash: Hex;
  status: Hex;
  blockNumber: Hex;
  contractAddress: Address | null;
  from: Address;
};

describe('dev methods (Anvil / Hardhat vocabulary)', () => {
  let devnet: Devnet;
  let rpc: <T = unknown>(method: string, ...params: unknown[]) => Promise<T>;
  let client: ReturnType<typeof createPublicClient>;
  let me: Address;
  let probe: Address;
  let probe2: Address;

  const send = async (tx: Record<string, unknown>): Promise<Receipt> => {
    const hash = await rpc<Hex>('eth_sendTransaction', { from: me, ...tx });
    const r = await rpc<Receipt | null>('eth_getTransactionReceipt', hash);
    if (!r) throw new Error(`no receipt for ${hash}`);
    return r;
  };
  const head = async () => BigInt(await rpc<Hex>('eth_blockNumber'));
  const latest = () => rpc<Block>('eth_getBlockByNumber', 'latest', false);
  const hex = (n: bigint | number) => `0x${n.toString(16)}`;

  beforeAll(async () => {
    devnet = await startDevnet({ port: 0 });
    rpc = (method, ...params) => devnet.provider.request({ method, params }) as never;
    client = createPublicClient({ chain: foundry, transport: custom(devnet.provider) });
    me = devnet.accounts[0]!.address;
    probe = (await send({ data: encodeDeployData({ abi, bytecode, args: [1n] }) })).contractAddress!;
    probe2 = (await send({ data: encodeDeployData({ abi, bytecode, args: [2n] }) })).contractAddress!;
  });

  afterAll(async () => {
    await devnet?.stop();
  });

  it('evm_snapshot / evm_revert undo blocks, transactions and state edits made after the snapshot', async () => {
    const other = '0x0000000000000000000000000000000000005a5a' as Address;
    const before = {
      head: await head(),
      nonce: await client.getTransactionCount({ address: me }),
      value: await client.readContract({ address: probe, abi, functionName: 'value' }),
    };
    const id = await rpc<Hex>('evm_snapshot');
    const r = await send({
      to: probe,
      data: encodeFunctionData({ abi, functionName: 'poke', args: [555n, 'after snapshot'] }),
    });
    await rpc('anvil_setBalance', other, hex(parseEther('3')));
    await rpc('evm_mine');
    expect(await client.getBalance({ address: other })).toBe(parseEther('3'));
    expect(await head()).toBe(before.head + 2n);

    expect(await rpc('evm_revert', id)).toBe(true);
    expect(await head()).toBe(before.head);
    expect(await client.getBalance({ address: other })).toBe(0n);
    expect(await client.getTransactionCount({ address: me })).toBe(before.nonce);
    expect(await client.readContract({ address: probe, abi, functionName: 'value' })).toBe(before.value);
    expect(await rpc('eth_getBlockByNumber', hex(before.head + 1n), false)).toBeNull();
    expect(await rpc('eth_getTransactionReceipt', r.transactionHash)).toBeNull();
    // A snapshot is consumed by reverting to it (Anvil / Hardhat semantics).
    expect(await rpc('evm_revert', id)).toBe(false);
    // The chain moves on normally afterwards.
    const again = await send({ to: other, value: hex(1n) });
    expect(BigInt(again.blockNumber)).toBe(before.head + 1n);
  });

  it('evm_revert drops the reverted transaction itself', async () => {
    const id = await rpc<Hex>('evm_snapshot');
    const hash = await rpc<Hex>('eth_sendTransaction', {
      from: me,
      to: probe2,
      value: '0x0',
      data: encodeFunctionData({ abi, functionName: 'poke', args: [9n, 'x'] }),
    });
    expect(await rpc('eth_getTransactionReceipt', hash)).not.toBeNull();
    expect(await rpc('evm_revert', id)).toBe(true);
    expect(await rpc('eth_getTransactionReceipt', hash)).toBeNull();
    expect(await rpc('eth_getTransactionByHash', hash)).toBeNull();
  });

  it('evm_mine with a timestamp, evm_setNextBlockTimestamp and evm_increaseTime move chain time', async () => {
    const t0 = BigInt((await latest()).timestamp);
    await rpc('evm_mine', hex(t0 + 100n));
    expect(BigInt((await latest()).timestamp)).toBe(t0 + 100n);

    await rpc('evm_setNextBlockTimestamp', hex(t0 + 1000n));
    const r = await send({ to: devnet.accounts[3]!.address, value: '0x1' });
    const b = await rpc<Block>('eth_getBlockByNumber', r.blockNumber, false);
    expect(BigInt(b.timestamp)).toBe(t0 + 1000n);
    // A timestamp not after the latest block is refused.
    await expect(rpc('evm_setNextBlockTimestamp', hex(t0))).rejects.toMatchObject({ code: -32602 });

    const t1 = BigInt((await latest()).timestamp);
    await rpc('evm_increaseTime', 3600);
    await rpc('evm_mine');
    const t2 = BigInt((await latest()).timestamp);
    expect(t2).toBeGreaterThanOrEqual(t1 + 3600n);
    // Only the explicit jump plus wall-clock drift: far below a second jump.
    expect(t2).toBeLessThan(t1 + 7200n);
    // block.timestamp inside the EVM follows.
    const inEvm = await client.getBlock();
    expect(inEvm.timestamp).toBe(t2);
  });

  it('anvil_setBalance, anvil_setCode, anvil_setNonce and anvil_setStorageAt edit state', async () => {
    const target = '0x00000000000000000000000000000000000c0de1' as Address;
    await rpc('anvil_setBalance', target, hex(parseEther('42')));
    expect(await client.getBalance({ address: target })).toBe(parseEther('42'));
    await rpc('hardhat_setBalance', target, hex(7n));
    expect(await client.getBalance({ address: target })).toBe(7n);

    await rpc('anvil_setNonce', target, hex(17n));
    expect(await client.getTransactionCount({ address: target })).toBe(17);

    const runtime = await client.getCode({ address: probe });
    await rpc('anvil_setCode', target, runtime);
    expect(await client.getCode({ address: target })).toBe(runtime);
    expect(await client.readContract({ address: target, abi, functionName: 'value' })).toBe(0n);

    await rpc('anvil_setStorageAt', target, hex(0n), `0x${123456n.toString(16).padStart(64, '0')}`);
    expect(await client.getStorageAt({ address: target, slot: '0x0' })).toBe(
      `0x${123456n.toString(16).padStart(64, '0')}`,
    );
    expect(await client.readContract({ address: target, abi, functionName: 'value' })).toBe(123456n);
    // The edited contract works for transactions too.
    const r = await send({
      to: target,
      data: encodeFunctionData({ abi, functionName: 'poke', args: [8n, 'edited'] }),
    });
    expect(r.status).toBe('0x1');
    expect(await client.readContract({ address: target, abi, functionName: 'value' })).toBe(8n);
  });

  it('impersonation: eth_sendTransaction from a non-dev address, refused after stopping', async () => {
    const whale = '0x000000000000000000000000000000000000wa1e'.replace('wa1e', 'a1e5') as Address;
    await rpc('anvil_setBalance', whale, hex(parseEther('5')));
    await expect(rpc('eth_sendTransaction', { from: whale, to: me, value: hex(1n) })).rejects.toBeDefined();
    await rpc('anvil_impersonateAccount', whale);
    const hash = await rpc<Hex>('eth_sendTransaction', {
      from: whale,
      to: probe,
      data: encodeFunctionData({ abi, functionName: 'poke', args: [31n, 'impersonated'] }),
    });
    const r = await rpc<Receipt>('eth_getTransactionReceipt', hash);
    expect(r.status).toBe('0x1');
    expect(r.from.toLowerCase()).toBe(whale.toLowerCase());
    expect(await client.readContract({ address: probe, abi, functionName: 'pokes', args: [whale] })).toBe(1n);
    expect(await client.getTransactionCount({ address: whale })).toBe(1);
    await rpc('anvil_stopImpersonatingAccount', whale);
    await expect(rpc('eth_sendTransaction', { from: whale, to: me, value: hex(1n) })).rejects.toBeDefined();
  });

  it('evm_setAutomine(false) keeps transactions pending until evm_mine includes them in one block, in nonce order', async () => {
    await rpc('evm_setAutomine', false);
    try {
      expect(await rpc('anvil_getAutomine')).toBe(false);
      const start = await head();
      const nonce = await client.getTransactionCount({ address: me });
      const hashes: Hex[] = [];
      for (let i = 0; i < 3; i++) {
        hashes.push(
          await rpc<Hex>('eth_sendTransaction', {
            from: me,
            to: probe,
            data: encodeFunctionData({ abi, functionName: 'poke', args: [BigInt(100 + i), `pending ${i}`] }),
          }),
        );
      }
      expect(await head()).toBe(start);
      for (const h of hashes) expect(await rpc('eth_getTransactionReceipt', h)).toBeNull();
      expect(await client.getTransactionCount({ address: me, blockTag: 'pending' })).toBe(nonce + 3);
      expect(await client.getTransactionCount({ address: me })).toBe(nonce);
      const pool = await rpc<{ pending: Hex }>('txpool_status');
      expect(BigInt(pool.pending)).toBe(3n);

      await rpc('evm_mine');
      expect(await head()).toBe(start + 1n);
      const block = await rpc<Block>('eth_getBlockByNumber', 'latest', false);
      expect(block.transactions).toEqual(hashes);
      for (const h of hashes) expect((await rpc<Receipt>('eth_getTransactionReceipt', h)).status).toBe('0x1');
      expect(await client.readContract({ address: probe, abi, functionName: 'value' })).toBe(102n);
    } finally {
      await rpc('evm_setAutomine', true);
    }
  });

  it('debug_traceTransaction: struct logs end in the right op; callTracer shows the nested call', async () => {
    const ok = await send({
      to: probe,
      data: encodeFunctionData({ abi, functionName: 'poke', args: [5n, 'trace'] }),
    });
    const okHash = (await rpc<{ transactions: Hex[] }>('eth_getBlockByNumber', ok.blockNumber, false))
      .transactions[0]!;
    const okTrace = await rpc<{ failed: boolean; gas: number; structLogs: { op: string; depth: number }[] }>(
      'debug_traceTransaction',
      okHash,
    );
    expect(okTrace.failed).toBe(false);
    expect(okTrace.structLogs.at(-1)?.op).toBe('RETURN');
    expect(okTrace.structLogs.some((l) => l.op === 'SSTORE')).toBe(true);
    expect(okTrace.structLogs.some((l) => l.op === 'LOG3')).toBe(true);
    expect(okTrace.gas).toBe(
      Number(BigInt((await rpc<{ gasUsed: Hex }>('eth_getTransactionReceipt', okHash)).gasUsed)),
    );

    const bad = await send({
      to: probe,
      gas: hex(200_000n),
      data: encodeFunctionData({ abi, functionName: 'failRequire', args: [1n] }),
    });
    expect(bad.status).toBe('0x0');
    const badHash = (await rpc<{ transactions: Hex[] }>('eth_getBlockByNumber', bad.blockNumber, false))
      .transactions[0]!;
    const badTrace = await rpc<{ failed: boolean; structLogs: { op: string }[] }>(
      'debug_traceTransaction',
      badHash,
    );
    expect(badTrace.failed).toBe(true);
    expect(badTrace.structLogs.at(-1)?.op).toBe('REVERT');

    const nested = await send({
      to: probe,
      data: encodeFunctionData({ abi, functionName: 'pokeOther', args: [probe2, 77n] }),
    });
    const nestedHash = (await rpc<{ transactions: Hex[] }>('eth_getBlockByNumber', nested.blockNumber, false))
      .transactions[0]!;
    const frames = await rpc<{
      type: string;
      from: string;
      to: string;
      input: string;
      calls?: { type: string; from: string; to: string; input: string }[];
    }>('debug_traceTransaction', nestedHash, { tracer: 'callTracer' });
    expect(frames.type).toBe('CALL');
    expect(BigInt((frames as unknown as { gasUsed: Hex }).gasUsed)).toBe(
      BigInt((await rpc<{ gasUsed: Hex }>('eth_getTransactionReceipt', nestedHash)).gasUsed),
    );
    expect(frames.from.toLowerCase()).toBe(me.toLowerCase());
    expect(frames.to.toLowerCase()).toBe(probe.toLowerCase());
    expect(frames.calls).toHaveLength(1);
    expect(frames.calls![0]!.type).toBe('CALL');
    expect(frames.calls![0]!.from.toLowerCase()).toBe(probe.toLowerCase());
    expect(frames.calls![0]!.to.toLowerCase()).toBe(probe2.toLowerCase());
    expect(frames.calls![0]!.input.slice(0, 10)).toBe(toFunctionSelector('poke(uint256,string)'));
  });

  it('eth_getBlockByNumber("finalized" / "safe") returns a committed block', async () => {
    const tip = await latest();
    for (const tag of ['finalized', 'safe'] as const) {
      const b = await rpc<Block | null>('eth_getBlockByNumber', tag, false);
      expect(b, tag).not.toBeNull();
      expect(BigInt(b!.number)).toBeLessThanOrEqual(BigInt(tip.number));
      const same = await rpc<Block>('eth_getBlockByNumber', b!.number, false);
      expect(same.hash).toBe(b!.hash);
    }
  });

  it('historical state: eth_getBalance, eth_call and eth_getStorageAt at an older block', async () => {
    const who = '0x0000000000000000000000000000000000001157' as Address;
    await send({ to: who, value: hex(1000n) });
    const old = await head();
    const oldValue = (await client.readContract({ address: probe, abi, functionName: 'value' })) as bigint;
    await send({ to: who, value: hex(234n) });
    await send({
      to: probe,
      data: encodeFunctionData({ abi, functionName: 'poke', args: [oldValue + 1n, 'later'] }),
    });
    expect(await client.getBalance({ address: who })).toBe(1234n);
    expect(await client.getBalance({ address: who, blockNumber: old })).toBe(1000n);
    expect(await client.getBalance({ address: who, blockNumber: old - 1n })).toBe(0n);
    expect(await client.readContract({ address: probe, abi, functionName: 'value', blockNumber: old })).toBe(
      oldValue,
    );
    expect(await client.readContract({ address: probe, abi, functionName: 'value' })).toBe(oldValue + 1n);
    expect(BigInt((await client.getStorageAt({ address: probe, slot: '0x0', blockNumber: old }))!)).toBe(
      oldValue,
    );
    expect(await client.getTransactionCount({ address: me, blockNumber: old })).toBe(
      (await client.getTransactionCount({ address: me })) - 2,
    );
  });

  it('EIP-1193 provider emits `message` events for eth_subscribe (newHeads, logs) until eth_unsubscribe', async () => {
    const messages: {
      type: string;
      data: { subscription: Hex; result: { number: Hex; address: Hex; topics: Hex[] } };
    }[] = [];
    const onMessage = (m: unknown) => messages.push(m as never);
    devnet.provider.on('message', onMessage);
    try {
      const heads = await rpc<Hex>('eth_subscribe', 'newHeads');
      const logs = await rpc<Hex>('eth_subscribe', 'logs', { address: probe2 });
      const r = await send({
        to: probe2,
        data: encodeFunctionData({ abi, functionName: 'poke', args: [64n, 'subscribed'] }),
      });
      const headMsgs = messages.filter((m) => m.data.subscription === heads);
      expect(headMsgs.length).toBeGreaterThanOrEqual(1);
      expect(headMsgs.every((m) => m.type === 'eth_subscription')).toBe(true);
      expect(headMsgs.at(-1)!.data.result.number).toBe(r.blockNumber);
      const logMsgs = messages.filter((m) => m.data.subscription === logs);
      expect(logMsgs).toHaveLength(1);
      const logResult = logMsgs[0]?.data.result;
      expect(logResult?.address.toLowerCase()).toBe(probe2.toLowerCase());
      expect(BigInt(logResult?.topics[2] ?? '0x0')).toBe(64n);

      expect(await rpc('eth_unsubscribe', heads)).toBe(true);
      expect(await rpc('eth_unsubscribe', heads)).toBe(false);
      const count = messages.filter((m) => m.data.subscription === heads).length;
      await rpc('evm_mine');
      await send({
        to: probe2,
        data: encodeFunctionData({ abi, functionName: 'poke', args: [65n, 'still'] }),
      });
      // The logs subscription still delivers, the unsubscribed heads one no longer does.
      expect(messages.filter((m) => m.data.subscription === logs)).toHaveLength(2);
      expect(messages.filter((m) => m.data.subscription === heads)).toHaveLength(count);
      await rpc('eth_unsubscribe', logs);
    } finally {
      devnet.provider.removeListener('message', onMessage);
    }
  });
});

describe('interval mining (blockTime: 1)', () => {
  let devnet: Devnet;

  beforeAll(async () => {
    devnet = await startDevnet({ port: 0, blockTime: 1 });
  });

  afterAll(async () => {
    await devnet?.stop();
  });

  it('produces empty blocks in order without transactions, and includes a sent transaction in a later block', async () => {
    const seen: { number: bigint; transactions: number; timestamp: bigint }[] = [];
    const start = BigInt((await devnet.provider.request({ method: 'eth_blockNumber' })) as string);
    await new Promise<void>((resolve) => {
      const off = devnet.onBlock((b) => {
        seen.push({ number: b.number, transactions: b.transactions, timestamp: b.timestamp });
        if (seen.length >= 2) {
          off();
          resolve();
        }
      });
    });
    expect(seen[0]!.number).toBeGreaterThan(start);
    expect(seen[1]!.number).toBe(seen[0]!.number + 1n);
    expect(seen.every((b) => b.transactions === 0)).toBe(true);
    expect(seen[1]!.timestamp).toBeGreaterThan(seen[0]!.timestamp);
    expect(await devnet.provider.request({ method: 'anvil_getAutomine' })).toBe(false);

    const before = BigInt((await devnet.provider.request({ method: 'eth_blockNumber' })) as string);
    const hash = (await devnet.provider.request({
      method: 'eth_sendTransaction',
      params: [{ from: devnet.accounts[0]!.address, to: devnet.accounts[1]!.address, value: '0x1' }],
    })) as Hex;
    let receipt: Receipt | null = null;
    while (!receipt) {
      receipt = (await devnet.provider.request({
        method: 'eth_getTransactionReceipt',
        params: [hash],
      })) as Receipt | null;
      if (!receipt) await new Promise<void>((r) => devnet.onBlock(() => r()));
    }
    expect(receipt.status).toBe('0x1');
    expect(BigInt(receipt.blockNumber)).toBeGreaterThan(before);
  });
});
