import { type DevAccount, type Devnet, type DevnetOptions, startDevnet } from '@aidoc/devnet';
import { AidocError } from '@aidoc/sdk/errors';

/** What a running devnet offers, as `aidoc devnet up` reports it (the `--json` ready line). */
export interface DevnetInfo {
  /** HTTP JSON-RPC URL. */
  rpc: string;
  /** WebSocket JSON-RPC URL. */
  ws: string;
  /** Kubo RPC API base URL (the API lives under `/api/v0`), when the devnet serves content. */
  ipfs?: string;
  /** Open Inference Protocol v2 base URL (`/v2/…`), when the devnet serves inference. */
  inference?: string;
  chainId: number;
  /** Funded dev accounts; their keys are public test keys. */
  accounts: DevAccount[];
  /** System contract addresses by name. */
  contracts: Record<string, `0x${string}`>;
}

/** A devnet started by {@link devnetUp}: its description and the live handle. */
export interface DevnetSession {
  info: DevnetInfo;
  devnet: Devnet;
}

/**
 * Start a devnet and describe it: the data behind `aidoc devnet up`, without any rendering.
 * A port already taken becomes an `AidocError` with code `PORT_IN_USE`.
 *
 * @example
 * ```ts
 * const { info, devnet } = await devnetUp({ port: 0 });
 * console.log(info.rpc);
 * await devnet.stop();
 * ```
 */
export async function devnetUp(options: DevnetOptions): Promise<DevnetSession> {
  let devnet: Devnet;
  try {
    devnet = await startDevnet(options);
  } catch (error) {
    throw toStartError(error, options);
  }
  return {
    devnet,
    info: {
      rpc: devnet.rpcUrl,
      ws: devnet.wsUrl,
      ...(devnet.ipfsUrl ? { ipfs: devnet.ipfsUrl } : {}),
      ...(devnet.inferenceUrl ? { inference: devnet.inferenceUrl } : {}),
      chainId: devnet.chainId,
      accounts: devnet.accounts,
      contracts: devnet.contracts,
    },
  };
}

function toStartError(error: unknown, options: DevnetOptions): unknown {
  if (AidocError.is(error)) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const address = `${options.host ?? '127.0.0.1'}:${options.port ?? 8545}`;
  if (code === 'EADDRINUSE') {
    return new AidocError('PORT_IN_USE', `Cannot listen on ${address}: the port is already in use.`, {
      details: 'Stop the process that uses it, or pick another port with --port (--port 0 picks a free one).',
      cause: error,
      data: { host: options.host ?? '127.0.0.1', port: options.port ?? 8545 },
    });
  }
  if (code === 'EACCES' || code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') {
    return new AidocError('INVALID_INPUT', `Cannot listen on ${address} (${String(code)}).`, {
      details:
        code === 'EACCES'
          ? 'Ports below 1024 need extra privileges: pick a port from 1024 up.'
          : 'The host is not an address of this machine: use 127.0.0.1, 0.0.0.0 or one of its interfaces.',
      cause: error,
    });
  }
  return error;
}
