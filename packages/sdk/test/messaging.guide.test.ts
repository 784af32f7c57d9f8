import { expect, it } from 'vitest';
import { runGuideCode } from './runGuideCode';

it('docs/guides/messaging.md runs as written', async () => {
  const lines = await runGuideCode('docs/guides/messaging.md', { format: String });
  expect(lines.length).toBeGreaterThan(5);
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
