import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { TargetSpec } from '../harness/types';
import { benchDir } from './benchPaths';

const require = createRequire(join(benchDir, 'package.json'));

/** Path of the prebuilt anvil binary inside `@foundry-rs/anvil-<platform>` (spawned directly, no Node wrapper). */
function anvilBinary(): string {
  const arch = process.arch === 'x64' ? 'amd64' : process.arch;
  const wrapperDir = dirname(require.resolve('@foundry-rs/anvil/package.json'));
  const fromWrapper = createRequire(join(wrapperDir, 'package.json'));
  const pkg = `@foundry-rs/anvil-${process.platform}-${arch}`;
  const pkgDir = dirname(fromWrapper.resolve(`${pkg}/package.json`));
  return join(pkgDir, 'bin', process.platform === 'win32' ? 'anvil.exe' : 'anvil');
}

/**
 * Anvil (Foundry) from npm: Prague rules, default test mnemonic, 10 accounts, automine, no request log.
 *
 * Under a burst of back-to-back transactions from one sender, anvil 1.7.1's automine can stop with ready
 * transactions left in its pool (seen here on every full run; a mined nonce stays in the pool and no further
 * block comes, even with `--mixed-mining --block-time 1`; see foundry-rs/foundry#10122). `evm_mine` gets it
 * going again, so the harness sends one when a receipt is late and counts it in the results (`stallNudges`).
 */
export const anvilTarget: TargetSpec = {
  name: 'anvil',
  async describe() {
    const version = JSON.parse(
      readFileSync(require.resolve('@foundry-rs/anvil/package.json'), 'utf8'),
    ).version;
    try {
      const { stdout } = await promisify(execFile)(anvilBinary(), ['--version']);
      return `anvil ${version} (${stdout.split('\n')[0]?.trim()})`;
    } catch {
      return `anvil ${version}`;
    }
  },
  async nudgeStalledMiner(rpc) {
    await rpc.request('evm_mine');
  },
  spawnSpecs(port) {
    return [
      {
        via: 'anvil-binary',
        command: anvilBinary(),
        args: [
          '--port',
          String(port),
          '--host',
          '127.0.0.1',
          '--hardfork',
          'prague',
          '--accounts',
          '10',
          '--silent',
        ],
        cwd: benchDir,
      },
    ];
  },
};
