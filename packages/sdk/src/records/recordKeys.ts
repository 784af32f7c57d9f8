import { type Hex, hexToBytes } from 'viem';
import type { AidocContext } from '../client/AidocContext';
import { eciesDecrypt, eciesEncrypt } from '../crypto/ecies';
import type { EncryptionKeyPair } from '../crypto/encryptionKeyPair';
import {
  ENVELOPE_PREFIX_LENGTH,
  envelopeHeaderLength,
  type ParsedEnvelopeHeader,
  parseEnvelopeHeader,
} from '../crypto/envelope';
import { AidocError } from '../errors';

/** A record's data key and the SHA-256 of its plaintext, as wrapped for each reader. Internal. */
export interface KeyMaterial {
  dataKey: Uint8Array;
  plaintextHash: Hex;
}

/** Associated data of the owner's wrap inside an envelope header. */
export const OWNER_WRAP_AAD = new TextEncoder().encode('aidoc/owner-key/v1');

/** Associated data binding a grantee's wrap to one chain, bank, record and content version. */
export function grantWrapAad(ctx: AidocContext, recordId: bigint, contentHash: Hex): Uint8Array {
  return new TextEncoder().encode(
    `aidoc/grant-key/v1:${ctx.chainId}:${ctx.contracts.LifeBank.toLowerCase()}:${recordId}:${contentHash.toLowerCase()}`,
  );
}

/** Serializes key material (32-byte key ‖ 32-byte hash) and wraps it with ECIES. */
export function wrapKeyMaterial(recipientPublicKey: Hex, material: KeyMaterial, aad: Uint8Array): Uint8Array {
  const packed = new Uint8Array(64);
  packed.set(material.dataKey, 0);
  packed.set(hexToBytes(material.plaintextHash), 32);
  const wrapped = eciesEncrypt(recipientPublicKey, packed, aad);
  packed.fill(0);
  return wrapped;
}

/** Unwraps key material; DECRYPTION_FAILED for a wrong key or tampered bytes. */
export function unwrapKeyMaterial(
  keys: EncryptionKeyPair,
  wrapped: Uint8Array,
  aad: Uint8Array,
): KeyMaterial {
  const packed = eciesDecrypt(keys.secretKey, wrapped, aad);
  if (packed.length !== 64)
    throw new AidocError('DECRYPTION_FAILED', 'Unwrapped key material has the wrong length.');
  return {
    dataKey: packed.slice(0, 32),
    plaintextHash: `0x${Buffer.from(packed.subarray(32)).toString('hex')}`,
  };
}

/** Fetches only the header of an envelope (two small range reads), for key operations on large records. */
export async function fetchEnvelopeHeader(ctx: AidocContext, cid: string): Promise<ParsedEnvelopeHeader> {
  const prefix = await catRange(ctx, cid, 0, ENVELOPE_PREFIX_LENGTH);
  const total = envelopeHeaderLength(prefix);
  return parseEnvelopeHeader(await catRange(ctx, cid, 0, total));
}

/** The owner's key material for a record, from the wrap in its envelope header. */
export function ownerKeyMaterial(keys: EncryptionKeyPair, parsed: ParsedEnvelopeHeader): KeyMaterial {
  if (parsed.header.owner.publicKey.toLowerCase() !== keys.publicKey.toLowerCase()) {
    throw new AidocError('DECRYPTION_FAILED', 'This record was encrypted for a different owner key.', {
      details: 'The record was uploaded with another encryption key (rotated or imported elsewhere).',
    });
  }
  return unwrapKeyMaterial(keys, Buffer.from(parsed.header.owner.wrappedKey, 'base64'), OWNER_WRAP_AAD);
}

async function catRange(ctx: AidocContext, cid: string, offset: number, length: number): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const part of ctx.content.cat(cid, { offset, length })) parts.push(part);
  return new Uint8Array(Buffer.concat(parts));
}
