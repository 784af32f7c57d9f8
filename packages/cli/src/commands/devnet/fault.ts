import { devnetRpcClient } from './devnetRpcClient';
import type { ValidatorFaultKind, ValidatorStatus } from './validatorStatus';

/** What `aidoc devnet fault` does: one fault (or heal) for one validator of a running devnet. */
export interface DevnetFaultRequest {
  /** JSON-RPC URL of the devnet. */
  rpc: string;
  /** Validator node index (0-based, as `aidoc devnet status` lists them). */
  validator: number;
  kind: ValidatorFaultKind;
  /** Delay in milliseconds (kind `delay`). */
  ms?: number;
}

/** The result of {@link devnetFault}: the request and the validator's status after it. */
export interface DevnetFaultResult {
  rpc: string;
  fault: { kind: ValidatorFaultKind; ms?: number };
  validator: ValidatorStatus;
}

/**
 * Inject a fault into one validator of a running devnet (`aidoc_validatorFault`), or clear all of its
 * faults (`heal` → `aidoc_validatorHeal`), and return the validator's new status. The data behind
 * `aidoc devnet fault`, without any rendering.
 *
 * @example
 * ```ts
 * const { validator } = await devnetFault({ rpc: 'http://127.0.0.1:8545', validator: 1, kind: 'crash' });
 * console.log(validator.crashed); // true
 * ```
 */
export async function devnetFault(request: DevnetFaultRequest): Promise<DevnetFaultResult> {
  const rpc = devnetRpcClient(request.rpc);
  const fault = { kind: request.kind, ...(request.kind === 'delay' ? { ms: request.ms ?? 0 } : {}) };
  const validator =
    request.kind === 'heal'
      ? await rpc.request<ValidatorStatus>('aidoc_validatorHeal', [request.validator])
      : await rpc.request<ValidatorStatus>('aidoc_validatorFault', [
          request.validator,
          request.kind,
          ...(fault.ms !== undefined ? [fault.ms] : []),
        ]);
  return { rpc: request.rpc, fault, validator };
}
