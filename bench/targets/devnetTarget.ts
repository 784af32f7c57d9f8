import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TargetSpec } from '../harness/types';
import { benchDir, repoRoot } from './benchPaths';

const nodeSourceArgs = ['--conditions=source', '--import', 'tsx'];

/** Options of {@link createDevnetTarget}. */
export interface DevnetTargetOptions {
  /** Target name in reports; default `devnet`. */
  name?: string;
  /** Extra `aidoc devnet up` arguments, e.g. `['--validators', '7']` (devnet-child.ts accepts the same). */
  args?: string[];
  /** Run with `--data-dir` in a fresh temporary directory, removed when the target stops. */
  tempDataDir?: boolean;
  /** Appended to the description, e.g. `4 validators, --data-dir`. */
  label?: string;
}

/**
 * A devnet target as users start it: the built `aidoc devnet up --json`; the CLI from source, or
 * bench/targets/devnet-child.ts calling `startDevnet()`, are fallbacks. Extra CLI arguments and a temporary
 * `--data-dir` make variants (validator counts, persistence) for workloads such as `consensus`.
 *
 * @example
 * ```ts
 * const fourOnDisk = createDevnetTarget({ name: 'devnet-4v-disk', args: ['--validators', '4'], tempDataDir: true });
 * ```
 */
export function createDevnetTarget(options: DevnetTargetOptions = {}): TargetSpec {
  const extra = options.args ?? [];
  return {
    name: options.name ?? 'devnet',
    async describe() {
      const version = JSON.parse(
        readFileSync(join(repoRoot, 'packages/devnet/package.json'), 'utf8'),
      ).version;
      let commit = 'unknown';
      try {
        commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
          cwd: repoRoot,
          encoding: 'utf8',
        }).trim();
      } catch {
        // not a git checkout
      }
      return `@aidoc/devnet ${version} (built CLI, git ${commit})${options.label ? `, ${options.label}` : ''}`;
    },
    ...(options.tempDataDir
      ? {
          async prepare() {
            const dir = await mkdtemp(join(tmpdir(), 'aidoc-bench-devnet-'));
            return { args: ['--data-dir', dir], release: () => rm(dir, { recursive: true, force: true }) };
          },
        }
      : {}),
    spawnSpecs(port) {
      // The RPC port is the harness's; the other servers take free ports unless a workload chose them, so
      // several devnets (and leftovers of other runs) never collide on 5001 / 9000.
      const free = [
        ...(extra.includes('--ipfs-port') ? [] : ['--ipfs-port', '0']),
        ...(extra.includes('--inference-port') ? [] : ['--inference-port', '0']),
      ];
      const up = ['devnet', 'up', '--port', String(port), '--json', ...free, ...extra];
      return [
        // What users run: the built CLI (`pnpm bench` builds the packages first).
        { via: 'cli', command: process.execPath, args: ['packages/cli/dist/bin.js', ...up], cwd: repoRoot },
        {
          via: 'cli-source',
          command: process.execPath,
          args: [...nodeSourceArgs, 'packages/cli/src/bin.ts', ...up],
          cwd: repoRoot,
        },
        {
          via: 'devnet-child',
          command: process.execPath,
          args: [
            ...nodeSourceArgs,
            join(benchDir, 'targets/devnet-child.ts'),
            '--port',
            String(port),
            ...extra,
          ],
          cwd: repoRoot,
        },
      ];
    },
  };
}

/** The default devnet target: `aidoc devnet up` with its defaults (4 validators, in memory). */
export const devnetTarget: TargetSpec = createDevnetTarget();
