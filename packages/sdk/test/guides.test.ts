import { readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const docs = resolve(__dirname, '../../../docs/guides');

/** Joins a guide's ```ts blocks into one module, imports from `@aidoc/sdk` mapped to the SDK sources. */
async function runGuide(name: string): Promise<string[]> {
  const markdown = await readFile(join(docs, name), 'utf8');
  const blocks = [...markdown.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
  expect(blocks.length).toBeGreaterThan(3);
  const source = blocks
    .join('\n')
    .replaceAll("from '@aidoc/sdk'", "from './sdkSurface'")
    .replaceAll('console.log(', '__log(');
  const file = join(__dirname, `.guide-${name.replace(/\W/g, '-')}.generated.ts`);
  await writeFile(
    file,
    `const __log = (...a: unknown[]) => (globalThis as any).__guideLog.push(a);\n${source}\nexport {};\n`,
  );
  const lines: unknown[][] = [];
  (globalThis as { __guideLog?: unknown[][] }).__guideLog = lines;
  try {
    await import(/* @vite-ignore */ file);
  } finally {
    await rm(file, { force: true });
  }
  return lines.map((l) =>
    l
      .map((x) =>
        typeof x === 'string' ? x : JSON.stringify(x, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v)),
      )
      .join(' '),
  );
}

describe('guides run as written', () => {
  it('docs/guides/wallet.md', async () => {
    const out = await runGuide('wallet.md');
    if (process.env.SHOW_GUIDE) console.log(out.join('\n'));
    expect(out).toContain('0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266');
    expect(out).toContain('true true');
    expect(out.some((l) => l.startsWith('{"address":"0x') && !l.includes('privateKey'))).toBe(true);
  });

  it('docs/guides/records.md', async () => {
    const out = await runGuide('records.md');
    if (process.env.SHOW_GUIDE) console.log(out.join('\n'));
    expect(out).toContain('owner Observation');
    expect(out).toContain('ACCESS_DENIED');
    expect(out).toContain('laboratory');
    expect(out).toContain('DiagnosticReport');
    expect(out).toContain('request "1n" Diabetes screening study "5000000000000000000n"');
  });
});
