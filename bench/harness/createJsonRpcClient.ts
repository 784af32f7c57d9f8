import { Pool } from 'undici';

/** A JSON-RPC error answered by the server. */
export class JsonRpcError extends Error {
  override readonly name = 'JsonRpcError';
  constructor(
    readonly method: string,
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(`${method}: ${message} (code ${code})`);
  }
}

/** A minimal JSON-RPC 2.0 client over HTTP/1.1 keep-alive connections. */
export interface JsonRpcClient {
  readonly url: string;
  request<T = unknown>(method: string, params?: unknown[]): Promise<T>;
  /** Send several calls in one JSON-RPC batch; results come back in call order. */
  batch<T = unknown>(calls: { method: string; params?: unknown[] }[]): Promise<T[]>;
  close(): Promise<void>;
}

interface RpcResponse {
  id?: number;
  result?: unknown;
  error?: { code: number; message: string; data?: unknown };
}

/**
 * Create the JSON-RPC client every target is measured with: one undici pool of keep-alive connections.
 *
 * @example
 * ```ts
 * const rpc = createJsonRpcClient('http://127.0.0.1:8545', { connections: 64 });
 * const chainId = await rpc.request<string>('eth_chainId');
 * await rpc.close();
 * ```
 */
export function createJsonRpcClient(url: string, options: { connections?: number } = {}): JsonRpcClient {
  const parsed = new URL(url);
  const path = parsed.pathname + parsed.search;
  const pool = new Pool(parsed.origin, {
    connections: options.connections ?? 64,
    pipelining: 1,
    keepAliveTimeout: 60_000,
    connectTimeout: 5_000,
  });
  let nextId = 1;

  async function post(body: string): Promise<unknown> {
    const res = await pool.request({
      method: 'POST',
      path,
      headers: { 'content-type': 'application/json' },
      body,
    });
    const text = await res.body.text();
    try {
      return JSON.parse(text);
    } catch (cause) {
      throw new Error(`HTTP ${res.statusCode} with a body that is not JSON: ${text.slice(0, 200)}`, {
        cause,
      });
    }
  }

  function unwrap<T>(method: string, response: RpcResponse): T {
    if (response.error) {
      throw new JsonRpcError(method, response.error.code, response.error.message, response.error.data);
    }
    if (!('result' in response)) throw new Error(`${method}: response has neither result nor error`);
    return response.result as T;
  }

  return {
    url,
    async request<T>(method: string, params: unknown[] = []): Promise<T> {
      const id = nextId++;
      const response = (await post(JSON.stringify({ jsonrpc: '2.0', id, method, params }))) as RpcResponse;
      return unwrap<T>(method, response);
    },
    async batch<T>(calls: { method: string; params?: unknown[] }[]): Promise<T[]> {
      const first = nextId;
      nextId += calls.length;
      const body = calls.map((c, i) => ({
        jsonrpc: '2.0',
        id: first + i,
        method: c.method,
        params: c.params ?? [],
      }));
      const response = await post(JSON.stringify(body));
      if (!Array.isArray(response)) {
        throw new Error(
          `batch of ${calls.length}: expected an array, got ${JSON.stringify(response).slice(0, 200)}`,
        );
      }
      const byId = new Map<number, RpcResponse>();
      for (const r of response as RpcResponse[]) if (typeof r.id === 'number') byId.set(r.id, r);
      return calls.map((c, i) => {
        const r = byId.get(first + i);
        if (!r) throw new Error(`batch: no response for ${c.method} (id ${first + i})`);
        return unwrap<T>(c.method, r);
      });
    },
    async close(): Promise<void> {
      await pool.close();
    },
  };
}
