import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Write a workload's results to `<dir>/<name>-<timestamp>.json` and `<dir>/latest-<name>.json`; returns both paths.
 *
 * @example
 * ```ts
 * writeWorkloadResult('bench/results', 'rpc', result, new Date());
 * ```
 */
export function writeWorkloadResult(dir: string, name: string, result: unknown, at: Date): string[] {
  mkdirSync(dir, { recursive: true });
  const stamp = at
    .toISOString()
    .replace(/:/g, '-')
    .replace(/\.\d+Z$/, 'Z');
  const text = `${JSON.stringify(result, null, 2)}\n`;
  const paths = [join(dir, `${name}-${stamp}.json`), join(dir, `latest-${name}.json`)];
  for (const p of paths) writeFileSync(p, text);
  return paths;
}
