import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';

/** A running Anvil node (the reference EVM from @foundry-rs/anvil), for deployment tests. */
export interface AnvilNode {
  rpcUrl: string;
  stop(): Promise<void>;
}

/**
 * Starts Anvil on a free port with the Prague hardfork and the default test mnemonic.
 * @example
 * const anvil = await startAnvil(); … await anvil.stop();
 */
export async function startAnvil(): Promise<AnvilNode> {
  const require = createRequire(import.meta.url);
  const bin = require.resolve('@foundry-rs/anvil/bin.mjs');
  const child: ChildProcess = spawn(process.execPath, [bin, '--port', '0', '--hardfork', 'prague'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const rpcUrl = await new Promise<string>((resolve, reject) => {
    let seen = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const match = /Listening on ([\d.]+:\d+)/.exec(seen);
      if (match) resolve(`http://${match[1]}`);
    });
    child.once('exit', (code) => reject(new Error(`anvil exited with ${code} before listening:\n${seen}`)));
  });
  return {
    rpcUrl,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
