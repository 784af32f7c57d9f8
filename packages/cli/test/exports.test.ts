import { expect, it } from 'vitest';
import * as cli from '../src/index';

it('exports exactly the public API of @aidoc/cli', () => {
  expect(Object.keys(cli).sort()).toEqual([
    'ExitCode',
    'createCliContext',
    'createProgram',
    'devnetUp',
    'devnetUpOptions',
    'exitCodeFor',
    'formatError',
    'jsonLine',
    'runCli',
    'toDevnetOptions',
    'wantsJson',
  ]);
});
