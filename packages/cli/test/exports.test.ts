import { expect, it } from 'vitest';
import * as cli from '../src/index';

it('exports exactly the public API of @aidoc/cli', () => {
  expect(Object.keys(cli).sort()).toEqual([
    'ExitCode',
    'createCliContext',
    'createProgram',
    'deployAidocSystem',
    'devnetFault',
    'devnetStatus',
    'devnetUp',
    'devnetUpOptions',
    'exitCodeFor',
    'formatError',
    'jsonLine',
    'readDeployments',
    'runCli',
    'toDevnetOptions',
    'validatorFaultKinds',
    'wantsJson',
    'writeDeployments',
  ]);
});
