import type { ChildProcess } from 'node:child_process';

const live = new Set<ChildProcess>();
let handlersInstalled = false;

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal); // the whole process group (children are spawned detached)
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

/** Kill every tracked child process group at once with SIGKILL (synchronous; safe inside `exit`). */
export function killAllChildrenNow(): void {
  for (const child of live) signalGroup(child, 'SIGKILL');
  live.clear();
}

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', killAllChildrenNow);
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const) {
    process.on(signal, () => {
      process.stderr.write(`\nbench: ${signal}, stopping ${live.size} target process(es)\n`);
      killAllChildrenNow();
      process.exit(code);
    });
  }
  process.on('uncaughtException', (error) => {
    killAllChildrenNow();
    process.stderr.write(`bench: uncaught exception: ${error.stack ?? String(error)}\n`);
    process.exit(1);
  });
  process.on('unhandledRejection', (reason) => {
    killAllChildrenNow();
    process.stderr.write(
      `bench: unhandled rejection: ${reason instanceof Error ? reason.stack : String(reason)}\n`,
    );
    process.exit(1);
  });
}

/**
 * Track a detached child so its process group is killed when the bench exits, fails or gets Ctrl-C.
 *
 * @example
 * ```ts
 * const child = spawn('anvil', ['--port', '0'], { detached: true });
 * trackChildProcess(child);
 * ```
 */
export function trackChildProcess(child: ChildProcess): void {
  installHandlers();
  live.add(child);
  child.once('exit', () => live.delete(child));
}

/**
 * Stop a tracked child's process group: SIGTERM, then SIGKILL after `graceMs`; resolves once it exited.
 *
 * @example
 * ```ts
 * await stopChildProcess(child, 3000);
 * ```
 */
export async function stopChildProcess(child: ChildProcess, graceMs = 3_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    live.delete(child);
    return;
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  signalGroup(child, 'SIGTERM');
  const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
  if (child.pid !== undefined) {
    try {
      process.kill(-child.pid, 'SIGKILL'); // leftovers in the group, if any
    } catch {
      // group is empty: nothing left
    }
  }
  live.delete(child);
}
