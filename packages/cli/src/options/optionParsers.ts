import { resolve } from 'node:path';
import { validateMnemonic } from '@scure/bip39';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import { InvalidArgumentError } from 'commander';

/**
 * A commander argument parser for an integer in `[min, max]`; anything else is a usage error.
 *
 * @example
 * ```ts
 * new Option('--accounts <count>').argParser(integerInRange(1, 1000));
 * ```
 */
export function integerInRange(min: number, max: number): (raw: string) => number {
  return (raw) => {
    const value = /^\s*\d+\s*$/.test(raw) ? Number(raw) : Number.NaN;
    if (!Number.isSafeInteger(value) || value < min || value > max) {
      throw new InvalidArgumentError(`Expected a whole number from ${min} to ${max}.`);
    }
    return value;
  };
}

/**
 * Parse a TCP port: 0–65535, where 0 asks the system for a free port.
 *
 * @example
 * ```ts
 * parsePort('8545'); // 8545
 * ```
 */
export function parsePort(raw: string): number {
  const value = /^\s*\d+\s*$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isInteger(value) || value > 65535) {
    throw new InvalidArgumentError('Expected a port from 0 to 65535 (0 picks a free port).');
  }
  return value;
}

/**
 * Parse a duration in seconds: a number ≥ 0 (decimals allowed, e.g. `0.5`).
 *
 * @example
 * ```ts
 * parseSeconds('2'); // 2
 * ```
 */
export function parseSeconds(raw: string): number {
  const value = /^\s*(\d+(\.\d*)?|\.\d+)\s*$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isFinite(value) || value < 0 || value > 86_400) {
    throw new InvalidArgumentError('Expected a number of seconds from 0 to 86400, e.g. 2 or 0.5.');
  }
  return value;
}

/**
 * Parse a host name or IP address to bind to (no scheme, no port).
 *
 * @example
 * ```ts
 * parseHost('0.0.0.0'); // '0.0.0.0'
 * ```
 */
export function parseHost(raw: string): string {
  const value = raw.trim();
  if (value.length === 0 || /[\s/]/.test(value) || value.includes('://')) {
    throw new InvalidArgumentError('Expected a host name or IP address such as 127.0.0.1 or 0.0.0.0.');
  }
  return value;
}

/**
 * Parse a BIP-39 English mnemonic (12–24 words with a valid checksum); words are normalised to single spaces.
 *
 * @example
 * ```ts
 * parseMnemonic('test test test test test test test test test test test junk');
 * ```
 */
export function parseMnemonic(raw: string): string {
  const value = raw.trim().toLowerCase().split(/\s+/).join(' ');
  if (!validateMnemonic(value, wordlist)) {
    throw new InvalidArgumentError(
      'Expected a BIP-39 English mnemonic of 12, 15, 18, 21 or 24 words with a valid checksum.',
    );
  }
  return value;
}

/**
 * Parse a directory path, resolved against the current directory (it need not exist yet).
 *
 * @example
 * ```ts
 * parseDirectory('.aidoc-data'); // '/home/me/project/.aidoc-data'
 * ```
 */
export function parseDirectory(raw: string): string {
  if (raw.trim().length === 0 || raw.includes('\0')) {
    throw new InvalidArgumentError('Expected a directory path, e.g. .aidoc-data.');
  }
  return resolve(raw);
}

/**
 * Parse a JSON-RPC endpoint URL (`http://` or `https://`); a trailing slash is kept as given.
 *
 * @example
 * ```ts
 * parseRpcUrl('http://127.0.0.1:8545'); // 'http://127.0.0.1:8545'
 * ```
 */
export function parseRpcUrl(raw: string): string {
  return parseHttpUrl(raw, 'Expected an http:// or https:// JSON-RPC URL, e.g. http://127.0.0.1:8545.');
}

/**
 * Parse an `http://` or `https://` URL (trimmed, otherwise as given), failing with `expected` as the message.
 *
 * @example
 * ```ts
 * parseHttpUrl('http://127.0.0.1:5001', 'Expected the http:// URL of a Kubo RPC API.'); // 'http://127.0.0.1:5001'
 * ```
 */
export function parseHttpUrl(raw: string, expected: string): string {
  const value = raw.trim();
  let protocol: string | undefined;
  try {
    protocol = new URL(value).protocol;
  } catch {
    protocol = undefined;
  }
  if (protocol !== 'http:' && protocol !== 'https:') throw new InvalidArgumentError(expected);
  return value;
}

/**
 * Parse a 20-byte hex address (`0x` + 40 hex digits, any case).
 *
 * @example
 * ```ts
 * parseAddress('0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266');
 * ```
 */
export function parseAddress(raw: string): `0x${string}` {
  const value = raw.trim();
  if (!/^0x[0-9a-fA-F]{40}$/.test(value)) {
    throw new InvalidArgumentError('Expected an address: 0x followed by 40 hex digits.');
  }
  return value as `0x${string}`;
}

/**
 * Parse a file path, resolved against the current directory (it need not exist yet).
 *
 * @example
 * ```ts
 * parseFilePath('aidoc.deployments.json'); // '/home/me/project/aidoc.deployments.json'
 * ```
 */
export function parseFilePath(raw: string): string {
  if (raw.trim().length === 0 || raw.includes('\0')) {
    throw new InvalidArgumentError('Expected a file path, e.g. aidoc.deployments.json.');
  }
  return resolve(raw);
}
