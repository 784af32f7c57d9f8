import type { DevnetFaultResult } from '../commands/devnet/fault';
import type { DevnetStatus } from '../commands/devnet/status';
import { validatorCondition } from '../commands/devnet/validatorStatus';
import { formatValidatorTable } from './formatValidatorTable';

/**
 * Render `aidoc devnet status` for a terminal: chain, head, finalized block, quorum and whether blocks can
 * be committed, then the validator table.
 *
 * @example
 * ```ts
 * process.stdout.write(formatDevnetStatus(await devnetStatus({ rpc })));
 * ```
 */
export function formatDevnetStatus(status: DevnetStatus): string {
  const finalized = status.finalized
    ? `#${status.finalized.number}${status.finalized.number === status.head.number ? ' (head is final)' : ''}`
    : 'none';
  const finality = status.canCommit
    ? `progressing: ${status.reachable} of ${status.validatorCount} validators reachable, quorum ${status.quorum}`
    : `STALLED: ${status.reachable} of ${status.validatorCount} validators reachable, quorum ${status.quorum}; heal validators (aidoc devnet fault --validator I heal)`;
  return [
    `Devnet ${status.rpc} · chain id ${status.chainId}\n`,
    `  head      #${status.head.number} ${status.head.hash}\n`,
    `  finalized ${finalized}\n`,
    `  finality  ${finality}\n`,
    '\n',
    formatValidatorTable(status.validators),
  ].join('');
}

/**
 * Render the result of `aidoc devnet fault` for a terminal: what was done and the validator's new status.
 *
 * @example
 * ```ts
 * process.stdout.write(formatDevnetFault(await devnetFault({ rpc, validator: 1, kind: 'crash' })));
 * ```
 */
export function formatDevnetFault(result: DevnetFaultResult): string {
  const what = result.fault.kind === 'delay' ? `delay ${result.fault.ms} ms` : result.fault.kind;
  return [
    `Validator #${result.validator.index} (${result.validator.address}): ${what} applied; now ${validatorCondition(result.validator)}.\n`,
    '\n',
    formatValidatorTable([result.validator]),
    `\nSee every validator with: aidoc devnet status --rpc ${result.rpc}\n`,
  ].join('');
}
