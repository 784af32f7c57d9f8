import type { Account, Address, Chain, Hash, PublicClient, Transport, WalletClient } from 'viem';
import { getAddress, isAddressEqual } from 'viem';
import { computeCreateAddresses, computeSystemAddresses } from './computeSystemAddresses';
import { AidocError } from './errors/AidocError';
import type { SystemContractName, SystemCreateName } from './systemContracts';
import { type SystemDeploymentParams, systemDeploymentPlan } from './systemDeploymentPlan';

/** What {@link deploySystem} did. */
export interface SystemDeployment {
  /** Public system contract addresses (proxies under the contract's name). */
  contracts: Record<SystemContractName, Address>;
  /** Transaction hash of every plan step, in order. */
  transactions: Hash[];
}

/**
 * Runs the system deployment plan from `walletClient`'s account on any EVM network, one transaction per
 * step, waiting for each receipt; throws on the first reverted step or unexpected contract address.
 * @example
 * const { contracts } = await deploySystem({ walletClient, publicClient, governance: multisig });
 */
export async function deploySystem(
  options: {
    walletClient: WalletClient<Transport, Chain | undefined, Account>;
    publicClient: PublicClient;
  } & Omit<SystemDeploymentParams, 'deployer' | 'startNonce'>,
): Promise<SystemDeployment> {
  const { walletClient, publicClient, ...rest } = options;
  const deployer = getAddress(walletClient.account.address);
  const startNonce = await publicClient.getTransactionCount({ address: deployer, blockTag: 'pending' });
  const steps = systemDeploymentPlan({ ...rest, deployer, startNonce });
  const created: Record<SystemCreateName, Address> = computeCreateAddresses(deployer, startNonce);
  const transactions: Hash[] = [];
  for (const [index, step] of steps.entries()) {
    const nonce = startNonce + index;
    const hash =
      step.kind === 'create'
        ? await walletClient.sendTransaction({
            data: step.bytecode,
            nonce,
            chain: walletClient.chain ?? null,
          })
        : await walletClient.sendTransaction({
            to: created[step.to],
            data: step.data,
            nonce,
            chain: walletClient.chain ?? null,
          });
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    const label = step.kind === 'create' ? `create ${step.name}` : step.description;
    if (receipt.status !== 'success')
      throw new AidocError('EXECUTION_REVERTED', `deployment step ${index} (${label}) reverted in ${hash}`);
    if (step.kind === 'create') {
      const expected = created[step.name];
      if (receipt.contractAddress == null || !isAddressEqual(receipt.contractAddress, expected)) {
        throw new AidocError(
          'INVALID_TRANSACTION',
          `deployment step ${index} (${label}) created ${receipt.contractAddress} instead of ${expected}: ` +
            'another transaction from the deployer interleaved with the plan',
        );
      }
    }
    transactions.push(hash);
  }
  return { contracts: computeSystemAddresses(deployer, startNonce), transactions };
}
