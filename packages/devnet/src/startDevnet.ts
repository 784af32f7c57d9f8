import type { Devnet, DevnetOptions } from './types';

/**
 * Start a devnet in this process.
 *
 * @example
 * ```ts
 * const devnet = await startDevnet({ port: 0 });
 * console.log(devnet.rpcUrl);
 * await devnet.stop();
 * ```
 */
export async function startDevnet(_options: DevnetOptions = {}): Promise<Devnet> {
  throw new Error('not implemented yet');
}
