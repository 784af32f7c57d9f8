import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToHex, type Hex } from 'viem';
import { AidocError } from '../errors';

const inspect = Symbol.for('nodejs.util.inspect.custom');

/** A secp256k1 key pair used only for encryption (ECIES). The secret key is hidden from JSON and `inspect`. */
export interface EncryptionKeyPair {
  /** Compressed public key (33 bytes, hex), as registered in KeyRegistry. */
  readonly publicKey: Hex;
  /** The secret key bytes (not enumerable: absent from JSON, logs and spreads). */
  readonly secretKey: Uint8Array;
}

/**
 * Wraps a 32-byte secp256k1 secret key as an {@link EncryptionKeyPair} whose secret never serializes.
 *
 * @example
 * ```ts
 * const pair = encryptionKeyPairFromSecret(secp256k1.utils.randomSecretKey());
 * JSON.stringify(pair); // {"publicKey":"0x02…"}
 * ```
 */
export function encryptionKeyPairFromSecret(secretKey: Uint8Array): EncryptionKeyPair {
  if (!(secretKey instanceof Uint8Array) || !secp256k1.utils.isValidSecretKey(secretKey)) {
    throw new AidocError('INVALID_INPUT', 'Not a valid secp256k1 secret key (32 bytes, in range).');
  }
  const publicKey = bytesToHex(secp256k1.getPublicKey(secretKey, true));
  const pair = { publicKey } as EncryptionKeyPair;
  Object.defineProperty(pair, 'secretKey', { value: Uint8Array.from(secretKey), enumerable: false });
  Object.defineProperty(pair, inspect, { value: () => `EncryptionKeyPair { publicKey: '${publicKey}' }` });
  return Object.freeze(pair);
}
