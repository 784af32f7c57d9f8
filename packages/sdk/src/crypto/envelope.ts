import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { AidocError } from '../errors';
import { canonicalJsonBytes } from './canonicalJson';

/** Magic bytes at the start of every AIDOC record envelope. */
const MAGIC = new TextEncoder().encode('AIDR');
const FORMAT_VERSION = 1;
const PREFIX = MAGIC.length + 1 + 4;
const TAG = 16;
const MAX_HEADER = 64 * 1024;

/** The public, authenticated header of a record envelope (v1). */
export interface EnvelopeHeader {
  /** Content cipher. */
  alg: 'AES-256-GCM';
  /** 12-byte GCM nonce, base64. */
  nonce: string;
  /** What the plaintext is, e.g. `fhir+json;Observation` or a media type for files. */
  schema: string;
  /** Plaintext length in bytes. */
  size: number;
  /** The data key wrapped (ECIES) for the owner's encryption key, so the owner can always read. */
  owner: { publicKey: string; wrappedKey: string };
}

const headerSchema = z.object({
  alg: z.literal('AES-256-GCM'),
  nonce: z.string().min(1),
  schema: z.string(),
  size: z.number().int().nonnegative(),
  owner: z.object({ publicKey: z.string(), wrappedKey: z.string() }),
});

/** Bytes of an envelope prefix + header, and where the ciphertext starts. */
export interface ParsedEnvelopeHeader {
  header: EnvelopeHeader;
  /** Bytes authenticated as associated data (magic, version, length and header JSON). */
  headerBytes: Uint8Array;
  /** Offset of the ciphertext in the envelope. */
  bodyOffset: number;
}

/**
 * Length of the prefix that holds the header length; read at least this many bytes before calling
 * {@link envelopeHeaderLength}.
 */
export const ENVELOPE_PREFIX_LENGTH = PREFIX;

/**
 * Total length of prefix + header, read from the first {@link ENVELOPE_PREFIX_LENGTH} bytes.
 *
 * @example
 * ```ts
 * const n = envelopeHeaderLength(firstNineBytes);
 * ```
 */
export function envelopeHeaderLength(prefix: Uint8Array): number {
  if (prefix.length < PREFIX || !MAGIC.every((b, i) => prefix[i] === b)) {
    throw new AidocError('DECRYPTION_FAILED', 'Not an AIDOC record envelope (bad magic).');
  }
  if (prefix[MAGIC.length] !== FORMAT_VERSION) {
    throw new AidocError('DECRYPTION_FAILED', `Unsupported envelope version ${prefix[MAGIC.length]}.`, {
      details: `This SDK reads version ${FORMAT_VERSION}; upgrade @aidoc/sdk.`,
    });
  }
  const view = new DataView(prefix.buffer, prefix.byteOffset, prefix.byteLength);
  const length = view.getUint32(MAGIC.length + 1);
  if (length === 0 || length > MAX_HEADER)
    throw new AidocError('DECRYPTION_FAILED', 'Envelope header length is invalid.');
  return PREFIX + length;
}

/**
 * Parses (without decrypting) the header at the start of an envelope.
 *
 * @example
 * ```ts
 * const { header } = parseEnvelopeHeader(envelopeBytes);
 * console.log(header.schema, header.size);
 * ```
 */
export function parseEnvelopeHeader(envelope: Uint8Array): ParsedEnvelopeHeader {
  const end = envelopeHeaderLength(envelope);
  if (envelope.length < end) throw new AidocError('DECRYPTION_FAILED', 'Envelope is truncated.');
  const headerBytes = envelope.subarray(0, end);
  let header: EnvelopeHeader;
  try {
    header = headerSchema.parse(
      JSON.parse(new TextDecoder().decode(envelope.subarray(PREFIX, end))),
    ) as EnvelopeHeader;
  } catch (cause) {
    throw new AidocError('DECRYPTION_FAILED', 'Envelope header is not valid.', { cause });
  }
  return { header, headerBytes, bodyOffset: end };
}

/**
 * Encrypts plaintext under a 256-bit data key into a versioned envelope: `AIDR` ‖ version ‖ header length ‖
 * header JSON ‖ AES-256-GCM ciphertext ‖ tag, with everything before the ciphertext as associated data,
 * so any change to the header or body fails decryption.
 *
 * @example
 * ```ts
 * const envelope = encryptEnvelope(plaintext, dataKey, { schema: 'fhir+json;Observation', owner });
 * ```
 */
export function encryptEnvelope(
  plaintext: Uint8Array,
  dataKey: Uint8Array,
  header: Pick<EnvelopeHeader, 'schema' | 'owner'>,
): Uint8Array {
  if (dataKey.length !== 32) throw new AidocError('INVALID_INPUT', 'The data key must be 32 bytes.');
  const nonce = randomBytes(12);
  const full: EnvelopeHeader = {
    alg: 'AES-256-GCM',
    nonce: nonce.toString('base64'),
    schema: header.schema,
    size: plaintext.length,
    owner: header.owner,
  };
  const json = canonicalJsonBytes(full);
  const headerBytes = new Uint8Array(PREFIX + json.length);
  headerBytes.set(MAGIC, 0);
  headerBytes[MAGIC.length] = FORMAT_VERSION;
  new DataView(headerBytes.buffer).setUint32(MAGIC.length + 1, json.length);
  headerBytes.set(json, PREFIX);
  const cipher = createCipheriv('aes-256-gcm', dataKey, nonce);
  cipher.setAAD(headerBytes);
  const first = cipher.update(plaintext);
  const last = cipher.final();
  const tag = cipher.getAuthTag();
  const out = new Uint8Array(headerBytes.length + first.length + last.length + TAG);
  out.set(headerBytes, 0);
  out.set(first, headerBytes.length);
  out.set(last, headerBytes.length + first.length);
  out.set(tag, out.length - TAG);
  return out;
}

/**
 * Decrypts an envelope with its data key; throws `DECRYPTION_FAILED` if the key is wrong or any byte of
 * header or ciphertext changed.
 *
 * @example
 * ```ts
 * const plaintext = decryptEnvelope(envelope, dataKey);
 * ```
 */
export function decryptEnvelope(envelope: Uint8Array, dataKey: Uint8Array): Uint8Array {
  const { header, headerBytes, bodyOffset } = parseEnvelopeHeader(envelope);
  if (envelope.length < bodyOffset + TAG) throw new AidocError('DECRYPTION_FAILED', 'Envelope is truncated.');
  try {
    const decipher = createDecipheriv('aes-256-gcm', dataKey, Buffer.from(header.nonce, 'base64'));
    decipher.setAAD(headerBytes);
    decipher.setAuthTag(envelope.subarray(envelope.length - TAG));
    const out = Buffer.concat([
      decipher.update(envelope.subarray(bodyOffset, envelope.length - TAG)),
      decipher.final(),
    ]);
    if (out.length !== header.size) throw new Error('size mismatch');
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } catch (cause) {
    throw new AidocError(
      'DECRYPTION_FAILED',
      'Could not decrypt the record: wrong key or tampered content.',
      {
        cause,
      },
    );
  }
}

/**
 * SHA-256 of bytes as 0x-prefixed hex (node:crypto, fast for large records).
 *
 * @example
 * ```ts
 * sha256Hex(new TextEncoder().encode('abc')); // 0xba7816bf…
 * ```
 */
export function sha256Hex(bytes: Uint8Array): `0x${string}` {
  return `0x${createHash('sha256').update(bytes).digest('hex')}`;
}
