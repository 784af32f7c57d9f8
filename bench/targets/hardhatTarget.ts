import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { TargetSpec } from '../harness/types';
import { benchDir } from './benchPaths';

const require = createRequire(join(benchDir, 'package.json'));

/** Hardhat 2 `hardhat node` with bench/hardhat/hardhat.config.cjs, run as `node <hardhat cli> node`. */
export const hardhatTarget: TargetSpec = {
  name: 'hardhat',
  async describe() {
    const pkgPath = require.resolve('hardhat/package.json');
    const version = JSON.parse(readFileSync(pkgPath, 'utf8')).version;
    return `hardhat node ${version} (EDR, prague, logging off)`;
  },
  spawnSpecs(port) {
    const cli = join(dirname(require.resolve('hardhat/package.json')), 'internal', 'cli', 'bootstrap.js');
    return [
      {
        via: 'hardhat-node',
        command: process.execPath,
        args: [cli, 'node', '--hostname', '127.0.0.1', '--port', String(port)],
        cwd: join(benchDir, 'hardhat'),
        env: { HARDHAT_DISABLE_TELEMETRY_PROMPT: 'true', DO_NOT_TRACK: '1' },
      },
    ];
  },
};
