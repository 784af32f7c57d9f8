import {
  type Account,
  type Address,
  type Chain,
  createPublicClient,
  createWalletClient,
  http,
  type PublicClient,
  parseEther,
  type Transport,
  type WalletClient,
} from 'viem';
import { mnemonicToAccount, privateKeyToAccount } from 'viem/accounts';
import { foundry } from 'viem/chains';
import { deploySystem, devnetContracts, devnetDeployerPrivateKey, type SystemContractName } from '../src';
import { startAnvil } from './startAnvil';

/** A chain with the system contracts deployed as at devnet genesis, plus the test controls the tests need. */
export interface SystemChain {
  publicClient: PublicClient;
  /** The 10 funded test accounts; `accounts[0]` is governance. Each holds 10,000 AID. */
  accounts: Account[];
  wallet(account: Account): WalletClient<Transport, Chain, Account>;
  contracts: Record<SystemContractName, Address>;
  /** Advances the next block's timestamp by `seconds` and mines a block. */
  increaseTime(seconds: number): Promise<void>;
  stop(): Promise<void>;
}

const testMnemonic = 'test test test test test test test test test test test junk';

/**
 * Starts a chain holding the system contracts exactly as the devnet's genesis does (the deployment plan
 * run by the devnet deployer, governance = account 0, 10,000 AID per account).
 * Runs on Anvil until `startDevnet` from @aidoc/devnet is available; then this fixture switches to it.
 * @example
 * const chain = await startSystemChain(); … await chain.stop();
 */
export async function startSystemChain(): Promise<SystemChain> {
  const anvil = await startAnvil();
  const transport = http(anvil.rpcUrl);
  const publicClient = createPublicClient({ chain: foundry, transport, pollingInterval: 20 });
  const accounts: Account[] = Array.from({ length: 10 }, (_, i) =>
    mnemonicToAccount(testMnemonic, { addressIndex: i }),
  );
  const wallet = (account: Account) => createWalletClient({ account, chain: foundry, transport });
  const deployer = privateKeyToAccount(devnetDeployerPrivateKey);
  await publicClient.request({
    method: 'anvil_setBalance' as never,
    params: [deployer.address, `0x${parseEther('100').toString(16)}`] as never,
  });
  const { contracts } = await deploySystem({
    walletClient: wallet(deployer),
    publicClient,
    governance: accounts[0]!.address,
    initialHolders: accounts.map((a) => ({ address: a.address, amount: parseEther('10000') })),
  });
  if (JSON.stringify(contracts) !== JSON.stringify(devnetContracts))
    throw new Error('system deployed off the devnet addresses');
  return {
    publicClient,
    accounts,
    wallet,
    contracts,
    async increaseTime(seconds) {
      await publicClient.request({ method: 'evm_increaseTime' as never, params: [seconds] as never });
      await publicClient.request({ method: 'evm_mine' as never, params: [] as never });
    },
    stop: () => anvil.stop(),
  };
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
