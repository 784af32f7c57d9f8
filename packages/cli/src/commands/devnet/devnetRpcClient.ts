import { AidocError } from '@aidoc/sdk/errors';
import { createRpcClient, type RpcClient } from '../../rpc/createRpcClient';

/** Where `aidoc devnet fault` and `aidoc devnet status` look for a devnet without `--rpc`. */
export const defaultDevnetRpc = 'http://127.0.0.1:8545';

/**
 * A JSON-RPC client for a running devnet's `aidoc_*` methods: an error answered by the devnet becomes an
 * `AidocError` with code `CONSENSUS` (exit code 1) carrying the server's message and JSON-RPC code.
 *
 * @example
 * ```ts
 * const validators = await devnetRpcClient('http://127.0.0.1:8545').request('aidoc_validators');
 * ```
 */
export function devnetRpcClient(url: string): RpcClient {
  return createRpcClient(url, {
    errorFor: (method, error) =>
      new AidocError('CONSENSUS', `The devnet refused ${method}: ${error.message}`, {
        ...(error.code === -32601
          ? { details: 'The node at --rpc is not an AIDOC devnet with QBFT validators (aidoc devnet up).' }
          : {}),
        data: { method, rpcCode: error.code },
      }),
  });
}
