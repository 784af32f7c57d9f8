import { readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

const repo = resolve(__dirname, '../../..');

/** How a guide's logged values become text: strings as they are, the rest as JSON (bigints as `12n`). */
function formatAsJson(value: unknown): string {
  return typeof value === 'string'
    ? value
    : JSON.stringify(value, (_key, v) => (typeof v === 'bigint' ? `${v}n` : v));
}

/**
 * Runs a guide's ```ts blocks as one module (or, with `separate`, each block as its own module, in order),
 * with `@aidoc/sdk` imports taken from the SDK's sources and each `[from, to]` of `replace` applied to the
 * code first, and returns its `console.log` lines (each line's values joined by spaces, formatted by
 * `format`).
 *
 * @example
 * ```ts
 * const lines = await runGuideCode('docs/guides/wallet.md');
 * ```
 */
export async function runGuideCode(
  guide: string,
  options: {
    replace?: Array<[string, string]>;
    format?: (value: unknown) => string;
    separate?: boolean;
  } = {},
): Promise<string[]> {
  const markdown = await readFile(join(repo, guide), 'utf8');
  const blocks = [...markdown.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
  if (blocks.length === 0) throw new Error(`${guide} has no ts code blocks`);
  const all = blocks.join('\n');
  for (const [from] of options.replace ?? []) {
    if (!all.includes(from)) throw new Error(`${guide}: "${from}" is not in its code any more`);
  }
  const format = options.format ?? formatAsJson;
  const lines: string[] = [];
  const key = `__guideLog_${guide.replace(/\W/g, '_')}`;
  (globalThis as Record<string, unknown>)[key] = (...values: unknown[]) =>
    lines.push(values.map(format).join(' '));
  const file = join(__dirname, `.guide-${guide.replace(/\W/g, '-')}.generated.ts`);
  try {
    for (const [i, code] of (options.separate ? blocks : [all]).entries()) {
      let source = code.replaceAll("from '@aidoc/sdk'", "from '../src'");
      for (const [from, to] of options.replace ?? []) source = source.replaceAll(from, to);
      source = source.replaceAll('console.log(', '__guideLog(');
      // A new file name per module: an imported module is cached by its URL.
      const path = file.replace(/\.generated\.ts$/, `-${i}.generated.ts`);
      await writeFile(path, `const __guideLog = (globalThis as any).${key};\n${source}\nexport {};\n`);
      try {
        await import(/* @vite-ignore */ path);
      } finally {
        await rm(path, { force: true });
      }
    }
  } finally {
    delete (globalThis as Record<string, unknown>)[key];
  }
  if (process.env.SHOW_GUIDE) console.log(lines.join('\n'));
  return lines;
}
