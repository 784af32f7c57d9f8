import { startDevnet } from '@aidoc/devnet';
import {
  type Account,
  type Address,
  type Chain,
  createPublicClient,
  createWalletClient,
  custom,
  type PublicClient,
  type Transport,
  type WalletClient,
} from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { foundry } from 'viem/chains';
import { devnetContracts, type SystemContractName } from '../src';

/** A chain with the system contracts deployed as at devnet genesis, plus the test controls the tests need. */
export interface SystemChain {
  publicClient: PublicClient;
  /** The 10 funded test accounts; `accounts[0]` is governance. Each holds 10,000 AID. */
  accounts: Account[];
  wallet(account: Account): WalletClient<Transport, Chain, Account>;
  contracts: Record<SystemContractName, Address>;
  /** Mines a block `seconds` after the latest one. */
  increaseTime(seconds: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts an in-process devnet (the devnet engine, system contracts deployed at genesis from the plan:
 * governance = account 0, 10,000 AID per account) and checks its contracts sit at `devnetContracts`.
 * @example
 * const chain = await startSystemChain(); … await chain.stop();
 */
export async function startSystemChain(): Promise<SystemChain> {
  const devnet = await startDevnet({ port: 0, listen: false });
  try {
    const transport = custom(devnet.provider);
    const chainDef = { ...foundry, id: devnet.chainId };
    const publicClient = createPublicClient({ chain: chainDef, transport, pollingInterval: 20 });
    const accounts: Account[] = devnet.accounts.map((a) => privateKeyToAccount(a.privateKey));
    const wallet = (account: Account) => createWalletClient({ account, chain: chainDef, transport });
    for (const [name, address] of Object.entries(devnetContracts)) {
      if (devnet.contracts[name]?.toLowerCase() !== address.toLowerCase()) {
        throw new Error(`devnet has ${name} at ${devnet.contracts[name]}, expected ${address}`);
      }
    }
    return {
      publicClient,
      accounts,
      wallet,
      contracts: devnetContracts,
      async increaseTime(seconds) {
        // Relative to the latest block, not to the wall clock: instant blocks run ahead of the clock.
        const latest = await publicClient.getBlock();
        await devnet.provider.request({
          method: 'evm_setNextBlockTimestamp',
          params: [`0x${(latest.timestamp + BigInt(seconds)).toString(16)}`],
        });
        await devnet.provider.request({ method: 'evm_mine', params: [] });
      },
      stop: () => devnet.stop(),
    };
  } catch (error) {
    await devnet.stop();
    throw error;
  }
}

/**
 * Sends a contract write from `account`, waits for it and returns the receipt; throws if it reverted.
 * @example
 * await send(chain, alice, { address, abi, functionName: 'setKey', args: [key] });
 */
export async function send(
  chain: SystemChain,
  account: Account,
  // biome-ignore lint/suspicious/noExplicitAny: generic write parameters for any ABI
  request: { address: Address; abi: readonly unknown[]; functionName: string; args?: readonly any[] },
) {
  // biome-ignore lint/suspicious/noExplicitAny: viem's typed overloads cannot be satisfied generically
  const hash = await chain.wallet(account).writeContract(request as any);
  const receipt = await chain.publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== 'success') throw new Error(`${request.functionName} reverted`);
  return receipt;
}

/**
 * Runs a call that must revert and returns the custom error name decoded from the revert data.
 * @example
 * expect(await revertName(send(chain, bob, …))).toBe('NotRecordOwner');
 */
export async function revertName(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    let cause: unknown = error;
    while (cause !== undefined && cause !== null) {
      const data = (cause as { data?: { errorName?: string } }).data;
      if (data?.errorName !== undefined) return data.errorName;
      cause = (cause as { cause?: unknown }).cause;
    }
    throw new Error(`reverted without a decodable custom error: ${(error as Error).message}`);
  }
  throw new Error('expected a revert, but the call succeeded');
}
