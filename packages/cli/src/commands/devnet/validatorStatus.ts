/**
 * One validator node's status as the devnet's `aidoc_validators` / `aidoc_validatorFault` methods return it
 * (a wire format: the CLI reads it over JSON-RPC).
 */
export interface ValidatorStatus {
  index: number;
  address: `0x${string}`;
  /** In the validator set of the next block. */
  validator: boolean;
  /** Proposer of the next block's round 0. */
  proposer: boolean;
  crashed: boolean;
  partitioned: boolean;
  delayMs: number;
  equivocating: boolean;
  /** Height the node works on. */
  height: number;
  round: number;
  active: boolean;
  committed: number;
  synced: number;
}

/** The fault kinds of `aidoc devnet fault`. */
export const validatorFaultKinds = ['crash', 'recover', 'partition', 'heal', 'delay', 'equivocate'] as const;

/** One fault kind of `aidoc devnet fault`. */
export type ValidatorFaultKind = (typeof validatorFaultKinds)[number];

/**
 * A short word for a validator's condition: `ok`, or its faults joined by `+` (e.g. `crashed+partitioned`).
 *
 * @example
 * ```ts
 * validatorCondition({ crashed: true, partitioned: false, delayMs: 0, equivocating: false }); // 'crashed'
 * ```
 */
export function validatorCondition(
  status: Pick<ValidatorStatus, 'crashed' | 'partitioned' | 'delayMs' | 'equivocating'>,
): string {
  const faults = [
    ...(status.crashed ? ['crashed'] : []),
    ...(status.partitioned ? ['partitioned'] : []),
    ...(status.delayMs > 0 ? [`delayed ${status.delayMs} ms`] : []),
    ...(status.equivocating ? ['equivocating'] : []),
  ];
  return faults.length === 0 ? 'ok' : faults.join('+');
}
