/**
 * Convert a value into plain JSON data: bigints become decimal strings, everything else is kept.
 *
 * @example
 * ```ts
 * toJsonValue({ gasUsed: 21000n }); // { gasUsed: '21000' }
 * ```
 */
export function toJsonValue(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString(10);
  if (Array.isArray(value)) return value.map(toJsonValue);
  if (value !== null && typeof value === 'object') {
    if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
      return toJsonValue((value as { toJSON: () => unknown }).toJSON());
    }
    const out: Record<string, unknown> = {};
    for (const [key, entry] of Object.entries(value)) {
      if (entry !== undefined) out[key] = toJsonValue(entry);
    }
    return out;
  }
  return value;
}
