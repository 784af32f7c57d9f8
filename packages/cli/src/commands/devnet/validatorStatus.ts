import type { ValidatorStatus } from '@aidoc/devnet';

/** One validator node's status as `aidoc_validators` and `aidoc_validatorFault` return it (the devnet's type). */
export type { ValidatorStatus };
/** The fault kinds of `aidoc devnet fault` (the devnet's list). */
export { type ValidatorFaultKind, validatorFaultKinds } from '@aidoc/devnet';

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
