import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { type Hex, hexToBytes, isHex } from 'viem';
import { AidocError } from '../errors';

const INFO = new TextEncoder().encode('aidoc/ecies/v1');
const VERSION = 1;
const PUB = 33;
const NONCE = 12;
const TAG = 16;

function recipientPoint(publicKey: Hex | Uint8Array): Uint8Array {
  const bytes = typeof publicKey === 'string' && isHex(publicKey) ? hexToBytes(publicKey) : publicKey;
  if (!(bytes instanceof Uint8Array) || !secp256k1.utils.isValidPublicKey(bytes, bytes.length === 33)) {
    throw new AidocError(
      'INVALID_INPUT',
      'Not a secp256k1 public key (33 bytes compressed or 65 bytes uncompressed).',
    );
  }
  return secp256k1.Point.fromBytes(bytes).toBytes(true);
}

function deriveKey(shared: Uint8Array, ephemeral: Uint8Array, recipient: Uint8Array): Uint8Array {
  const salt = new Uint8Array(PUB * 2);
  salt.set(ephemeral, 0);
  salt.set(recipient, PUB);
  return hkdf(sha256, shared.subarray(1), salt, INFO, 32);
}

/**
 * Encrypts a short secret (a data key) to a secp256k1 public key: ECIES with an ephemeral key, ECDH,
 * HKDF-SHA256 (salt = both public keys) and AES-256-GCM. Output: version ‖ ephemeral key ‖ nonce ‖ ciphertext ‖ tag.
 *
 * @example
 * ```ts
 * const wrapped = eciesEncrypt(grantee.publicKey, dataKey);
 * const back = eciesDecrypt(grantee.secretKey, wrapped);
 * ```
 */
export function eciesEncrypt(
  recipientPublicKey: Hex | Uint8Array,
  plaintext: Uint8Array,
  aad?: Uint8Array,
): Uint8Array {
  const recipient = recipientPoint(recipientPublicKey);
  const ephemeralSecret = secp256k1.utils.randomSecretKey();
  const ephemeral = secp256k1.getPublicKey(ephemeralSecret, true);
  const key = deriveKey(secp256k1.getSharedSecret(ephemeralSecret, recipient, true), ephemeral, recipient);
  const nonce = randomBytes(NONCE);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  if (aad) cipher.setAAD(aad);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  key.fill(0);
  ephemeralSecret.fill(0);
  const out = new Uint8Array(1 + PUB + NONCE + body.length);
  out[0] = VERSION;
  out.set(ephemeral, 1);
  out.set(nonce, 1 + PUB);
  out.set(body, 1 + PUB + NONCE);
  return out;
}

/**
 * Decrypts what {@link eciesEncrypt} produced with the recipient's secret key; throws `DECRYPTION_FAILED`
 * for a wrong key or tampered bytes.
 *
 * @example
 * ```ts
 * const dataKey = eciesDecrypt(myKeys.secretKey, wrapped);
 * ```
 */
export function eciesDecrypt(
  recipientSecretKey: Uint8Array,
  wrapped: Uint8Array,
  aad?: Uint8Array,
): Uint8Array {
  if (!(wrapped instanceof Uint8Array) || wrapped.length < 1 + PUB + NONCE + TAG || wrapped[0] !== VERSION) {
    throw new AidocError('DECRYPTION_FAILED', 'The wrapped key is malformed or of an unknown version.');
  }
  try {
    const ephemeral = wrapped.subarray(1, 1 + PUB);
    const nonce = wrapped.subarray(1 + PUB, 1 + PUB + NONCE);
    const body = wrapped.subarray(1 + PUB + NONCE);
    const recipient = secp256k1.getPublicKey(recipientSecretKey, true);
    const key = deriveKey(
      secp256k1.getSharedSecret(recipientSecretKey, ephemeral, true),
      ephemeral,
      recipient,
    );
    const decipher = createDecipheriv('aes-256-gcm', key, nonce);
    if (aad) decipher.setAAD(aad);
    decipher.setAuthTag(body.subarray(body.length - TAG));
    const out = Buffer.concat([decipher.update(body.subarray(0, body.length - TAG)), decipher.final()]);
    key.fill(0);
    return new Uint8Array(out);
  } catch (cause) {
    throw new AidocError('DECRYPTION_FAILED', 'Could not unwrap the key: wrong key or tampered data.', {
      cause,
    });
  }
}
