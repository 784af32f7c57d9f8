import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TargetSpec } from '../harness/types';
import { benchDir, repoRoot } from './benchPaths';

const nodeSourceArgs = ['--conditions=source', '--import', 'tsx'];

/**
 * The AIDOC devnet, from source: `aidoc devnet up --json` through the CLI, or, if the CLI cannot start it
 * yet, bench/targets/devnet-child.ts which calls `startDevnet()` directly.
 */
export const devnetTarget: TargetSpec = {
  name: 'devnet',
  async describe() {
    const version = JSON.parse(readFileSync(join(repoRoot, 'packages/devnet/package.json'), 'utf8')).version;
    let commit = 'unknown';
    try {
      commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
        cwd: repoRoot,
        encoding: 'utf8',
      }).trim();
    } catch {
      // not a git checkout
    }
    return `@aidoc/devnet ${version} (source, git ${commit})`;
  },
  spawnSpecs(port) {
    return [
      {
        via: 'cli',
        command: process.execPath,
        args: [
          ...nodeSourceArgs,
          'packages/cli/src/bin.ts',
          'devnet',
          'up',
          '--port',
          String(port),
          '--json',
        ],
        cwd: repoRoot,
      },
      {
        via: 'devnet-child',
        command: process.execPath,
        args: [...nodeSourceArgs, join(benchDir, 'targets/devnet-child.ts'), '--port', String(port)],
        cwd: repoRoot,
      },
    ];
  },
};
