import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AidocError } from '@aidoc/sdk/errors';
import type { DevnetLogEvent } from '../types';
import type { ContentStore } from './ContentStore';
import { createContentStore } from './createContentStore';
import { createPeerIdentity } from './createPeerIdentity';
import { kuboErrorOf, sendKuboError } from './kuboResponses';
import { kuboRpcCommands } from './kuboRpcCommands';

/** Options for {@link createContentServer}. */
export interface ContentServerOptions {
  /** Interface to bind. Default `127.0.0.1`. */
  host?: string;
  /** Port; 0 picks a free one. Default 5001 (Kubo's RPC port). */
  port?: number;
  /** Keep blocks and pins in LevelDB under this folder; omitted: in memory. */
  dataDir?: string | undefined;
  /** With `dataDir`: fsync each batch of blocks before acknowledging it (survives power loss). Default false. */
  fsync?: boolean | undefined;
  /** Structured log sink (one event per request error, start and stop). */
  logger?: ((event: DevnetLogEvent) => void) | undefined;
}

/** A running Kubo-compatible content server. */
export interface ContentServer {
  /** Base URL, `http://host:port` (the RPC API is under `/api/v0/`). */
  url: string;
  /** The store behind the API, for in-process reads by CID. */
  store: ContentStore;
  /** Stops the server, drops open connections and closes the store. Idempotent. */
  close(): Promise<void>;
}

const API_PREFIX = '/api/v0/';

/**
 * Starts an HTTP server speaking the Kubo RPC API subset the AIDOC SDK and kubo-rpc-client use (`add`, `cat`,
 * `get`, `block/*`, `pin/*`, `dag/get`, `repo/gc`, `repo/stat`, `version`, `id`) over a {@link ContentStore},
 * with CIDs identical to Kubo's.
 *
 * @example
 * ```ts
 * const ipfs = await createContentServer({ host: '127.0.0.1', port: 0 });
 * const kubo = create({ url: ipfs.url }); // kubo-rpc-client
 * const { cid } = await kubo.add('hello world');
 * await ipfs.close();
 * ```
 */
export async function createContentServer(options: ContentServerOptions = {}): Promise<ContentServer> {
  const host = options.host ?? '127.0.0.1';
  const log = options.logger ?? (() => {});
  const store = await createContentStore({ dataDir: options.dataDir, fsync: options.fsync });
  const identity = createPeerIdentity();

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://devnet');
    if (!url.pathname.startsWith(API_PREFIX)) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('404 page not found\n');
      return;
    }
    const name = url.pathname.slice(API_PREFIX.length).replace(/\/+$/, '');
    const command = Object.hasOwn(kuboRpcCommands, name) ? kuboRpcCommands[name] : undefined;
    if (!command) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('404 page not found\n');
      return;
    }
    if (req.method !== 'POST') {
      // go-ipfs-cmds: the RPC API accepts POST only (browsers cannot trigger it with a plain GET).
      res.writeHead(405, { 'Content-Type': 'text/plain; charset=utf-8' }).end('405 - Method Not Allowed\n');
      req.resume();
      return;
    }
    command({ req, res, params: url.searchParams, store, identity }).catch((error: unknown) => {
      const mapped = kuboErrorOf(error);
      log({
        level: mapped.status >= 500 ? 'warn' : 'debug',
        msg: 'ipfs rpc error',
        command: name,
        error: mapped.message,
      });
      sendKuboError(res, error);
      req.resume();
    });
  });
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new AidocError('PORT_IN_USE', `IPFS API port ${options.port ?? 5001} is already in use.`, {
              details: 'Pass another --ipfs-port, or 0 for a free port.',
              cause: error,
            })
          : error,
      );
    };
    server.once('error', onError);
    server.listen(options.port ?? 5001, host, () => {
      server.off('error', onError);
      resolve();
    });
  }).catch(async (error: unknown) => {
    await store.close();
    throw error;
  });

  const address = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  log({ level: 'info', msg: 'ipfs api listening', url, dataDir: options.dataDir ?? null });

  let closing: Promise<void> | undefined;
  return {
    url,
    store,
    close: () => {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await store.close();
        log({ level: 'info', msg: 'ipfs api stopped', url });
      })();
      return closing;
    },
  };
}
