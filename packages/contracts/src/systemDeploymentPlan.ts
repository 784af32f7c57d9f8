import {
  type Address,
  encodeDeployData,
  encodeFunctionData,
  getAddress,
  type Hex,
  isAddressEqual,
} from 'viem';
import { aidTokenAbi, aidTokenBytecode } from './generated';
import type { SystemCreateName } from './systemContracts';

/** One step of a deployment plan, executed in order by a single deployer account. */
export type DeploymentStep =
  | {
      kind: 'create';
      /** Contract name (a key of {@link computeSystemAddresses}, or `<Name>Implementation`). */
      name: SystemCreateName;
      /** Creation code followed by the ABI-encoded constructor arguments: the `data` of a contract-creation transaction. */
      bytecode: Hex;
    }
  | {
      kind: 'call';
      /** Name of the earlier create step whose contract is called. */
      to: SystemCreateName;
      /** Calldata. */
      data: Hex;
      /** What the call does, for logs. */
      description: string;
    };

/** An account that receives AID when the token is created (devnet genesis funding). */
export interface InitialHolder {
  address: Address;
  /** Amount in wei units (10^18 per AID). */
  amount: bigint;
}

/** Parameters of {@link systemDeploymentPlan}. */
export interface SystemDeploymentParams {
  /** Account that runs the plan; it must hold no role once the plan has run. */
  deployer: Address;
  /** Governance (an owner or a multisig): admin of every role and upgrade authority. */
  governance: Address;
  /** AID supply cap in wei units; omitted or 0 means uncapped. */
  tokenCap?: bigint;
  /** Accounts minted AID at creation; default none. */
  initialHolders?: readonly InitialHolder[];
  /** The deployer's nonce before the first step; default 0. Only affects addresses of cross-references. */
  startNonce?: number;
}

/**
 * Builds the ordered list of transactions that deploys and wires the AIDOC system contracts: all
 * contract creations first (so addresses follow from the deployer and its nonce), then the wiring calls,
 * and last the deployer renouncing its bootstrap admin role.
 * @example
 * const steps = systemDeploymentPlan({ deployer: devnetDeployer, governance: '0xf39F…2266', initialHolders: [] });
 */
export function systemDeploymentPlan(params: SystemDeploymentParams): DeploymentStep[] {
  if (params.deployer === undefined) throw new TypeError('systemDeploymentPlan: `deployer` is required');
  if (params.governance === undefined) throw new TypeError('systemDeploymentPlan: `governance` is required');
  const deployer = getAddress(params.deployer);
  const governance = getAddress(params.governance);
  if (isAddressEqual(governance, '0x0000000000000000000000000000000000000000')) {
    throw new RangeError('systemDeploymentPlan: `governance` must not be the zero address');
  }
  const cap = params.tokenCap ?? 0n;
  if (cap < 0n) throw new RangeError('systemDeploymentPlan: `tokenCap` must not be negative');
  const holders = (params.initialHolders ?? []).map((holder, index) => {
    if (holder.amount < 0n)
      throw new RangeError(`systemDeploymentPlan: initialHolders[${index}].amount is negative`);
    return { address: getAddress(holder.address), amount: holder.amount };
  });
  const minted = holders.reduce((sum, holder) => sum + holder.amount, 0n);
  if (cap !== 0n && minted > cap) {
    throw new RangeError(`systemDeploymentPlan: initialHolders total ${minted} exceeds tokenCap ${cap}`);
  }
  const steps: DeploymentStep[] = [
    {
      kind: 'create',
      name: 'AidToken',
      bytecode: encodeDeployData({
        abi: aidTokenAbi,
        bytecode: aidTokenBytecode,
        args: [governance, cap, holders.map((h) => h.address), holders.map((h) => h.amount)],
      }),
    },
  ];

  if (!isAddressEqual(deployer, governance)) {
    steps.push({
      kind: 'call',
      to: 'AidToken',
      data: encodeFunctionData({
        abi: aidTokenAbi,
        functionName: 'renounceRole',
        args: ['0x0000000000000000000000000000000000000000000000000000000000000000', deployer],
      }),
      description: 'AidToken: deployer renounces its bootstrap DEFAULT_ADMIN_ROLE',
    });
  }
  return steps;
}
