/**
 * Render a title and aligned `label  value` lines (undefined values are skipped), e.g. a command's result.
 *
 * @example
 * ```ts
 * formatFields('Uploaded record 1', [['cid', 'Qm…'], ['tx', '0x…']]);
 * // 'Uploaded record 1\n  cid  Qm…\n  tx   0x…\n'
 * ```
 */
export function formatFields(
  title: string,
  rows: readonly (readonly [string, string | undefined])[],
): string {
  const shown = rows.filter((row): row is readonly [string, string] => row[1] !== undefined);
  const width = Math.max(0, ...shown.map(([label]) => label.length));
  return `${title}\n${shown.map(([label, value]) => `  ${label.padEnd(width)}  ${value}\n`).join('')}`;
}

/**
 * Render rows as a table with a header line and columns padded to their widest cell.
 *
 * @example
 * ```ts
 * formatTable(['id', 'category'], [['1', 'vital-signs']]);
 * // 'id  category   \n1   vital-signs\n'
 * ```
 */
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    `${cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd()}\n`;
  return line(headers) + rows.map(line).join('');
}
