import {
  type DeploymentStep,
  deploySystem,
  type SystemContractName,
  systemDeploymentPlan,
} from '@aidoc/contracts';
import { AidocError } from '@aidoc/sdk/errors';
import {
  createPublicClient,
  createWalletClient,
  defineChain,
  type Hash,
  http,
  type PublicClient,
} from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { readDeployments, writeDeployments } from './writeDeployments';

/** One finished step of {@link deployAidocSystem}. */
export interface DeployStepEvent {
  /** 1-based step number. */
  step: number;
  total: number;
  /** What the step did, e.g. `create LifeBank` or `AidToken: grant MINTER_ROLE to LifeBank (…)`. */
  label: string;
  hash: Hash;
  gasUsed: bigint;
}

/** Input of {@link deployAidocSystem}. */
export interface DeployRequest {
  /** JSON-RPC URL of the target network. */
  rpc: string;
  /** Deployer key: it pays for and sends every step. */
  privateKey: `0x${string}`;
  /** Governance of every contract; default the deployer. */
  governance?: `0x${string}`;
  /** Deployments file to write or merge into. */
  out: string;
  /** Called after each confirmed step (progress). */
  onStep?: (event: DeployStepEvent) => void;
  /** Called once the chain is known, before the first step. */
  onStart?: (info: {
    chainId: number;
    deployer: `0x${string}`;
    governance: `0x${string}`;
    total: number;
  }) => void;
}

/** What `aidoc deploy` did. */
export interface DeployResult {
  chainId: number;
  deployer: `0x${string}`;
  governance: `0x${string}`;
  /** Public contract addresses by name (proxies under the contract's name). */
  contracts: Record<SystemContractName, `0x${string}`>;
  /** Transaction hash of every step, in order. */
  transactions: Hash[];
  /** Gas used by all steps together. */
  gasUsed: bigint;
  /** The deployments file written. */
  out: string;
}

/**
 * Deploy the whole AIDOC system (every contract, proxies, wiring) onto any EVM network with `deploySystem`
 * from `@aidoc/contracts`, one confirmed transaction per step, then merge the addresses into the deployments
 * file under the chain id. The data behind `aidoc deploy`, without rendering.
 *
 * @example
 * ```ts
 * const result = await deployAidocSystem({ rpc: 'http://127.0.0.1:8545', privateKey, out: 'aidoc.deployments.json' });
 * console.log(result.contracts.LifeBank);
 * ```
 */
export async function deployAidocSystem(request: DeployRequest): Promise<DeployResult> {
  // A deployments file we could not merge into must stop us before anything is spent.
  await readDeployments(request.out);
  const account = privateKeyToAccount(request.privateKey);
  const governance = request.governance ?? account.address;
  const transport = http(request.rpc, { retryCount: 2 });
  const probe = createPublicClient({ transport });
  const chainId = await probe.getChainId().catch((cause: unknown) => {
    throw new AidocError('NETWORK', `Cannot reach the JSON-RPC server at ${request.rpc}.`, {
      details: 'Check --rpc and that the node is running.',
      cause,
    });
  });
  const chain = defineChain({
    id: chainId,
    name: `chain ${chainId}`,
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [request.rpc] } },
  });
  const publicClient = createPublicClient({ chain, transport, pollingInterval: 250 });
  const walletClient = createWalletClient({ account, chain, transport });
  const steps = systemDeploymentPlan({ deployer: account.address, governance });
  request.onStart?.({ chainId, deployer: account.address, governance, total: steps.length });

  let done = 0;
  let gasUsed = 0n;
  const reporting = {
    ...publicClient,
    waitForTransactionReceipt: async (args: Parameters<PublicClient['waitForTransactionReceipt']>[0]) => {
      const receipt = await publicClient.waitForTransactionReceipt(args);
      done += 1;
      gasUsed += receipt.gasUsed;
      request.onStep?.({
        step: done,
        total: steps.length,
        label: stepLabel(steps[done - 1]),
        hash: receipt.transactionHash,
        gasUsed: receipt.gasUsed,
      });
      return receipt;
    },
  } as PublicClient;

  let deployment: Awaited<ReturnType<typeof deploySystem>>;
  try {
    deployment = await deploySystem({ walletClient, publicClient: reporting, governance });
  } catch (cause) {
    throw deployError(cause, done, steps);
  }
  await writeDeployments(request.out, chainId, deployment.contracts);
  return {
    chainId,
    deployer: account.address,
    governance,
    contracts: deployment.contracts,
    transactions: deployment.transactions,
    gasUsed,
    out: request.out,
  };
}

function stepLabel(step: DeploymentStep | undefined): string {
  if (!step) return 'step';
  return step.kind === 'create' ? `create ${step.name}` : step.description;
}

function deployError(cause: unknown, done: number, steps: DeploymentStep[]): AidocError {
  if (AidocError.is(cause)) return cause;
  const failed = `step ${done + 1} of ${steps.length} (${stepLabel(steps[done])})`;
  const partial =
    done > 0
      ? `${done} step(s) were confirmed before it; no deployments file was written. Deploy again from a fresh account, or continue by hand.`
      : 'Nothing was deployed.';
  // By name, not instanceof: @aidoc/contracts may load its own copy of viem.
  const viemError = cause as { walk?: (fn: (e: unknown) => boolean) => unknown; shortMessage?: string };
  const has = (name: string) =>
    typeof viemError?.walk === 'function' &&
    (viemError.walk((e) => (e as Error | undefined)?.name === name) as Error | null)?.name === name;
  const message = viemError?.shortMessage ?? (cause instanceof Error ? cause.message : String(cause));
  const code = has('InsufficientFundsError')
    ? 'INSUFFICIENT_FUNDS'
    : has('HttpRequestError') || has('TimeoutError')
      ? 'NETWORK'
      : /reverted/.test(message)
        ? 'EXECUTION_REVERTED'
        : 'INVALID_TRANSACTION';
  return new AidocError(code, `Deployment failed at ${failed}: ${message}`, { details: partial, cause });
}
