import { AidocError } from '../errors';

function serialize(value: unknown, path: string): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) {
        throw new AidocError('INVALID_INPUT', `Cannot canonicalize a non-finite number at ${path}.`);
      }
      return JSON.stringify(value);
    case 'string':
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) {
        return `[${value.map((item, i) => serialize(item === undefined ? null : item, `${path}[${i}]`)).join(',')}]`;
      }
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record)
        .filter((key) => record[key] !== undefined)
        .sort(compareUtf16);
      return `{${keys.map((key) => `${JSON.stringify(key)}:${serialize(record[key], `${path}.${key}`)}`).join(',')}}`;
    }
    default:
      throw new AidocError('INVALID_INPUT', `Cannot canonicalize a ${typeof value} at ${path}.`, {
        details: 'Only JSON values (objects, arrays, strings, finite numbers, booleans, null) are allowed.',
      });
  }
}

function compareUtf16(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Serializes a JSON value canonically (RFC 8785 JCS): keys sorted by UTF-16 code units, no whitespace,
 * ECMAScript number formatting; the same resource always gives the same bytes, hence the same hash.
 *
 * @example
 * ```ts
 * canonicalJson({ b: 1, a: [true, null] }); // '{"a":[true,null],"b":1}'
 * ```
 */
export function canonicalJson(value: unknown): string {
  return serialize(value, '$');
}

/**
 * The UTF-8 bytes of {@link canonicalJson}.
 *
 * @example
 * ```ts
 * const bytes = canonicalJsonBytes({ resourceType: 'Observation' });
 * ```
 */
export function canonicalJsonBytes(value: unknown): Uint8Array {
  return new TextEncoder().encode(canonicalJson(value));
}
