import { startDevnet } from '@aidoc/devnet';
import { expect, it } from 'vitest';
import { runGuideCode } from './runGuideCode';

it('docs/guides/devnet.md: each snippet runs as written (CLI child process, startDevnet, viem, ethers)', async () => {
  // The viem and ethers snippets talk to `aidoc devnet up` on 8545: here, a devnet on a free port.
  const devnet = await startDevnet({ port: 0 });
  try {
    const hostPort = new URL(devnet.rpcUrl).host;
    const lines = await runGuideCode('docs/guides/devnet.md', {
      separate: true,
      replace: [['127.0.0.1:8545', hostPort]],
      format: String,
    });
    expect(lines[0]).toMatch(/^devnet at http:\/\/127\.0\.0\.1:\d+ chain 31337$/);
    expect(lines[1]).toMatch(/^http:\/\/127\.0\.0\.1:\d+ 0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266$/);
    expect(lines[2]).toBe('mined in block 1 success');
    expect(lines[3]).toBe('mined in block 2 31337');
    expect(lines).toHaveLength(4);
  } finally {
    await devnet.stop();
  }
}, 120_000);
