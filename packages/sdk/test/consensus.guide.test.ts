import { expect, it } from 'vitest';
import { runGuideCode } from './runGuideCode';

it('docs/guides/consensus.md runs as written: 4 validators, finalized blocks watched, seals verified', async () => {
  const lines = await runGuideCode('docs/guides/consensus.md');
  expect(lines).toContainEqual(expect.stringMatching(/^[34]\/4 seals \(quorum 3\), committed in round \d+$/));
}, 120_000);
