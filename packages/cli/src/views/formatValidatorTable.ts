import type { ValidatorStatus } from '../commands/devnet/validatorStatus';
import { validatorCondition } from '../commands/devnet/validatorStatus';

/**
 * Render validator statuses as a plain-text table (index, address, role, condition, height/round), one
 * line per validator, for `aidoc devnet status` and `aidoc devnet fault` on a terminal.
 *
 * @example
 * ```ts
 * process.stdout.write(formatValidatorTable(status.validators));
 * ```
 */
export function formatValidatorTable(validators: readonly ValidatorStatus[]): string {
  const rows = validators.map((v) => [
    `#${v.index}`,
    v.address,
    v.validator ? (v.proposer ? 'validator, next proposer' : 'validator') : 'standby',
    validatorCondition(v),
    `height ${v.height} round ${v.round}`,
  ]);
  const header = ['node', 'address', 'role', 'condition', 'position'];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const render = (cells: string[]) =>
    `  ${cells
      .map((cell, c) => cell.padEnd(widths[c]!))
      .join('  ')
      .trimEnd()}\n`;
  return render(header) + rows.map(render).join('');
}
