import { aidTokenAbi } from '@aidoc/contracts';
import { type Devnet, startDevnet } from '@aidoc/devnet';
import {
  type Abi,
  type Address,
  BaseError,
  ContractFunctionRevertedError,
  createPublicClient,
  createWalletClient,
  custom,
  getAddress,
  type Hex,
  http,
  type PublicClient,
  parseEther,
  type Transport,
  webSocket,
} from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { foundry } from 'viem/chains';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileProbe } from './fixtures/probeContract';

const { abi, bytecode } = compileProbe();

/** Walks viem's error chain to the ContractFunctionRevertedError, as viem's docs recommend. */
async function revertOf(p: Promise<unknown>): Promise<ContractFunctionRevertedError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(BaseError);
    const reverted = (e as BaseError).walk((x) => x instanceof ContractFunctionRevertedError);
    expect(reverted, String(e)).toBeInstanceOf(ContractFunctionRevertedError);
    return reverted as ContractFunctionRevertedError;
  }
  throw new Error('expected a revert');
}

describe('viem drives the devnet', () => {
  let devnet: Devnet;

  beforeAll(async () => {
    devnet = await startDevnet({ port: 0 });
  });

  afterAll(async () => {
    await devnet?.stop();
  });

  // The same flow over HTTP with a local (private key) account, and in process over the EIP-1193
  // provider with a JSON-RPC account (the devnet signs with its unlocked dev key via eth_sendTransaction).
  const transports: { name: string; transport: () => Transport; local: boolean; accountIndex: number }[] = [
    { name: 'http', transport: () => http(devnet.rpcUrl), local: true, accountIndex: 0 },
    // Default transport options: the provider's errors must not trigger viem's retries (see the test below).
    {
      name: 'custom(devnet.provider)',
      transport: () => custom(devnet.provider),
      local: false,
      accountIndex: 1,
    },
  ];

  for (const t of transports) {
    describe(`public + wallet client over ${t.name}`, () => {
      let publicClient: PublicClient;
      let wallet: ReturnType<typeof createWalletClient>;
      let from: Address;
      let probe: Address;

      beforeAll(() => {
        const dev = devnet.accounts[t.accountIndex]!;
        from = dev.address;
        publicClient = createPublicClient({ chain: foundry, transport: t.transport(), pollingInterval: 50 });
        wallet = createWalletClient({
          chain: foundry,
          transport: t.transport(),
          account: t.local ? privateKeyToAccount(dev.privateKey) : dev.address,
        });
      });

      it('reads chain basics', async () => {
        expect(await publicClient.getChainId()).toBe(31337);
        expect(
          await publicClient.readContract({
            address: devnet.contracts.AidToken!,
            abi: aidTokenAbi,
            functionName: 'decimals',
          }),
        ).toBe(18);
        if (!t.local)
          expect((await wallet.getAddresses()).map((a) => a.toLowerCase())).toContain(from.toLowerCase());
      });

      it('deploys, reads, writes and waits for receipts', async () => {
        const hash = await wallet.deployContract({
          abi,
          bytecode,
          args: [3n],
          account: wallet.account!,
          chain: foundry,
        });
        const receipt = await publicClient.waitForTransactionReceipt({ hash });
        expect(receipt.status).toBe('success');
        expect(receipt.from.toLowerCase()).toBe(from.toLowerCase());
        probe = receipt.contractAddress!;
        expect(await publicClient.readContract({ address: probe, abi, functionName: 'value' })).toBe(3n);

        const { request, result } = await publicClient.simulateContract({
          address: probe,
          abi,
          functionName: 'poke',
          args: [11n, 'viem'],
          account: wallet.account!,
        });
        expect(result).toBe(11n);
        const writeHash = await wallet.writeContract(request);
        const w = await publicClient.waitForTransactionReceipt({ hash: writeHash });
        expect(w.status).toBe('success');
        expect(w.logs).toHaveLength(1);
        expect(await publicClient.readContract({ address: probe, abi, functionName: 'value' })).toBe(11n);
        expect(
          await publicClient.readContract({ address: probe, abi, functionName: 'pokes', args: [from] }),
        ).toBe(1n);
        const tx = await publicClient.getTransaction({ hash: writeHash });
        expect(tx.blockNumber).toBe(w.blockNumber);
        expect(await publicClient.getTransactionCount({ address: from })).toBe(tx.nonce + 1);
      });

      it('sends value', async () => {
        const to = privateKeyToAccount(`0x${'ab'.repeat(31)}${t.local ? '01' : '02'}` as Hex).address;
        const hash = await wallet.sendTransaction({
          to,
          value: parseEther('0.5'),
          account: wallet.account!,
          chain: foundry,
        });
        const r = await publicClient.waitForTransactionReceipt({ hash });
        expect(r.status).toBe('success');
        expect(await publicClient.getBalance({ address: to })).toBe(parseEther('0.5'));
      });

      it('decodes reverts: custom error, Error(string), panics', async () => {
        const custom = await revertOf(
          publicClient.simulateContract({
            address: probe,
            abi,
            functionName: 'failCustom',
            args: [9n],
            account: from,
          }),
        );
        expect(custom.data?.errorName).toBe('Unauthorized');
        expect(custom.data?.args).toEqual([getAddress(from), 9n]);

        const req = await revertOf(
          publicClient.simulateContract({
            address: probe,
            abi,
            functionName: 'failRequire',
            args: [1n],
            account: from,
          }),
        );
        expect(req.data?.errorName).toBe('Error');
        expect(req.reason).toBe('Probe: value must be zero');

        const div = await revertOf(
          publicClient.readContract({ address: probe, abi, functionName: 'failDivide', args: [0n] }),
        );
        expect(div.data?.errorName).toBe('Panic');
        expect(div.data?.args).toEqual([18n]);
        expect(div.reason).toBe('Division or modulo by zero (e.g. `5 / 0` or `23 % 0`).');

        const asserted = await revertOf(
          publicClient.estimateContractGas({
            address: probe,
            abi,
            functionName: 'failAssert',
            account: from,
          }),
        );
        expect(asserted.data?.errorName).toBe('Panic');
        expect(asserted.data?.args).toEqual([1n]);

        // writeContract estimates gas first; the revert surfaces decoded before anything is sent.
        const nonce = await publicClient.getTransactionCount({ address: from });
        const written = await revertOf(
          wallet.writeContract({
            address: probe,
            abi,
            functionName: 'failCustom',
            args: [4n],
            account: wallet.account!,
            chain: foundry,
          }),
        );
        expect(written.data?.errorName).toBe('Unauthorized');
        expect(await publicClient.getTransactionCount({ address: from })).toBe(nonce);
      });
    });
  }

  it('a revert through custom(devnet.provider) reaches the provider once: viem does not retry it', async () => {
    // viem retries errors it does not recognise (UnknownRpcError, code -1) up to 3 times; an EIP-1193 error
    // that viem classifies (code 3, execution reverted) must go through exactly once.
    const calls: string[] = [];
    const counting = {
      request: (args: { method: string; params?: unknown[] }) => {
        calls.push(args.method);
        return devnet.provider.request(args);
      },
    };
    const client = createPublicClient({ chain: foundry, transport: custom(counting) });
    const deployer = createWalletClient({
      chain: foundry,
      transport: http(devnet.rpcUrl),
      account: privateKeyToAccount(devnet.accounts[3]!.privateKey),
    });
    const hash = await deployer.deployContract({
      abi,
      bytecode,
      args: [0n],
      account: deployer.account,
      chain: foundry,
    });
    const probe = (
      await createPublicClient({ chain: foundry, transport: http(devnet.rpcUrl) }).waitForTransactionReceipt({
        hash,
      })
    ).contractAddress!;
    const reverted = await revertOf(
      client.readContract({ address: probe, abi, functionName: 'failDivide', args: [0n] }),
    );
    expect(reverted.data?.errorName).toBe('Panic');
    expect(calls.filter((m) => m === 'eth_call')).toHaveLength(1);
  });

  describe('events, logs, fees and filters', () => {
    let publicClient: PublicClient;
    let wallet: ReturnType<typeof createWalletClient>;
    let probe: Address;
    const account = () => privateKeyToAccount(devnet.accounts[2]!.privateKey);

    const poke = async (v: bigint, note: string) => {
      const hash = await wallet.writeContract({
        address: probe,
        abi,
        functionName: 'poke',
        args: [v, note],
        account: account(),
        chain: foundry,
      });
      return publicClient.waitForTransactionReceipt({ hash });
    };

    beforeAll(async () => {
      publicClient = createPublicClient({
        chain: foundry,
        transport: http(devnet.rpcUrl),
        pollingInterval: 50,
      });
      wallet = createWalletClient({ chain: foundry, transport: http(devnet.rpcUrl), account: account() });
      const hash = await wallet.deployContract({
        abi,
        bytecode,
        args: [0n],
        account: account(),
        chain: foundry,
      });
      probe = (await publicClient.waitForTransactionReceipt({ hash })).contractAddress!;
    });

    it('watchContractEvent over the webSocket transport delivers a decoded event', async () => {
      const wsClient = createPublicClient({ chain: foundry, transport: webSocket(devnet.wsUrl) });
      try {
        let subscribed!: () => void;
        const ready = new Promise<void>((r) => {
          subscribed = r;
        });
        const got = new Promise<{ args: unknown; eventName: string }>((resolve, reject) => {
          const unwatch = wsClient.watchContractEvent({
            address: probe,
            abi: abi as Abi,
            eventName: 'Poked',
            onLogs: (logs) => {
              unwatch();
              resolve(logs[0] as never);
            },
            onError: reject,
          });
          // viem subscribes with eth_subscribe("logs") asynchronously; wait for the socket's subscription.
          void (async () => {
            const socket = await (
              wsClient.transport as { getRpcClient(): Promise<{ subscriptions: Map<unknown, unknown> }> }
            ).getRpcClient();
            for (let i = 0; i < 200 && socket.subscriptions.size === 0; i++)
              await new Promise((r) => setTimeout(r, 10));
            subscribed();
          })();
        });
        await ready;
        await poke(5n, 'ws');
        const log = await got;
        expect(log.eventName).toBe('Poked');
        expect(log.args).toEqual({ by: account().address, value: 5n, note: 'ws' });
      } finally {
        await (wsClient.transport as { getRpcClient(): Promise<{ close(): void }> })
          .getRpcClient()
          .then((c) => c.close());
      }
    });

    it('getLogs filters by address, event and indexed argument', async () => {
      const r1 = await poke(100n, 'a');
      await poke(200n, 'b');
      const r3 = await poke(100n, 'c');
      const logs = await publicClient.getContractEvents({
        address: probe,
        abi,
        eventName: 'Poked',
        args: { value: 100n },
        fromBlock: r1.blockNumber,
        toBlock: r3.blockNumber,
      });
      expect(logs.map((l) => (l.args as { note: string }).note)).toEqual(['a', 'c']);
      expect(logs[0]!.blockNumber).toBe(r1.blockNumber);
      expect(logs[0]!.transactionHash).toBe(r1.transactionHash);
      const none = await publicClient.getLogs({
        address: devnet.contracts.AidToken!,
        fromBlock: r1.blockNumber,
        toBlock: r3.blockNumber,
      });
      expect(none).toEqual([]);
    });

    it('event and block filters report only what happened after they were installed', async () => {
      const eventFilter = await publicClient.createContractEventFilter({
        address: probe,
        abi,
        eventName: 'Poked',
      });
      const blockFilter = await publicClient.createBlockFilter();
      expect(await publicClient.getFilterChanges({ filter: eventFilter })).toEqual([]);
      const r = await poke(7n, 'filtered');
      const changes = await publicClient.getFilterChanges({ filter: eventFilter });
      expect(changes).toHaveLength(1);
      expect((changes[0] as { args: unknown }).args).toEqual({
        by: account().address,
        value: 7n,
        note: 'filtered',
      });
      expect(await publicClient.getFilterChanges({ filter: eventFilter })).toEqual([]);
      const blocks = await publicClient.getFilterChanges({ filter: blockFilter });
      expect(blocks).toEqual([r.blockHash]);
      const all = await publicClient.getFilterLogs({ filter: eventFilter });
      expect(all).toHaveLength(1);
      expect(await publicClient.uninstallFilter({ filter: eventFilter })).toBe(true);
      expect(await publicClient.uninstallFilter({ filter: blockFilter })).toBe(true);
      expect(await publicClient.uninstallFilter({ filter: blockFilter })).toBe(false);
    });

    it('eth_feeHistory matches the blocks it describes', async () => {
      await poke(1n, 'fee');
      const head = await publicClient.getBlockNumber();
      const h = await publicClient.getFeeHistory({ blockCount: 4, rewardPercentiles: [25, 75] });
      expect(h.oldestBlock).toBe(head - 3n);
      expect(h.baseFeePerGas).toHaveLength(5);
      expect(h.gasUsedRatio).toHaveLength(4);
      expect(h.reward).toHaveLength(4);
      for (let i = 0; i < 4; i++) {
        const b = await publicClient.getBlock({ blockNumber: head - 3n + BigInt(i) });
        expect(h.baseFeePerGas[i]).toBe(b.baseFeePerGas);
        expect(h.gasUsedRatio[i]).toBeCloseTo(Number(b.gasUsed) / Number(b.gasLimit), 12);
        expect(h.reward![i]).toHaveLength(2);
        if (b.transactions.length > 0) expect(h.reward![i]![0]).toBeGreaterThan(0n);
      }
      // The extra entry is the base fee of the next block, which eth_gasPrice builds on.
      const gasPrice = await publicClient.getGasPrice();
      expect(gasPrice).toBeGreaterThanOrEqual(h.baseFeePerGas[4]!);
    });
  });
});
