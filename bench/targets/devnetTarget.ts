import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TargetSpec } from '../harness/types';
import { benchDir, repoRoot } from './benchPaths';

const nodeSourceArgs = ['--conditions=source', '--import', 'tsx'];

/**
 * The AIDOC devnet as users start it: the built `aidoc devnet up --json`; the CLI from source, or
 * bench/targets/devnet-child.ts calling `startDevnet()`, are fallbacks.
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
    return `@aidoc/devnet ${version} (built CLI, git ${commit})`;
  },
  spawnSpecs(port) {
    return [
      {
        // What users run: the built CLI (`pnpm bench` builds the packages first).
        via: 'cli',
        command: process.execPath,
        args: ['packages/cli/dist/bin.js', 'devnet', 'up', '--port', String(port), '--json'],
        cwd: repoRoot,
      },
      {
        via: 'cli-source',
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
