import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

/** A running `aidoc` child process with its output split into lines. */
export interface CliProcess {
  child: ChildProcess;
  /** Every stdout line so far. */
  lines: string[];
  /** Resolves with the first stdout line (already seen or future) that matches. */
  waitForLine(match: (line: string) => boolean, what: string): Promise<string>;
  /** Resolves with the exit code (or the signal name) and all of stderr. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

/**
 * Spawn the CLI from source the way `pnpm aidoc` does, with `env` added to this process's environment. `waitForLine` gives up after `timeoutMs` (a bound
 * so that a broken devnet fails the test instead of hanging it, not a speed check).
 */
export function spawnCli(args: string[], timeoutMs = 30_000, env: Record<string, string> = {}): CliProcess {
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', 'packages/cli/src/bin.ts', ...args],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DEBUG: '', ...env } },
  );
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  createInterface({ input: child.stdout! }).on('line', (line) => {
    lines.push(line);
    for (const wake of waiters) wake();
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>(
    (resolve) => {
      child.on('close', (code, signal) => {
        for (const wake of waiters) wake();
        resolve({ code, signal, stderr });
      });
    },
  );
  let closed = false;
  void exited.then(() => {
    closed = true;
  });

  const waitForLine = (match: (line: string) => boolean, what: string) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        const found = lines.find(match);
        if (found !== undefined) finish(() => resolve(found));
        else if (closed) finish(() => reject(new Error(`CLI exited before ${what}; stderr:\n${stderr}`)));
      };
      const timer = setTimeout(
        () => finish(() => reject(new Error(`no ${what} within ${timeoutMs} ms; stderr:\n${stderr}`))),
        timeoutMs,
      );
      const finish = (settle: () => void) => {
        clearTimeout(timer);
        waiters.delete(check);
        settle();
      };
      waiters.add(check);
      check();
    });

  return { child, lines, waitForLine, exited };
}
