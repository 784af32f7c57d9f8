import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { stopChildProcess, trackChildProcess } from './childProcessRegistry';
import { createJsonRpcClient } from './createJsonRpcClient';
import { findFreePort } from './findFreePort';
import { readProcessTreeMemory } from './readProcessTreeMemory';
import type { RunningTarget, SpawnSpec, TargetSpec } from './types';

const READY_TIMEOUT_MS = 60_000;
const TAIL_LINES = 40;

/** The last lines a child printed, kept for error messages. */
function createTail(): { push(chunk: Buffer): void; text(): string } {
  const lines: string[] = [];
  let partial = '';
  return {
    push(chunk) {
      const parts = (partial + chunk.toString('utf8')).split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) {
        lines.push(line);
        if (lines.length > TAIL_LINES) lines.shift();
      }
    },
    text: () => [...lines, partial].filter(Boolean).join('\n'),
  };
}

async function startOne(
  target: TargetSpec,
  spec: SpawnSpec,
  port: number,
  description: string,
  release: () => Promise<void>,
): Promise<RunningTarget> {
  const name = target.name;
  const rpcUrl = `http://127.0.0.1:${port}`;
  const t0 = performance.now();
  const child = spawn(spec.command, spec.args, {
    cwd: spec.cwd,
    env: { ...process.env, ...spec.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // own process group, so the whole tree can be stopped
  });
  trackChildProcess(child);
  const tail = createTail();
  child.stdout?.on('data', (c: Buffer) => tail.push(c));
  child.stderr?.on('data', (c: Buffer) => tail.push(c));
  let exited: string | undefined;
  child.once('exit', (code, signal) => {
    exited = `exited with ${signal ?? `code ${code}`}`;
  });
  child.once('error', (error) => {
    exited = `failed to spawn: ${error.message}`;
  });

  // Readiness: the first eth_chainId that answers. A dedicated one-connection client, so the measured
  // client starts with a clean pool.
  const probe = createJsonRpcClient(rpcUrl, { connections: 1 });
  let readyMs: number | undefined;
  try {
    while (readyMs === undefined) {
      if (exited) {
        throw new Error(`${name} (${spec.via}) ${exited} before it was ready. Last output:\n${tail.text()}`);
      }
      if (performance.now() - t0 > READY_TIMEOUT_MS) {
        throw new Error(
          `${name} (${spec.via}) not ready after ${READY_TIMEOUT_MS} ms. Last output:\n${tail.text()}`,
        );
      }
      try {
        await probe.request('eth_chainId');
        readyMs = performance.now() - t0;
      } catch {
        await sleep(5);
      }
    }
  } catch (error) {
    await stopChildProcess(child);
    throw error;
  } finally {
    await probe.close();
  }

  const pid = child.pid as number;
  const rpc = createJsonRpcClient(rpcUrl, { connections: 64 });
  let stopped = false;
  let stallNudges = 0;
  let nudging: Promise<void> | undefined;
  let lastNudge = Number.NEGATIVE_INFINITY;
  const nudge = target.nudgeStalledMiner?.bind(target);
  return {
    name,
    description,
    via: spec.via,
    pid,
    rpcUrl,
    readyMs,
    rpc,
    get stallNudges() {
      return stallNudges;
    },
    ...(nudge
      ? {
          // Single flight, at most one per 200 ms however many waiters notice the stall.
          nudgeStalledMiner: (): Promise<void> => {
            if (nudging) return nudging;
            if (performance.now() - lastNudge < 200) return Promise.resolve();
            stallNudges++;
            const running = nudge(rpc).finally(() => {
              lastNudge = performance.now();
              nudging = undefined;
            });
            nudging = running;
            return running;
          },
        }
      : {}),
    readPeakRss: () => readProcessTreeMemory(pid),
    async stop() {
      if (stopped) return;
      stopped = true;
      await rpc.close().catch(() => undefined);
      await stopChildProcess(child);
      await release();
    },
  };
}

/**
 * Spawn a target as a child process on a free port and wait until it answers `eth_chainId`.
 * Spawn specs are tried in order; one whose process exits before it is ready falls through to the next.
 *
 * @example
 * ```ts
 * const target = await startTarget(anvilTarget, (m) => console.log(m));
 * console.log(target.readyMs, target.readPeakRss().peakRssBytes);
 * await target.stop();
 * ```
 */
export async function startTarget(spec: TargetSpec, log: (message: string) => void): Promise<RunningTarget> {
  const description = await spec.describe();
  const port = await findFreePort();
  const prepared = spec.prepare ? await spec.prepare() : { args: [], release: async () => {} };
  const specs = spec.spawnSpecs(port).map((s) => ({ ...s, args: [...s.args, ...prepared.args] }));
  let lastError: unknown;
  for (const [i, s] of specs.entries()) {
    try {
      return await startOne(spec, s, port, description, prepared.release);
    } catch (error) {
      lastError = error;
      if (i < specs.length - 1) {
        const first = (error instanceof Error ? error.message : String(error)).split('\n')[0];
        log(`${spec.name}: start via ${s.via} failed (${first}); trying ${specs[i + 1]?.via}`);
      }
    }
  }
  await prepared.release();
  throw lastError;
}
