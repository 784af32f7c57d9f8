import { readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';

it('docs/guides/messaging.md runs as written', async () => {
  const markdown = await readFile(resolve(__dirname, '../../../docs/guides/messaging.md'), 'utf8');
  const blocks = [...markdown.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
  expect(blocks.length).toBeGreaterThan(5);
  const source = blocks
    .join('\n')
    .replaceAll("from '@aidoc/sdk'", "from './messagingSurface'")
    .replaceAll('console.log(', '__log(');
  const file = join(__dirname, '.guide-messaging.generated.ts');
  await writeFile(
    file,
    `const __log = (...a: unknown[]) => (globalThis as any).__messagingGuideLog.push(a.map(String).join(' '));\n${source}\nexport {};\n`,
  );
  const lines: string[] = [];
  (globalThis as { __messagingGuideLog?: string[] }).__messagingGuideLog = lines;
  try {
    await import(/* @vite-ignore */ file);
  } finally {
    await rm(file, { force: true });
  }
  if (process.env.SHOW_GUIDE) console.log(lines.join('\n'));
  expect(lines).toContain('registered 1 2');
  expect(lines).toContain('sent 1 true true');
  expect(lines).toContain('result {"flagged":[]}');
  expect(lines.filter((l) => l.startsWith('refused '))).toEqual([
    'refused NOT_FOUND',
    'refused ACCESS_DENIED',
    'refused LIMIT_EXCEEDED',
    'refused ACCESS_DENIED',
  ]);
  expect(lines).toContain(
    'notification lab-interpreter lab-sheet.advice {"text":"Glucose is high: please see your doctor."}',
  );
  expect(lines).toContain('unread left 0');
  expect(lines).toContain('handled 1#1 lab-sheet.values, 1#2 lab-sheet.values');
});
