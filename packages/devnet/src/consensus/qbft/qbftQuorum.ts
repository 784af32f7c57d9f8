/**
 * Commit quorum for `n` validators, as Besu computes it: `(2n - 1) / 3 + 1` in integer arithmetic, which
 * equals ⌈2n/3⌉ (4 → 3, 5 → 4, 6 → 4, 7 → 5).
 *
 * @example
 * ```ts
 * quorumSize(4); // 3
 * ```
 */
export function quorumSize(n: number): number {
  if (n <= 0) return 0;
  return Math.floor((2 * n - 1) / 3) + 1;
}

/**
 * Largest number of faulty validators `n` validators tolerate: `(n - 1) / 3` rounded down.
 *
 * @example
 * ```ts
 * maxFaulty(4); // 1
 * ```
 */
export function maxFaulty(n: number): number {
  return n <= 0 ? 0 : Math.floor((n - 1) / 3);
}

/**
 * The proposer of a height and round: round robin over the sorted validator set on `height + round`.
 *
 * @example
 * ```ts
 * const proposer = proposerFor(validators, 5n, 0);
 * ```
 */
export function proposerFor<T>(validators: readonly T[], height: bigint, round: number): T {
  if (validators.length === 0) throw new Error('empty validator set');
  const i = Number((height + BigInt(round)) % BigInt(validators.length));
  return validators[i]!;
}
