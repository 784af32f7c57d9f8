import { InvalidArgumentError } from 'commander';

/**
 * Parse a secp256k1 private key: 64 hex digits with or without `0x`; returned with `0x`. The message of a
 * rejection never contains the value.
 *
 * @example
 * ```ts
 * parsePrivateKey('ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80'); // '0xac09…'
 * ```
 */
export function parsePrivateKey(raw: string): `0x${string}` {
  const value = raw.trim();
  if (!/^(0x)?[0-9a-fA-F]{64}$/.test(value)) {
    throw new InvalidArgumentError('Expected a private key: 64 hex digits, with or without 0x.');
  }
  return (value.startsWith('0x') ? value : `0x${value}`) as `0x${string}`;
}
