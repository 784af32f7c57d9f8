/**
 * Shorten a long hex string to its start and end, e.g. a block hash to `0x1a2b3c…7d8e9f`.
 *
 * @example
 * ```ts
 * shortHex('0x1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7d8e9f'); // '0x1a2b3c…7d8e9f'
 * ```
 */
export function shortHex(hex: string, chars = 6): string {
  return hex.length <= 2 + chars * 2 + 1 ? hex : `${hex.slice(0, 2 + chars)}…${hex.slice(-chars)}`;
}
