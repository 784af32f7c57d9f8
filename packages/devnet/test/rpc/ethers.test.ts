import { aidTokenAbi } from '@aidoc/contracts';
import { type Devnet, startDevnet } from '@aidoc/devnet';
import {
  type BaseContract,
  Contract,
  ContractFactory,
  type ContractTransactionResponse,
  isCallException,
  JsonRpcProvider,
  parseEther,
  Wallet,
  WebSocketProvider,
} from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileProbe } from './fixtures/probeContract';

// ethers types contract methods only through typechain; the tests call them by name.
// biome-ignore lint/suspicious/noExplicitAny: dynamic ethers contract methods
type ProbeContract = BaseContract & Record<string, any>;

describe('ethers v6 drives the devnet', () => {
  let devnet: Devnet;
  let provider: JsonRpcProvider;
  let wallet: Wallet;
  let probe: ProbeContract;
  let probeAddress: string;
  const { abi, bytecode } = compileProbe();

  beforeAll(async () => {
    devnet = await startDevnet({ port: 0 });
    provider = new JsonRpcProvider(devnet.rpcUrl, 31337, {
      staticNetwork: true,
      pollingInterval: 50,
      // ethers caches identical requests for 250 ms by default, so back-to-back sends would reuse a stale
      // pending nonce on any instant-mining node (Anvil and Hardhat too): turn the cache off.
      cacheTimeout: -1,
    });
    wallet = new Wallet(devnet.accounts[0]!.privateKey, provider);
  });

  afterAll(async () => {
    provider?.destroy();
    await devnet?.stop();
  });

  it('deploys a contract and waits for it', async () => {
    const factory = new ContractFactory(abi as never, bytecode, wallet);
    const deployed = (await factory.deploy(7n)) as ProbeContract;
    await deployed.waitForDeployment();
    probeAddress = await deployed.getAddress();
    const receipt = await deployed.deploymentTransaction()!.wait();
    expect(receipt?.status).toBe(1);
    expect(receipt?.contractAddress).toBe(probeAddress);
    expect((await provider.getCode(probeAddress)).length).toBeGreaterThan(2);
    probe = deployed;
  });

  it('calls a view function', async () => {
    expect(await probe.value()).toBe(7n);
    const token = new Contract(devnet.contracts.AidToken!, aidTokenAbi as never, provider) as ProbeContract;
    expect(await token.symbol()).toBe('AID');
    expect(await token.balanceOf(wallet.address)).toBe(parseEther('10000'));
  });

  it('sends a contract transaction, waits, and parses its event', async () => {
    const tx = (await probe.poke(42n, 'hello')) as ContractTransactionResponse;
    const receipt = await tx.wait();
    expect(receipt?.status).toBe(1);
    expect(receipt?.blockNumber).toBe(await provider.getBlockNumber());
    const parsed = receipt!.logs.map((l) => probe.interface.parseLog(l));
    expect(parsed[0]?.name).toBe('Poked');
    expect(parsed[0]?.args.toArray()).toEqual([wallet.address, 42n, 'hello']);
    expect(await probe.value()).toBe(42n);
    expect(await probe.pokes(wallet.address)).toBe(1n);
  });

  it('sends value and the balances follow', async () => {
    const to = Wallet.createRandom().address;
    const before = await provider.getBalance(wallet.address);
    const tx = await wallet.sendTransaction({ to, value: parseEther('0.25') });
    const receipt = await tx.wait();
    expect(receipt?.status).toBe(1);
    expect(await provider.getBalance(to)).toBe(parseEther('0.25'));
    expect(await provider.getBalance(wallet.address)).toBe(before - parseEther('0.25') - receipt!.fee);
    expect(await provider.getTransactionCount(wallet.address)).toBe(tx.nonce + 1);
  });

  it('contract.on over WebSocketProvider receives an event', async () => {
    const ws = new WebSocketProvider(devnet.wsUrl, 31337, { staticNetwork: true, cacheTimeout: -1 });
    try {
      const listening = new Contract(probeAddress, abi as never, ws) as ProbeContract;
      const got = new Promise<[string, bigint, string]>((resolve) => {
        void listening.on('Poked', (by: string, value: bigint, note: string) => resolve([by, value, note]));
      });
      // ethers installs the eth_subscribe asynchronously; wait until the subscription exists.
      for (let i = 0; i < 100 && (await listening.listenerCount('Poked')) === 0; i++)
        await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 100));
      const tx = (await probe.poke(99n, 'over ws')) as ContractTransactionResponse;
      await tx.wait();
      expect(await got).toEqual([wallet.address, 99n, 'over ws']);
      await listening.removeAllListeners();
    } finally {
      await ws.destroy();
    }
  });

  describe('revert errors decode through ethers', () => {
    const caught = async (p: Promise<unknown>) => {
      try {
        await p;
      } catch (e) {
        return e;
      }
      throw new Error('expected a revert');
    };

    it('custom error from eth_call (staticCall)', async () => {
      const e = await caught(probe.failCustom.staticCall(5n));
      expect(isCallException(e)).toBe(true);
      if (!isCallException(e)) return;
      expect(e.data).toMatch(/^0x/);
      expect(e.revert?.name).toBe('Unauthorized');
      expect(Array.from(e.revert?.args ?? [])).toEqual([wallet.address, 5n]);
    });

    it('Error(string) from eth_call and from gas estimation of a send', async () => {
      const e = await caught(probe.failRequire.staticCall(1n));
      expect(isCallException(e)).toBe(true);
      if (!isCallException(e)) return;
      expect(e.reason).toBe('Probe: value must be zero');
      expect(e.revert?.name).toBe('Error');
      const sent = await caught(probe.failRequire(1n));
      expect(isCallException(sent)).toBe(true);
      if (!isCallException(sent)) return;
      expect(sent.reason).toBe('Probe: value must be zero');
    });

    it('panics: division by zero (0x12) and assert (0x01)', async () => {
      const div = await caught(probe.failDivide.staticCall(0n));
      expect(isCallException(div)).toBe(true);
      if (!isCallException(div)) return;
      expect(div.revert?.name).toBe('Panic');
      expect(Array.from(div.revert?.args ?? [], BigInt)).toEqual([0x12n]);
      expect(div.reason).toBe('Panic due to DIVIDE_BY_ZERO(18)');
      const asserted = await caught(probe.failAssert.estimateGas());
      expect(isCallException(asserted)).toBe(true);
      if (!isCallException(asserted)) return;
      expect(asserted.revert?.name).toBe('Panic');
      expect(Array.from(asserted.revert?.args ?? [], BigInt)).toEqual([0x01n]);
    });

    it('a mined reverting transaction fails wait() with status 0 and changes no state', async () => {
      const before = await probe.value();
      const tx = (await probe.failCustom(77n, { gasLimit: 200_000n })) as ContractTransactionResponse;
      const e = await caught(tx.wait());
      expect(isCallException(e)).toBe(true);
      if (!isCallException(e)) return;
      expect(e.receipt?.status).toBe(0);
      expect(await probe.value()).toBe(before);
    });
  });
});
