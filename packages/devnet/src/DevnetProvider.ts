import { EventEmitter } from 'node:events';
import { RpcRequestError } from 'viem';
import type { RpcSession } from './rpc/RpcContext';
import { type RpcDispatcher, toJsonRpcError } from './rpc/RpcDispatcher';
import type { Eip1193Provider } from './types';

/**
 * An EIP-1193 error: numeric `code` (EIP-1474), `message`, and `data` (revert bytes for reverts). It is
 * also viem's `RpcRequestError`, so `custom(devnet.provider)` hands reverts straight to viem's decoder
 * instead of treating them as unknown errors to retry.
 */
export class ProviderRpcError extends RpcRequestError {
  constructor(code: number, message: string, data?: unknown, method = 'unknown') {
    super({ body: { method }, error: { code, message, data }, url: 'in-process devnet' });
    Object.defineProperty(this, 'message', { value: message, enumerable: false, writable: true });
    this.name = 'ProviderRpcError';
  }
}

/**
 * The devnet as an in-process EIP-1193 provider: the same methods as the HTTP endpoint, without a socket.
 * Subscriptions arrive as `message` events (`{ type: 'eth_subscription', data }`), as EIP-1193 specifies.
 */
export class DevnetProvider extends EventEmitter implements Eip1193Provider {
  private readonly session: RpcSession;
  private readonly closers: (() => void)[] = [];

  constructor(
    private readonly dispatcher: RpcDispatcher,
    private readonly onInternalError: (err: unknown) => void = () => {},
  ) {
    super();
    this.session = {
      notify: (subscription, result) =>
        this.emit('message', { type: 'eth_subscription', data: { subscription, result } }),
      onClose: (fn) => this.closers.push(fn),
      waitForInclusion: true,
    };
  }

  async request(args: {
    method: string;
    params?: unknown[] | Record<string, unknown> | undefined;
  }): Promise<unknown> {
    if (typeof args !== 'object' || args === null || typeof args.method !== 'string') {
      throw new ProviderRpcError(-32600, 'invalid request: expected { method, params }');
    }
    try {
      return await this.dispatcher.call(args.method, args.params, this.session);
    } catch (e) {
      const err = toJsonRpcError(e, this.onInternalError);
      throw new ProviderRpcError(err.code, err.message, err.data, args.method);
    }
  }

  /** Drop subscriptions (called when the devnet stops). */
  close(): void {
    for (const c of this.closers.splice(0)) c();
    this.removeAllListeners();
  }
}
