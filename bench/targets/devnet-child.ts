/**
 * Runs one devnet in this process for the benchmarks: `startDevnet({ port, … })`, one JSON ready line on
 * stdout, clean stop on SIGINT/SIGTERM. Used when the `aidoc devnet up` CLI is not available; accepts the
 * `aidoc devnet up` options the bench targets pass.
 *
 * node --conditions=source --import tsx bench/targets/devnet-child.ts --port 8545 [--validators 4]
 *   [--round-timeout 1000] [--data-dir DIR]
 */
import { parseArgs } from 'node:util';
import { startDevnet } from '@aidoc/devnet';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8545' },
    validators: { type: 'string' },
    'round-timeout': { type: 'string' },
    'data-dir': { type: 'string' },
  },
});
const devnet = await startDevnet({
  port: Number(values.port),
  host: '127.0.0.1',
  ...(values.validators !== undefined ? { validators: Number(values.validators) } : {}),
  ...(values['round-timeout'] !== undefined ? { roundTimeout: Number(values['round-timeout']) } : {}),
  ...(values['data-dir'] !== undefined ? { dataDir: values['data-dir'] } : {}),
});
process.stdout.write(
  `${JSON.stringify({ rpc: devnet.rpcUrl, ws: devnet.wsUrl, chainId: devnet.chainId })}\n`,
);

let stopping = false;
async function shutdown(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await devnet.stop();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());
