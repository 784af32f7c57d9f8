/**
 * Runs one devnet in this process for the benchmarks: `startDevnet({ port })`, one JSON ready line on
 * stdout, clean stop on SIGINT/SIGTERM. Used when the `aidoc devnet up` CLI is not available.
 *
 * node --conditions=source --import tsx bench/targets/devnet-child.ts --port 8545
 */
import { parseArgs } from 'node:util';
import { startDevnet } from '@aidoc/devnet';

const { values } = parseArgs({ options: { port: { type: 'string', default: '8545' } } });
const devnet = await startDevnet({ port: Number(values.port), host: '127.0.0.1' });
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
