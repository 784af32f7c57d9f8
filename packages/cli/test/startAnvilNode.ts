import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

/** Path of a binary in the workspace's node_modules/.bin (anvil, cast). */
export function workspaceBin(name: string): string {
  return `${repoRoot}node_modules/.bin/${name}`;
}

/** A free TCP port on 127.0.0.1 (asked from the system, then released). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A running Anvil (reference EVM node) for deploy tests. */
export interface AnvilNode {
  rpcUrl: string;
  stop(): Promise<void>;
}

/**
 * Start Anvil on a free port (`--hardfork prague --silent`) and resolve once it answers `eth_chainId`;
 * gives up after `timeoutMs` (a bound, not a speed check).
 */
export async function startAnvilNode(timeoutMs = 30_000): Promise<AnvilNode> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    workspaceBin('anvil'),
    ['--port', String(port), '--hardfork', 'prague', '--silent'],
    { stdio: 'ignore', detached: true },
  );
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  const rpcUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  const stop = () =>
    new Promise<void>((resolve) => {
      if (exited) return resolve();
      child.once('exit', () => resolve());
      process.kill(-child.pid!, 'SIGTERM');
    });
  for (;;) {
    if (exited) throw new Error('anvil exited before it answered');
    try {
      const response = await fetch(rpcUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
      });
      if (response.ok) return { rpcUrl, stop };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`anvil did not answer within ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
