import { devnetContracts } from '@aidoc/contracts';
import { expect, it } from 'vitest';
import { runGuideCode } from './runGuideCode';

it('packages/sdk/README.md: the example runs (record, grant, the grantee reads it)', async () => {
  const lines = await runGuideCode('packages/sdk/README.md');
  expect(lines).toHaveLength(1);
  expect(JSON.parse(lines[0] as string)).toMatchObject({
    resourceType: 'Observation',
    valueQuantity: { value: 72 },
  });
}, 120_000);

it('packages/devnet/README.md: the example runs', async () => {
  const lines = await runGuideCode('packages/devnet/README.md', { format: String });
  expect(lines).toEqual([
    expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+ 0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266$/),
  ]);
});

it('README.md: the devnet-in-a-test-suite example runs', async () => {
  const lines = await runGuideCode('README.md', { format: String });
  expect(lines).toEqual([`0 ${devnetContracts.AidToken.toLowerCase()}`]);
});
