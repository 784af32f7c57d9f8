/**
 * Measures how fast a test suite gets a devnet: time to import `@aidoc/devnet` and time for
 * `startDevnet({ port: 0 })` to resolve and answer `eth_chainId` over HTTP, in a fresh process.
 * Prints one JSON line: {"importMs":…,"startMs":…,"firstCallMs":…}.
 *
 * node --conditions=source --import tsx bench/targets/devnet-inprocess-ready.ts
 */
import { performance } from 'node:perf_hooks';

const t0 = performance.now();
const { startDevnet } = await import('@aidoc/devnet');
const t1 = performance.now();
const devnet = await startDevnet({ port: 0, host: '127.0.0.1' });
const t2 = performance.now();
const res = await fetch(devnet.rpcUrl, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
});
const body = (await res.json()) as { result?: string };
const t3 = performance.now();
await devnet.stop();
if (typeof body.result !== 'string') throw new Error(`eth_chainId failed: ${JSON.stringify(body)}`);
process.stdout.write(
  `${JSON.stringify({ importMs: t1 - t0, startMs: t2 - t1, firstCallMs: t3 - t2, readyMs: t3 - t1 })}\n`,
);
process.exit(0);
