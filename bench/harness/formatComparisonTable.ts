import type { ComparisonRow } from './summarizeWorkload';

function formatNumber(value: number | undefined): string {
  if (value === undefined) return '—';
  if (value >= 100) return Math.round(value).toLocaleString('en-US');
  if (value >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

/**
 * Render comparison rows as a plain-text table: one column per target, one per ratio, then the verdict.
 *
 * @example
 * ```ts
 * console.log(formatComparisonTable(rows, ['devnet', 'anvil', 'hardhat'], 'devnet'));
 * ```
 */
export function formatComparisonTable(
  rows: ComparisonRow[],
  targets: string[],
  subject: string | undefined,
): string {
  const others = targets.filter((t) => t !== subject);
  const header = [
    'line',
    'unit',
    ...targets,
    ...(subject ? others.map((o) => `${subject}/${o}`) : []),
    'goal',
  ];
  const body = rows.map((row) => [
    row.label,
    row.unit,
    ...targets.map((t) => formatNumber(row.values[t])),
    ...(subject
      ? others.map((o) => (row.ratios[o] === undefined ? '—' : `${(row.ratios[o] as number).toFixed(2)}x`))
      : []),
    row.verdict ? `${row.verdict.result} (${row.verdict.rule})` : '',
  ]);
  const all = [header, ...body];
  const widths = header.map((_, c) => Math.max(...all.map((r) => (r[c] ?? '').length)));
  const render = (r: string[]) =>
    r
      .map((cell, c) =>
        c <= 1 || c === r.length - 1 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0),
      )
      .join('  ')
      .trimEnd();
  return [render(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(render)].join('\n');
}
