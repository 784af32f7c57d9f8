import {
  type Abi,
  type Address,
  encodeDeployData,
  encodeFunctionData,
  getAddress,
  type Hex,
  isAddressEqual,
  keccak256,
  parseEther,
  stringToBytes,
  zeroAddress,
  zeroHash,
} from 'viem';
import { computeCreateAddresses } from './computeSystemAddresses';
import { AidocError } from './errors/AidocError';
import {
  aidTokenAbi,
  aidTokenBytecode,
  computeRegistryAbi,
  computeRegistryBytecode,
  dAppRegistryAbi,
  dAppRegistryBytecode,
  federatedTrainingAbi,
  federatedTrainingBytecode,
  keyRegistryAbi,
  keyRegistryBytecode,
  lifeBankAbi,
  lifeBankBytecode,
  messengerAbi,
  messengerBytecode,
  modelRegistryAbi,
  modelRegistryBytecode,
  systemProxyAbi,
  systemProxyBytecode,
} from './generated';
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
  /** Account that runs the plan; it holds no role once the plan has run (unless it is governance). */
  deployer: Address;
  /** Governance (an owner or a multisig): admin of every role, owner and upgrade authority of every contract. */
  governance: Address;
  /** AID supply cap in wei units; omitted or 0 means uncapped. */
  tokenCap?: bigint;
  /** Accounts minted AID at creation; default none. */
  initialHolders?: readonly InitialHolder[];
  /** The deployer's nonce before the first step; default 0. */
  startNonce?: number;
  /** Life-mining reward per record and total pool, in wei units; default 1 AID per record, 1,000,000 AID pool. */
  lifeMining?: { rewardPerRecord: bigint; poolCap: bigint };
  /** ModelRegistry audit period in seconds; default one day. */
  auditPeriod?: number;
  /** ComputeRegistry heartbeat timeout in seconds; default 300. */
  heartbeatTimeout?: number;
}

/** `keccak256("MINTER_ROLE")`, the AidToken role of reward pools. */
export const minterRole = keccak256(stringToBytes('MINTER_ROLE'));

/**
 * Builds the ordered list of transactions that deploys and wires the AIDOC system contracts: all
 * contract creations first (implementations, then an initialized proxy per upgradeable contract, so
 * addresses follow from the deployer and its nonce), then the wiring calls (LifeBank becomes an AID
 * minter for life-mining rewards), and last the deployer renouncing its bootstrap admin role on AidToken.
 * @example
 * const steps = systemDeploymentPlan({ deployer: devnetDeployer, governance: '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266' });
 */
export function systemDeploymentPlan(params: SystemDeploymentParams): DeploymentStep[] {
  if (params.deployer === undefined)
    throw new AidocError('INVALID_INPUT', 'systemDeploymentPlan: `deployer` is required');
  if (params.governance === undefined)
    throw new AidocError('INVALID_INPUT', 'systemDeploymentPlan: `governance` is required');
  const deployer = getAddress(params.deployer);
  const governance = getAddress(params.governance);
  if (isAddressEqual(governance, zeroAddress)) {
    throw new AidocError('INVALID_INPUT', 'systemDeploymentPlan: `governance` must not be the zero address');
  }
  const cap = params.tokenCap ?? 0n;
  if (cap < 0n)
    throw new AidocError('INVALID_INPUT', 'systemDeploymentPlan: `tokenCap` must not be negative');
  const holders = (params.initialHolders ?? []).map((holder, index) => {
    if (holder.amount < 0n)
      throw new AidocError(
        'INVALID_INPUT',
        `systemDeploymentPlan: initialHolders[${index}].amount is negative`,
      );
    return { address: getAddress(holder.address), amount: holder.amount };
  });
  const minted = holders.reduce((sum, holder) => sum + holder.amount, 0n);
  if (cap !== 0n && minted > cap) {
    throw new AidocError(
      'INVALID_INPUT',
      `systemDeploymentPlan: initialHolders total ${minted} exceeds tokenCap ${cap}`,
    );
  }
  const lifeMining = params.lifeMining ?? {
    rewardPerRecord: parseEther('1'),
    poolCap: parseEther('1000000'),
  };
  if (lifeMining.rewardPerRecord < 0n || lifeMining.poolCap < 0n) {
    throw new AidocError('INVALID_INPUT', 'systemDeploymentPlan: `lifeMining` amounts must not be negative');
  }
  const auditPeriod = positiveSeconds('auditPeriod', params.auditPeriod ?? 86_400);
  const heartbeatTimeout = positiveSeconds('heartbeatTimeout', params.heartbeatTimeout ?? 300);
  const at = computeCreateAddresses(deployer, params.startNonce ?? 0);

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
  // Each upgradeable contract: its implementation, then a proxy whose constructor runs `initialize`.
  const upgradeable = (
    name: SystemCreateName,
    implementation: SystemCreateName,
    abi: Abi,
    bytecode: Hex,
    init: Hex,
  ) => {
    steps.push({ kind: 'create', name: implementation, bytecode: encodeDeployData({ abi, bytecode }) });
    steps.push({
      kind: 'create',
      name,
      bytecode: encodeDeployData({
        abi: systemProxyAbi,
        bytecode: systemProxyBytecode,
        args: [at[implementation], init],
      }),
    });
  };
  upgradeable(
    'KeyRegistry',
    'KeyRegistryImplementation',
    keyRegistryAbi,
    keyRegistryBytecode,
    encodeFunctionData({ abi: keyRegistryAbi, functionName: 'initialize', args: [governance] }),
  );
  upgradeable(
    'LifeBank',
    'LifeBankImplementation',
    lifeBankAbi,
    lifeBankBytecode,
    encodeFunctionData({
      abi: lifeBankAbi,
      functionName: 'initialize',
      args: [governance, at.AidToken, lifeMining.rewardPerRecord, lifeMining.poolCap],
    }),
  );
  upgradeable(
    'ModelRegistry',
    'ModelRegistryImplementation',
    modelRegistryAbi,
    modelRegistryBytecode,
    encodeFunctionData({
      abi: modelRegistryAbi,
      functionName: 'initialize',
      args: [governance, at.AidToken, BigInt(auditPeriod)],
    }),
  );
  upgradeable(
    'DAppRegistry',
    'DAppRegistryImplementation',
    dAppRegistryAbi,
    dAppRegistryBytecode,
    encodeFunctionData({ abi: dAppRegistryAbi, functionName: 'initialize', args: [governance] }),
  );
  upgradeable(
    'Messenger',
    'MessengerImplementation',
    messengerAbi,
    messengerBytecode,
    encodeFunctionData({
      abi: messengerAbi,
      functionName: 'initialize',
      args: [governance, at.DAppRegistry],
    }),
  );
  upgradeable(
    'ComputeRegistry',
    'ComputeRegistryImplementation',
    computeRegistryAbi,
    computeRegistryBytecode,
    encodeFunctionData({
      abi: computeRegistryAbi,
      functionName: 'initialize',
      args: [governance, BigInt(heartbeatTimeout)],
    }),
  );
  upgradeable(
    'FederatedTraining',
    'FederatedTrainingImplementation',
    federatedTrainingAbi,
    federatedTrainingBytecode,
    encodeFunctionData({
      abi: federatedTrainingAbi,
      functionName: 'initialize',
      args: [governance, at.AidToken],
    }),
  );

  steps.push({
    kind: 'call',
    to: 'AidToken',
    data: encodeFunctionData({
      abi: aidTokenAbi,
      functionName: 'grantRole',
      args: [minterRole, at.LifeBank],
    }),
    description: 'AidToken: grant MINTER_ROLE to LifeBank (life-mining reward pool)',
  });
  if (!isAddressEqual(deployer, governance)) {
    steps.push({
      kind: 'call',
      to: 'AidToken',
      data: encodeFunctionData({
        abi: aidTokenAbi,
        functionName: 'renounceRole',
        args: [zeroHash, deployer],
      }),
      description: 'AidToken: deployer renounces its bootstrap DEFAULT_ADMIN_ROLE',
    });
  }
  return steps;
}

function positiveSeconds(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new AidocError(
      'INVALID_INPUT',
      `systemDeploymentPlan: \`${name}\` must be a positive whole number of seconds, got ${value}`,
    );
  }
  return value;
}
