import { AidocError } from '@aidoc/sdk/errors';

/** A minimal Ethereum JSON-RPC client over HTTP (fetch), for commands that talk to a running node. */
export interface RpcClient {
  readonly url: string;
  request<T = unknown>(method: string, params?: unknown[]): Promise<T>;
}

/** A JSON-RPC error object as a server answers it. */
export interface RpcErrorBody {
  code: number;
  message: string;
  data?: unknown;
}

/**
 * Create a JSON-RPC client for `url`. A server that cannot be reached becomes an `AidocError` with code
 * `NETWORK`; a JSON-RPC error answer becomes `errorFor(method, body)` (default: code `NETWORK` with the
 * server's message), so callers choose how an answered error reads.
 *
 * @example
 * ```ts
 * const rpc = createRpcClient('http://127.0.0.1:8545');
 * const head = await rpc.request<string>('eth_blockNumber');
 * ```
 */
export function createRpcClient(
  url: string,
  options: { timeoutMs?: number; errorFor?: (method: string, error: RpcErrorBody) => AidocError } = {},
): RpcClient {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const errorFor = options.errorFor ?? defaultRpcError;
  let nextId = 1;
  return {
    url,
    async request<T>(method: string, params: unknown[] = []): Promise<T> {
      let body: { result?: unknown; error?: RpcErrorBody };
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ jsonrpc: '2.0', id: nextId++, method, params }),
          signal: AbortSignal.timeout(timeoutMs),
        });
        const text = await response.text();
        try {
          body = JSON.parse(text) as typeof body;
        } catch (cause) {
          throw new AidocError(
            'NETWORK',
            `${url} answered ${method} with HTTP ${response.status} and no JSON-RPC body.`,
            {
              details: 'Check that --rpc points at a JSON-RPC endpoint (e.g. http://127.0.0.1:8545).',
              cause,
            },
          );
        }
      } catch (cause) {
        if (AidocError.is(cause)) throw cause;
        throw new AidocError('NETWORK', `Cannot reach the JSON-RPC server at ${url}.`, {
          details: 'Is the node running? Start one with `aidoc devnet up`, or point --rpc at it.',
          cause,
          data: { url, method },
        });
      }
      if (body.error) throw errorFor(method, body.error);
      return body.result as T;
    },
  };
}

function defaultRpcError(method: string, error: RpcErrorBody): AidocError {
  return new AidocError('NETWORK', `${method} failed: ${error.message}`, {
    data: { method, rpcCode: error.code, ...(error.data !== undefined ? { rpcData: error.data } : {}) },
  });
}
