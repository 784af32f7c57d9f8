import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  aidTokenAbi,
  computeRegistryAbi,
  dAppRegistryAbi,
  federatedTrainingAbi,
  keyRegistryAbi,
  lifeBankAbi,
  messengerAbi,
  minterRole,
  modelRegistryAbi,
} from '@aidoc/contracts';
import {
  type Abi,
  type Address,
  createPublicClient,
  createWalletClient,
  type Hex,
  http,
  keccak256,
  parseEther,
  stringToBytes,
} from 'viem';
import { mnemonicToAccount } from 'viem/accounts';
import type { TargetResult } from '../harness/summarizeWorkload';
import type { Workload, WorkloadContext } from '../harness/types';
import { benchDir } from '../targets/benchPaths';

const MNEMONIC = 'test test test test test test test test test test test junk';
const ERC1967_IMPLEMENTATION_SLOT = '0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc';
const PUBKEY_A = '0x0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798';
const PUBKEY_B = '0x02c6047f9441ed7d6d3045406e95c07cd85c778e4b8cef3ca7abac09b95c709ee5';
const FAR_FUTURE = 99_999_999_999n;

const abis = {
  AidToken: aidTokenAbi,
  KeyRegistry: keyRegistryAbi,
  LifeBank: lifeBankAbi,
  ModelRegistry: modelRegistryAbi,
  DAppRegistry: dAppRegistryAbi,
  Messenger: messengerAbi,
  ComputeRegistry: computeRegistryAbi,
  FederatedTraining: federatedTrainingAbi,
} as const satisfies Record<string, Abi>;
type ContractName = keyof typeof abis;

/** Functions no benchmark drives, and why. */
const notDriven: Record<string, string> = {
  initialize: 'runs once, inside the proxy deployment',
  renounceOwnership: 'would leave the contract without governance',
};

/** Gas of one external function in one run. */
export interface GasRow {
  contract: string;
  fn: string;
  /** Gas used by the transaction (receipt), or undefined when not driven / failed. */
  gasUsed?: number;
  /** Why there is no figure. */
  note?: string;
}

/** Every state-changing external function of the system contracts, from their ABIs. */
function externalFunctions(): { contract: ContractName; fn: string }[] {
  const out: { contract: ContractName; fn: string }[] = [];
  for (const [contract, abi] of Object.entries(abis) as [ContractName, Abi][]) {
    for (const item of abi) {
      if (item.type !== 'function' || item.stateMutability === 'view' || item.stateMutability === 'pure')
        continue;
      if (!out.some((o) => o.contract === contract && o.fn === item.name))
        out.push({ contract, fn: item.name });
    }
  }
  return out;
}

async function driveSystem(ctx: WorkloadContext): Promise<GasRow[]> {
  const { rpc } = ctx.target;
  const contracts = await rpc.request<Record<ContractName, Address>>('aidoc_contracts');
  const chainId = Number(await rpc.request<string>('eth_chainId'));
  const transport = http(ctx.target.rpcUrl);
  const chain = {
    id: chainId,
    name: 'devnet',
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [ctx.target.rpcUrl] } },
  } as const;
  const publicClient = createPublicClient({ chain, transport, pollingInterval: 20 });
  const accounts = Array.from({ length: 10 }, (_, i) => mnemonicToAccount(MNEMONIC, { addressIndex: i }));
  const wallets = accounts.map((account) => createWalletClient({ account, chain, transport }));
  const address = (i: number): Address => accounts[i]!.address;
  const [gov, patient, clinic, researcher, user, expert, node, clientB] = [0, 1, 2, 3, 5, 6, 7, 9].map(
    address,
  ) as [Address, Address, Address, Address, Address, Address, Address, Address];

  const gas = new Map<string, number>();
  const failures = new Map<string, string>();
  /** Send one call and wait for its receipt; `measure: false` for set-up calls. */
  async function call(
    from: number,
    contract: ContractName,
    fn: string,
    args: readonly unknown[],
    measure = true,
  ): Promise<void> {
    const key = `${contract}.${fn}`;
    try {
      const hash = await wallets[from]!.writeContract({
        address: contracts[contract],
        abi: abis[contract] as Abi,
        functionName: fn,
        args: args as unknown[],
        chain,
      });
      const receipt = await publicClient.waitForTransactionReceipt({ hash });
      if (receipt.status !== 'success') throw new Error(`reverted in ${hash}`);
      if (measure && !gas.has(key)) gas.set(key, Number(receipt.gasUsed));
    } catch (error) {
      const message = (error as { shortMessage?: string }).shortMessage ?? String(error);
      if (!measure) throw new Error(`set-up call ${key} failed: ${message}`);
      failures.set(key, message.split('\n')[0] ?? message);
      ctx.log(`${key} failed: ${message.split('\n')[0]}`);
    }
  }
  const aid = (n: string) => parseEther(n);

  // AidToken
  await call(1, 'AidToken', 'transfer', [clinic, aid('1')]);
  await call(1, 'AidToken', 'approve', [clinic, aid('5')]);
  await call(2, 'AidToken', 'transferFrom', [patient, researcher, aid('1')]);
  await call(1, 'AidToken', 'burn', [aid('1')]);
  await call(0, 'AidToken', 'grantRole', [minterRole, gov]);
  await call(0, 'AidToken', 'mint', [patient, aid('1')]);
  await call(0, 'AidToken', 'revokeRole', [minterRole, gov]);
  await call(0, 'AidToken', 'grantRole', [minterRole, expert], false);
  await call(6, 'AidToken', 'renounceRole', [minterRole, expert]);
  {
    const [, name, version] = await publicClient.readContract({
      address: contracts.AidToken,
      abi: aidTokenAbi,
      functionName: 'eip712Domain',
    });
    const nonce = await publicClient.readContract({
      address: contracts.AidToken,
      abi: aidTokenAbi,
      functionName: 'nonces',
      args: [patient],
    });
    const signature = await accounts[1]!.signTypedData({
      domain: { name, version, chainId, verifyingContract: contracts.AidToken },
      types: {
        Permit: [
          { name: 'owner', type: 'address' },
          { name: 'spender', type: 'address' },
          { name: 'value', type: 'uint256' },
          { name: 'nonce', type: 'uint256' },
          { name: 'deadline', type: 'uint256' },
        ],
      },
      primaryType: 'Permit',
      message: { owner: patient, spender: clinic, value: aid('2'), nonce, deadline: FAR_FUTURE },
    });
    const r = `0x${signature.slice(2, 66)}` as Hex;
    const s = `0x${signature.slice(66, 130)}` as Hex;
    const v = Number.parseInt(signature.slice(130, 132), 16);
    await call(2, 'AidToken', 'permit', [patient, clinic, aid('2'), FAR_FUTURE, v, r, s]);
  }

  // KeyRegistry
  await call(2, 'KeyRegistry', 'setKey', [PUBKEY_A]);
  {
    const nonce = await publicClient.readContract({
      address: contracts.KeyRegistry,
      abi: keyRegistryAbi,
      functionName: 'nonces',
      args: [researcher],
    });
    const signature = await accounts[3]!.signTypedData({
      domain: { name: 'AIDOC KeyRegistry', version: '1', chainId, verifyingContract: contracts.KeyRegistry },
      types: {
        SetKey: [
          { name: 'account', type: 'address' },
          { name: 'publicKey', type: 'bytes' },
          { name: 'nonce', type: 'uint256' },
          { name: 'deadline', type: 'uint256' },
        ],
      },
      primaryType: 'SetKey',
      message: { account: researcher, publicKey: PUBKEY_B, nonce, deadline: FAR_FUTURE },
    });
    await call(0, 'KeyRegistry', 'setKeyWithSig', [researcher, PUBKEY_B, FAR_FUTURE, signature]);
  }

  // LifeBank: a patient's records, a grant, paid access requests (approved, denied, withdrawn).
  const recordScope = { kind: 0, recordIds: [1n], category: '' };
  await call(1, 'LifeBank', 'registerRecord', [
    'bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi',
    keccak256(stringToBytes('lab sheet 2026-01-12')),
    'laboratory',
    'fhir-r4/Observation',
  ]);
  await call(1, 'LifeBank', 'updateRecord', [
    1n,
    'bafybeihkoviema7g3gxyt6la7vd5ho32ictqbilu3wnlo3rs7ewhnp7lly',
    keccak256(stringToBytes('lab sheet 2026-01-12 v2')),
  ]);
  await call(1, 'LifeBank', 'grant', [clinic, recordScope, 'treatment', FAR_FUTURE, 'bafy-key-bundle-1']);
  await call(2, 'LifeBank', 'logAccess', [1n]);
  await call(1, 'LifeBank', 'revoke', [1n]);
  await call(3, 'AidToken', 'approve', [contracts.LifeBank, aid('30')], false);
  const request = [patient, recordScope, 'cardiology research', aid('5'), 86_400n, FAR_FUTURE] as const;
  await call(3, 'LifeBank', 'requestAccess', request);
  await call(1, 'LifeBank', 'approveRequest', [1n, 'bafy-key-bundle-2']);
  await call(3, 'LifeBank', 'requestAccess', request, false);
  await call(1, 'LifeBank', 'denyRequest', [2n]);
  await call(3, 'LifeBank', 'requestAccess', request, false);
  await call(3, 'LifeBank', 'withdrawRequest', [3n]);
  await call(0, 'LifeBank', 'setRewardPolicy', [aid('1'), aid('1000000')]);
  await call(1, 'LifeBank', 'deactivateRecord', [1n]);

  // ModelRegistry: publish, list/unlist, a paid call, a rating, an expert audit that delists, reinstatement.
  await call(4, 'ModelRegistry', 'publish', [
    {
      name: 'ecg-arrhythmia',
      version: '1.0.0',
      cid: 'bafybeiecgmodel',
      endpoint: '',
      task: 'classification',
      metadataCid: 'bafybeiecgmeta',
      pricePerCall: aid('1'),
    },
  ]);
  await call(4, 'ModelRegistry', 'setListed', [1n, false]);
  await call(4, 'ModelRegistry', 'setListed', [1n, true], false);
  await call(5, 'AidToken', 'approve', [contracts.ModelRegistry, aid('10')], false);
  await call(5, 'ModelRegistry', 'payForCall', [1n]);
  await call(5, 'ModelRegistry', 'rate', [1n, 5, 'bafy-comment']);
  await call(0, 'ModelRegistry', 'setExpert', [expert, true]);
  await call(6, 'ModelRegistry', 'submitAudit', [1n, false, 'bafy-audit-report']);
  await call(0, 'ModelRegistry', 'reinstate', [1n]);
  await call(0, 'ModelRegistry', 'setAuditPeriod', [86_400n]);

  // DAppRegistry + Messenger: an OCR DApp hands a lab sheet to an interpretation DApp, which notifies the patient.
  const topic = keccak256(stringToBytes('lab-sheet.ocr.v1'));
  const topic2 = keccak256(stringToBytes('lab-sheet.interpretation.v1'));
  await call(3, 'DAppRegistry', 'register', ['lab-ocr', PUBKEY_B, [topic]]);
  await call(4, 'DAppRegistry', 'register', ['lab-interpreter', PUBKEY_A, [topic]], false);
  await call(3, 'DAppRegistry', 'setEncryptionKey', [1n, PUBKEY_A]);
  await call(3, 'DAppRegistry', 'setTopic', [1n, topic2, true]);
  await call(3, 'DAppRegistry', 'setActive', [1n, true]);
  await call(3, 'Messenger', 'send', [1n, 2n, topic, 'bafy-ocr-result', '0x']);
  await call(4, 'Messenger', 'ack', [1n, 2n, 1n, 'bafy-interpretation']);
  await call(1, 'Messenger', 'allowNotifications', [2n, true]);
  await call(4, 'Messenger', 'notify', [2n, patient, topic, 'bafy-notification']);
  await call(3, 'DAppRegistry', 'setOwner', [1n, user]);

  // ComputeRegistry
  await call(7, 'ComputeRegistry', 'registerNode', [
    { cpuCores: 16, gpuCount: 1, memoryMb: 65_536n, runtimes: 3n },
    'https://node-7.example.org/v2',
  ]);
  await call(7, 'ComputeRegistry', 'heartbeat', []);
  await call(0, 'ComputeRegistry', 'setScorer', [gov, true]);
  await call(0, 'ComputeRegistry', 'adjustCreditScore', [node, 5, 'fast, correct inference']);
  await call(0, 'ComputeRegistry', 'setHeartbeatTimeout', [300n]);
  await call(7, 'ComputeRegistry', 'deactivateNode', []);

  // FederatedTraining: a 1-round task with two clients; a cancelled task; a failed task.
  const task = {
    initialModelCid: 'bafy-initial-model',
    strategy: keccak256(stringToBytes('fedavg')),
    rounds: 1,
    minClients: 2,
    roundDuration: 3_600n,
    rewardPool: aid('10'),
    aggregator: clientB,
    publicKeyCid: 'bafy-ckks-public-key',
    privacy: {
      secureAggregation: true,
      noiseMultiplierMicros: 1_100_000,
      clipNormMicros: 1_000_000,
      epsilonBudgetMicros: 8_000_000,
      deltaMicros: 10,
    },
  };
  await call(3, 'AidToken', 'approve', [contracts.FederatedTraining, aid('30')], false);
  await call(3, 'FederatedTraining', 'createTask', [task]);
  await call(8, 'FederatedTraining', 'submitUpdate', [1n, 'bafy-update-a', 120n]);
  await call(9, 'FederatedTraining', 'submitUpdate', [1n, 'bafy-update-b', 360n], false);
  await call(9, 'FederatedTraining', 'publishAggregate', [1n, 'bafy-aggregate']);
  await call(8, 'FederatedTraining', 'publishResult', [1n, 'bafy-model-round-1']);
  await call(8, 'FederatedTraining', 'claimReward', [1n, 1]);
  await call(3, 'FederatedTraining', 'createTask', [task], false);
  await call(3, 'FederatedTraining', 'cancelTask', [2n]);
  await call(3, 'FederatedTraining', 'createTask', [task], false);
  await rpc.request('evm_increaseTime', [7_300]);
  await rpc.request('evm_mine');
  await call(0, 'FederatedTraining', 'failTask', [3n]);

  // Governance of every upgradeable contract: upgrade (to the same code), two-step transfer, pause.
  for (const contract of Object.keys(abis).filter((c) => c !== 'AidToken') as ContractName[]) {
    const slot = await rpc.request<Hex>('eth_getStorageAt', [
      contracts[contract],
      ERC1967_IMPLEMENTATION_SLOT,
      'latest',
    ]);
    const implementation = `0x${slot.slice(-40)}` as Address;
    await call(0, contract, 'upgradeToAndCall', [implementation, '0x']);
    await call(0, contract, 'transferOwnership', [clientB]);
    await call(9, contract, 'acceptOwnership', []);
    await call(9, contract, 'transferOwnership', [gov], false);
    await call(0, contract, 'acceptOwnership', [], false);
    await call(0, contract, 'deactivate', []);
    await call(0, contract, 'reactivate', []);
  }

  return externalFunctions().map(({ contract, fn }) => {
    const key = `${contract}.${fn}`;
    const used = gas.get(key);
    if (used !== undefined) return { contract, fn, gasUsed: used };
    return { contract, fn, note: failures.get(key) ?? notDriven[fn] ?? 'not driven' };
  });
}

/** Gas rows of the last recorded run (bench/results/latest-contracts.json), by `Contract.fn`. */
function previousGas(): Map<string, number> {
  const path = join(benchDir, 'results', 'latest-contracts.json');
  const out = new Map<string, number>();
  if (!existsSync(path)) return out;
  try {
    const doc = JSON.parse(readFileSync(path, 'utf8')) as { targets?: TargetResult[] };
    const rows = (doc.targets?.find((t) => !t.error)?.details?.gas ?? []) as GasRow[];
    for (const row of rows) if (row.gasUsed !== undefined) out.set(`${row.contract}.${row.fn}`, row.gasUsed);
  } catch {
    // unreadable: no comparison
  }
  return out;
}

/**
 * The gas table: contract, function, gas used, and the delta against the previous recorded run.
 *
 * @example
 * ```ts
 * console.log(formatGasTable(rows, new Map([['LifeBank.grant', 120000]])));
 * ```
 */
export function formatGasTable(rows: GasRow[], previous: Map<string, number>): string {
  const header = [
    'contract',
    'function',
    'gas used',
    previous.size > 0 ? 'vs previous' : 'vs previous (none recorded)',
  ];
  const body = rows.map((row) => {
    const before = previous.get(`${row.contract}.${row.fn}`);
    let delta = '';
    if (row.gasUsed !== undefined && before !== undefined) {
      const diff = row.gasUsed - before;
      delta =
        diff === 0
          ? '='
          : `${diff > 0 ? '+' : ''}${diff} (${((diff / before) * 100).toFixed(1)}%)${diff > 0 ? ' REGRESSION' : ''}`;
    } else if (row.gasUsed !== undefined && previous.size > 0) delta = 'new';
    return [
      row.contract,
      row.fn,
      row.gasUsed !== undefined ? row.gasUsed.toLocaleString('en-US') : `— ${row.note ?? ''}`,
      delta,
    ];
  });
  const widths = header.map((h, c) =>
    Math.max(h.length, ...body.map((r) => Math.min((r[c] ?? '').length, c === 2 ? 12 : 80))),
  );
  const render = (r: string[]) =>
    r
      .map((cell, c) =>
        c === 2 && !cell.startsWith('—') ? cell.padStart(widths[c] ?? 0) : cell.padEnd(widths[c] ?? 0),
      )
      .join('  ')
      .trimEnd();
  const driven = rows.filter((r) => r.gasUsed !== undefined).length;
  return [
    render(header),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...body.map(render),
    '',
    `${driven} of ${rows.length} state-changing external functions driven`,
  ].join('\n');
}

/**
 * The `contracts` workload (issue 4): gas used by every state-changing external function of the system
 * contracts deployed at the devnet's genesis (`aidoc_contracts`), each driven once with realistic
 * arguments, read from the receipts; printed with the delta against the previous recorded run.
 *
 * @example
 * ```ts
 * // pnpm bench contracts
 * ```
 */
export const contractsWorkload: Workload = {
  name: 'contracts',
  summary:
    'gas used per external function of the system contracts on the devnet, vs the previous recorded run',
  defaultTargets: ['devnet'],
  async run(ctx) {
    const rows = await driveSystem(ctx);
    ctx.attach?.({ gas: rows });
    const driven = rows.filter((r) => r.gasUsed !== undefined).length;
    ctx.log(`${driven} of ${rows.length} functions driven`);
    return [];
  },
  report(results) {
    const devnet = results.find((r) => !r.error && r.details?.gas);
    if (!devnet) return 'no gas figures (the devnet failed)';
    return formatGasTable(devnet.details!.gas as GasRow[], previousGas());
  },
};
