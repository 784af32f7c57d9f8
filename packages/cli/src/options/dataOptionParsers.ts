import { InvalidArgumentError } from 'commander';
import { parseHttpUrl } from './optionParsers';

/**
 * Parse a positive on-chain id (record, grant or request id) into a bigint.
 *
 * @example
 * ```ts
 * parseId('12'); // 12n
 * ```
 */
export function parseId(raw: string): bigint {
  const value = raw.trim();
  if (!/^\d{1,30}$/.test(value) || BigInt(value) === 0n) {
    throw new InvalidArgumentError('Expected a positive whole number, e.g. 12.');
  }
  return BigInt(value);
}

const units: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/**
 * Parse a duration: seconds (`3600`) or a number with a unit `s`, `m`, `h`, `d`, `w` (`30d`, `12h`); returns seconds.
 *
 * @example
 * ```ts
 * parseDuration('30d'); // 2592000
 * ```
 */
export function parseDuration(raw: string): number {
  const match = /^\s*(\d+)\s*([smhdw]?)\s*$/.exec(raw);
  const seconds = match ? Number(match[1]) * (units[match[2] || 's'] ?? 1) : Number.NaN;
  if (!Number.isSafeInteger(seconds) || seconds <= 0 || seconds > 100 * 365 * 86_400) {
    throw new InvalidArgumentError(
      'Expected a duration such as 3600, 90m, 12h, 30d or 2w (at most 100 years).',
    );
  }
  return seconds;
}

/**
 * Parse a decimal token amount with up to 18 decimals (`1.5`, `10`); the string is kept exact.
 *
 * @example
 * ```ts
 * parseAmount('12.5'); // '12.5'
 * ```
 */
export function parseAmount(raw: string): string {
  const value = raw.trim();
  if (!/^\d+(\.\d{1,18})?$/.test(value)) {
    throw new InvalidArgumentError('Expected an amount such as 10 or 0.25 (at most 18 decimals).');
  }
  return value;
}

/**
 * Parse a date or date-time (ISO 8601, e.g. `2024-05-01` or `2024-05-01T12:00:00Z`).
 *
 * @example
 * ```ts
 * parseDate('2024-05-01'); // Date 2024-05-01T00:00:00.000Z
 * ```
 */
export function parseDate(raw: string): Date {
  const value = raw.trim();
  const date = /^\d{4}-\d{2}-\d{2}/.test(value) ? new Date(value) : new Date(Number.NaN);
  if (Number.isNaN(date.getTime())) {
    throw new InvalidArgumentError('Expected a date such as 2024-05-01 or 2024-05-01T12:00:00Z.');
  }
  return date;
}

/**
 * Parse an `--account`: a keystore name, an address, or `dev:N` (the devnet's test account N).
 *
 * @example
 * ```ts
 * parseAccountRef('dev:1'); // 'dev:1'
 * ```
 */
export function parseAccountRef(raw: string): string {
  const value = raw.trim();
  if (value.startsWith('dev:')) {
    if (!/^dev:\d{1,3}$/.test(value)) {
      throw new InvalidArgumentError('Expected dev:N with N from 0 to 999, e.g. dev:1.');
    }
    return value;
  }
  if (/^0x/i.test(value)) {
    // a mistyped address must not be taken for a keystore name
    if (!/^0x[0-9a-fA-F]{40}$/.test(value)) {
      throw new InvalidArgumentError('Expected an address: 0x followed by 40 hex digits.');
    }
    return value;
  }
  if (!/^[A-Za-z0-9_][A-Za-z0-9._-]{0,63}$/.test(value)) {
    throw new InvalidArgumentError(
      'Expected a keystore name (letters, digits, . _ -), an address, or dev:N.',
    );
  }
  return value;
}

/**
 * Parse a keystore name for a new keystore file (letters, digits, `.`, `_`, `-`; at most 64).
 *
 * @example
 * ```ts
 * parseKeystoreName('patient'); // 'patient'
 * ```
 */
export function parseKeystoreName(raw: string): string {
  const value = raw.trim();
  if (!/^[A-Za-z0-9_][A-Za-z0-9._-]{0,63}$/.test(value) || /^0x/i.test(value) || value.startsWith('dev:')) {
    throw new InvalidArgumentError(
      'Expected a name of letters, digits, ".", "_" or "-" (at most 64, not starting with ".", "-" or "0x").',
    );
  }
  return value;
}

/**
 * Parse a Kubo RPC API URL (`http://` or `https://`).
 *
 * @example
 * ```ts
 * parseIpfsUrl('http://127.0.0.1:5001'); // 'http://127.0.0.1:5001'
 * ```
 */
export function parseIpfsUrl(raw: string): string {
  return parseHttpUrl(raw, 'Expected the http:// URL of a Kubo RPC API, e.g. http://127.0.0.1:5001.');
}

/**
 * Parse a scrypt cost N for new keystores: a power of two from 1024 to 2^20.
 *
 * @example
 * ```ts
 * parseScryptN('4096'); // 4096
 * ```
 */
export function parseScryptN(raw: string): number {
  const value = /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < 1024 || value > 2 ** 20 || (value & (value - 1)) !== 0) {
    throw new InvalidArgumentError('Expected a power of two from 1024 to 1048576, e.g. 4096 or 262144.');
  }
  return value;
}

/**
 * Parse who an address argument names: an address, `dev:N`, or a keystore name (resolved later, without a password).
 *
 * @example
 * ```ts
 * parseAddressRef('patient'); // 'patient'
 * ```
 */
export function parseAddressRef(raw: string): string {
  const value = raw.trim();
  if (/^0x[0-9a-fA-F]{40}$/.test(value)) return value;
  try {
    return parseAccountRef(value);
  } catch (error) {
    if (/^0x/i.test(value)) throw error;
    throw new InvalidArgumentError('Expected an address (0x + 40 hex digits), a keystore name, or dev:N.');
  }
}
