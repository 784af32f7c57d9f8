import { describe, expect, it } from 'vitest';
import { runGuideCode } from './runGuideCode';

describe('guides run as written', () => {
  it('docs/guides/wallet.md', async () => {
    const out = await runGuideCode('docs/guides/wallet.md');
    expect(out).toContain('0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266');
    expect(out).toContain('true true');
    expect(out.some((l) => l.startsWith('{"address":"0x') && !l.includes('privateKey'))).toBe(true);
  });

  it('docs/guides/records.md', async () => {
    const out = await runGuideCode('docs/guides/records.md');
    expect(out).toContain('owner Observation');
    expect(out).toContain('ACCESS_DENIED');
    expect(out).toContain('laboratory');
    expect(out).toContain('DiagnosticReport');
    expect(out).toContain('request "1n" Diabetes screening study "5000000000000000000n"');
  });
});
