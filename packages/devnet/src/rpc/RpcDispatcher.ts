import { AidocError, errorCodes } from '@aidoc/sdk/errors';
import type { RpcHandler, RpcSession } from './RpcContext';

/** A JSON-RPC 2.0 error object. */
export interface JsonRpcError {
  code: number;
  message: string;
  data?: unknown;
}

/** A JSON-RPC 2.0 response. */
export type JsonRpcResponse =
  | { jsonrpc: '2.0'; id: string | number | null; result: unknown }
  | { jsonrpc: '2.0'; id: string | number | null; error: JsonRpcError };

/** Most requests accepted in one batch. */
export const MAX_BATCH = 1000;

/** Map any thrown value to a JSON-RPC error (EIP-1474 codes; revert data in `data` as geth does). */
export function toJsonRpcError(e: unknown, logger?: (err: unknown) => void): JsonRpcError {
  if (AidocError.is(e)) {
    const code = errorCodes[e.code] ?? -32603;
    const data = e.data;
    if (e.code === 'EXECUTION_REVERTED') return { code, message: e.shortMessage, data: data?.data };
    return { code, message: e.shortMessage, ...(data ? { data } : {}) };
  }
  logger?.(e);
  return { code: -32603, message: 'internal error' };
}

function isValidId(id: unknown): id is string | number | null {
  return id === null || typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id));
}

/**
 * Validates JSON-RPC 2.0 envelopes and routes them to method handlers. Transport-independent: HTTP,
 * WebSocket and the in-process EIP-1193 provider all go through it.
 */
export class RpcDispatcher {
  constructor(
    private readonly methods: Map<string, RpcHandler>,
    private readonly onInternalError: (err: unknown) => void = () => {},
    /** Barriers a request waits on before it runs (pending blocks, durable writes); sends skip them. */
    private readonly barrier: (method: string) => Promise<unknown> | undefined = () => undefined,
  ) {}

  /** Call a method directly (EIP-1193 path); throws AidocError. */
  async call(method: string, params: unknown, session: RpcSession): Promise<unknown> {
    const handler = this.methods.get(method);
    if (!handler) {
      throw new AidocError('METHOD_NOT_FOUND', `the method ${method} does not exist/is not available`);
    }
    let positional: unknown[];
    if (params === undefined || params === null) positional = [];
    else if (Array.isArray(params)) positional = params;
    else throw new AidocError('INVALID_PARAMS', 'params must be an array');
    const barrier = this.barrier(method);
    if (barrier) await barrier;
    return await handler(positional, session);
  }

  /** Handle one parsed request object; returns undefined for notifications (no id). */
  async handleOne(req: unknown, session: RpcSession): Promise<JsonRpcResponse | undefined> {
    if (typeof req !== 'object' || req === null || Array.isArray(req)) {
      return {
        jsonrpc: '2.0',
        id: null,
        error: { code: -32600, message: 'invalid request: expected an object' },
      };
    }
    const r = req as Record<string, unknown>;
    const hasId = 'id' in r;
    const id = hasId && isValidId(r.id) ? r.id : null;
    if (r.jsonrpc !== '2.0' || typeof r.method !== 'string' || (hasId && !isValidId(r.id))) {
      return {
        jsonrpc: '2.0',
        id,
        error: {
          code: -32600,
          message: 'invalid request: need jsonrpc "2.0", a string method and a valid id',
        },
      };
    }
    try {
      const result = await this.call(r.method, r.params, session);
      if (!hasId) return undefined;
      return { jsonrpc: '2.0', id, result: result === undefined ? null : result };
    } catch (e) {
      if (!hasId) return undefined;
      return { jsonrpc: '2.0', id, error: toJsonRpcError(e, this.onInternalError) };
    }
  }

  /** Handle a raw body (single request or batch). Returns the response text, or undefined if none is due. */
  async handleText(text: string, session: RpcSession): Promise<string | undefined> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return JSON.stringify({
        jsonrpc: '2.0',
        id: null,
        error: { code: -32700, message: 'parse error: invalid JSON' },
      });
    }
    if (Array.isArray(parsed)) {
      if (parsed.length === 0) {
        return JSON.stringify({
          jsonrpc: '2.0',
          id: null,
          error: { code: -32600, message: 'invalid request: empty batch' },
        });
      }
      if (parsed.length > MAX_BATCH) {
        return JSON.stringify({
          jsonrpc: '2.0',
          id: null,
          error: { code: -32005, message: `batch too large: at most ${MAX_BATCH} requests` },
        });
      }
      const out: JsonRpcResponse[] = [];
      // Sequential, so a batch of dependent calls (send then query) sees its own effects in order.
      for (const req of parsed) {
        const res = await this.handleOne(req, session);
        if (res) out.push(res);
      }
      return out.length ? JSON.stringify(out, bigintReplacer) : undefined;
    }
    const res = await this.handleOne(parsed, session);
    return res ? JSON.stringify(res, bigintReplacer) : undefined;
  }
}

function bigintReplacer(_k: string, v: unknown): unknown {
  return typeof v === 'bigint' ? `0x${v.toString(16)}` : v;
}
