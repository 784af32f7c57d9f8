import { secp256k1 } from '@noble/curves/secp256k1.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { type Hex, hexToBytes, isHex } from 'viem';
import { AidocError } from '../errors';
import { type EncryptionKeyPair, encryptionKeyPairFromSecret } from './encryptionKeyPair';

const SALT = new TextEncoder().encode('aidoc/encryption-key/v1');

/**
 * Derives an account's secp256k1 encryption key pair from its account private key with HKDF-SHA256, so the
 * key can always be recovered from the account (mnemonic, private key or keystore) and never needs a backup.
 * The encryption key is a different key from the signing key: knowing one does not reveal the other.
 *
 * @example
 * ```ts
 * const { publicKey } = deriveEncryptionKey(account.privateKey); // 33-byte compressed public key
 * ```
 */
export function deriveEncryptionKey(accountPrivateKey: Hex): EncryptionKeyPair {
  if (!isHex(accountPrivateKey) || accountPrivateKey.length !== 66) {
    throw new AidocError(
      'INVALID_INPUT',
      'Cannot derive an encryption key: the account key is not a 32-byte hex string.',
    );
  }
  const ikm = hexToBytes(accountPrivateKey);
  for (let counter = 0; counter < 256; counter++) {
    const candidate = hkdf(sha256, ikm, SALT, new Uint8Array([counter]), 32);
    if (secp256k1.utils.isValidSecretKey(candidate)) return encryptionKeyPairFromSecret(candidate);
  }
  /* c8 ignore next */
  throw new AidocError('INTERNAL', 'Could not derive a valid encryption key.');
}
