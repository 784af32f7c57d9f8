/**
 * Convert a value into plain JSON data: bigints become decimal strings, dates ISO strings (through their
 * `toJSON`), byte arrays `0x` hex strings; everything else is kept.
 *
 * @example
 * ```ts
 * toJsonValue({ gasUsed: 21000n, at: new Date(0), key: new Uint8Array([1, 2]) });
 * // { gasUsed: '21000', at: '1970-01-01T00:00:00.000Z', key: '0x0102' }
 * ```
 */
export function toJsonValue(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString(10);
  if (value instanceof Uint8Array)
    return `0x${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex')}`;
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
