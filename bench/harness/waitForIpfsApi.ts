import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Waits for a Kubo RPC API to answer (the devnet's RPC port answers before its IPFS API listens): polls
 * `POST /api/v0/version` for up to 30 s, then rethrows the last connection error.
 *
 * @example
 * ```ts
 * await waitForIpfsApi('http://127.0.0.1:5001');
 * ```
 */
export async function waitForIpfsApi(url: string): Promise<void> {
  const deadline = performance.now() + 30_000;
  for (;;) {
    try {
      const res = await fetch(`${url}/api/v0/version`, { method: 'POST' });
      await res.arrayBuffer();
      if (res.ok) return;
    } catch (error) {
      if (performance.now() > deadline) throw error;
    }
    await sleep(5);
  }
}
