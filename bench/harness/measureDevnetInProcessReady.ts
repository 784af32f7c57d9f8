import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { benchDir, repoRoot } from '../targets/benchPaths';
import { stopChildProcess, trackChildProcess } from './childProcessRegistry';

/** Timings of `startDevnet()` inside a fresh Node process, in milliseconds. */
export interface InProcessReady {
  importMs: number;
  startMs: number;
  firstCallMs: number;
  /** startDevnet() call to first eth_chainId answered over HTTP (import excluded). */
  readyMs: number;
}

/**
 * Run bench/targets/devnet-inprocess-ready.ts in a fresh process and return its timings.
 *
 * @example
 * ```ts
 * const { readyMs } = await measureDevnetInProcessReady();
 * ```
 */
export async function measureDevnetInProcessReady(timeoutMs = 60_000): Promise<InProcessReady> {
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', join(benchDir, 'targets/devnet-inprocess-ready.ts')],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  trackChildProcess(child);
  let out = '';
  let err = '';
  child.stdout?.on('data', (c: Buffer) => {
    out += c.toString('utf8');
  });
  child.stderr?.on('data', (c: Buffer) => {
    err += c.toString('utf8');
  });
  const timer = setTimeout(() => void stopChildProcess(child, 1_000), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  clearTimeout(timer);
  await stopChildProcess(child, 1_000);
  const line = out.split('\n').find((l) => l.startsWith('{'));
  if (code !== 0 || !line) {
    const why = (err || out).trim().split('\n').slice(0, 6).join('\n');
    throw new Error(`startDevnet() in-process measurement failed (exit ${code}): ${why}`);
  }
  return JSON.parse(line) as InProcessReady;
}
