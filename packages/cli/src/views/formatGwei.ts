/**
 * Format a wei amount in gwei with up to 9 decimals, trailing zeros trimmed.
 *
 * @example
 * ```ts
 * formatGwei(875_000_000n); // '0.875 gwei'
 * ```
 */
export function formatGwei(wei: bigint): string {
  const whole = wei / 1_000_000_000n;
  const fraction = (wei % 1_000_000_000n).toString().padStart(9, '0').replace(/0+$/, '');
  return `${whole}${fraction ? `.${fraction}` : ''} gwei`;
}
