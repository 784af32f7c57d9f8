import { randomBytes } from 'node:crypto';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { describe, expect, it } from 'vitest';
import {
  decryptEnvelope,
  eciesDecrypt,
  eciesEncrypt,
  encryptEnvelope,
  encryptionKeyPairFromSecret,
  parseEnvelopeHeader,
} from '../src/crypto';

const alice = encryptionKeyPairFromSecret(secp256k1.utils.randomSecretKey());
const bob = encryptionKeyPairFromSecret(secp256k1.utils.randomSecretKey());
const owner = { publicKey: alice.publicKey, wrappedKey: 'AA==' };

describe('ECIES (secp256k1 ECDH + HKDF-SHA256 + AES-256-GCM)', () => {
  it('round-trips for the recipient only', () => {
    const secret = new Uint8Array(randomBytes(64));
    const wrapped = eciesEncrypt(alice.publicKey, secret, new Uint8Array([1]));
    expect(
      Buffer.from(eciesDecrypt(alice.secretKey, wrapped, new Uint8Array([1]))).equals(Buffer.from(secret)),
    ).toBe(true);
    expect(() => eciesDecrypt(bob.secretKey, wrapped, new Uint8Array([1]))).toThrow(
      expect.objectContaining({ code: 'DECRYPTION_FAILED' }),
    );
    expect(() => eciesDecrypt(alice.secretKey, wrapped, new Uint8Array([2]))).toThrow(
      expect.objectContaining({ code: 'DECRYPTION_FAILED' }),
    );
    const flipped = Uint8Array.from(wrapped);
    flipped[40] = (flipped[40] ?? 0) ^ 1;
    expect(() => eciesDecrypt(alice.secretKey, flipped, new Uint8Array([1]))).toThrow(
      expect.objectContaining({ code: 'DECRYPTION_FAILED' }),
    );
  });

  it('uses a fresh ephemeral key each time and accepts uncompressed keys', () => {
    const a = eciesEncrypt(alice.publicKey, new Uint8Array(32));
    const b = eciesEncrypt(alice.publicKey, new Uint8Array(32));
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
    const uncompressed = secp256k1.Point.fromHex(alice.publicKey.slice(2)).toBytes(false);
    expect(eciesDecrypt(alice.secretKey, eciesEncrypt(uncompressed, new Uint8Array([9])))).toEqual(
      new Uint8Array([9]),
    );
    expect(() => eciesEncrypt('0x1234', new Uint8Array(1))).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    );
  });
});

describe('record envelope (versioned header, AES-256-GCM with the header as AAD)', () => {
  const key = new Uint8Array(randomBytes(32));
  const plaintext = new TextEncoder().encode('{"resourceType":"Observation"}');
  const envelope = encryptEnvelope(plaintext, key, { schema: 'fhir+json;Observation', owner });

  it('round-trips and exposes its header without decrypting', () => {
    expect(new TextDecoder().decode(decryptEnvelope(envelope, key))).toBe('{"resourceType":"Observation"}');
    const { header } = parseEnvelopeHeader(envelope);
    expect(header).toMatchObject({
      alg: 'AES-256-GCM',
      schema: 'fhir+json;Observation',
      size: plaintext.length,
    });
    expect(Buffer.from(envelope).includes(Buffer.from(plaintext))).toBe(false);
  });

  it('refuses a wrong key, a flipped ciphertext bit, an edited header and an unknown version', () => {
    const fail = expect.objectContaining({ code: 'DECRYPTION_FAILED' });
    expect(() => decryptEnvelope(envelope, new Uint8Array(32))).toThrow(fail);
    const body = Uint8Array.from(envelope);
    body[body.length - 1] = (body[body.length - 1] ?? 0) ^ 0x80;
    expect(() => decryptEnvelope(body, key)).toThrow(fail);
    const header = Buffer.from(
      Buffer.from(envelope).toString('latin1').replace('Observation', 'Observatiom'),
      'latin1',
    );
    expect(() => decryptEnvelope(new Uint8Array(header), key)).toThrow(fail);
    const version = Uint8Array.from(envelope);
    version[4] = 2;
    expect(() => decryptEnvelope(version, key)).toThrow(fail);
    expect(() => decryptEnvelope(envelope.subarray(0, 20), key)).toThrow(fail);
  });
});
