import { createServer } from 'node:net';

/**
 * Ask the kernel for a free TCP port on 127.0.0.1 (bind to port 0, read it, close).
 *
 * @example
 * ```ts
 * const port = await findFreePort();
 * ```
 */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not read the bound port'));
      });
    });
  });
}
