import type { DeployResult, DeployStepEvent } from '../commands/deploy/deploy';
import { shortHex } from './shortHex';

/**
 * The first progress line of `aidoc deploy`: network, deployer, governance, number of steps.
 *
 * @example
 * ```ts
 * formatDeployStart({ rpc, chainId: 31337, deployer, governance, total: 17 });
 * ```
 */
export function formatDeployStart(info: {
  rpc: string;
  chainId: number;
  deployer: string;
  governance: string;
  total: number;
}): string {
  return (
    `Deploying the AIDOC system onto chain ${info.chainId} (${info.rpc}) in ${info.total} transactions\n` +
    `  deployer   ${info.deployer}\n  governance ${info.governance}\n`
  );
}

/**
 * One progress line of `aidoc deploy`: `[ 3/17] create KeyRegistry  0x1a2b3c…7d8e9f  gas 612345`.
 *
 * @example
 * ```ts
 * process.stderr.write(formatDeployStep(event));
 * ```
 */
export function formatDeployStep(event: DeployStepEvent): string {
  const width = String(event.total).length;
  return `  [${String(event.step).padStart(width)}/${event.total}] ${event.label}  ${shortHex(event.hash)}  gas ${event.gasUsed}\n`;
}

/**
 * The summary of `aidoc deploy` on a terminal: every public contract address and the file written.
 *
 * @example
 * ```ts
 * process.stdout.write(formatDeployResult(result));
 * ```
 */
export function formatDeployResult(result: DeployResult): string {
  const entries = Object.entries(result.contracts);
  const width = Math.max(...entries.map(([name]) => name.length));
  return [
    `AIDOC system deployed on chain ${result.chainId} (${result.transactions.length} transactions, ${result.gasUsed} gas)\n`,
    ...entries.map(([name, address]) => `  ${name.padEnd(width)} ${address}\n`),
    `Governance: ${result.governance}\n`,
    `Addresses written to ${result.out}\n`,
  ].join('');
}
