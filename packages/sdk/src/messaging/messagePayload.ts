import { hexToBytes, numberToBytes } from 'viem';
import { eciesDecrypt, eciesEncrypt } from '../crypto/ecies';
import { AidocError } from '../errors';

/** What a message or notification carries: bytes, text, or any JSON value. */
export type MessagePayload = Uint8Array | string | JsonValue;

/** A JSON value. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

const MAGIC = new TextEncoder().encode('AIDM');
const VERSION = 1;
const FLAG_ENCRYPTED = 1;
const KIND_BYTES = 0;
const KIND_TEXT = 1;
const KIND_JSON = 2;

/** What binds a sealed payload to its place: the channel (or notification) and the topic. */
export interface PayloadBinding {
  /** `msg` for DApp-to-DApp messages and their results, `note` for user notifications. */
  kind: 'msg' | 'result' | 'note';
  /** Sending DApp id. */
  from: bigint;
  /** Receiving DApp id, or 0 for a notification. */
  to: bigint;
  /** The topic's bytes32 (hex). */
  topic: `0x${string}`;
  /** The topic's name, carried inside the (possibly encrypted) body so the receiver sees it. */
  topicName: string;
}

function aadFor(binding: PayloadBinding): Uint8Array {
  const label = new TextEncoder().encode(`aidoc/${binding.kind}/v1`);
  const out = new Uint8Array(label.length + 32 + 32 + 32);
  out.set(label, 0);
  out.set(numberToBytes(binding.from, { size: 32 }), label.length);
  out.set(numberToBytes(binding.to, { size: 32 }), label.length + 32);
  out.set(hexToBytes(binding.topic), label.length + 64);
  return out;
}

function toBody(payload: MessagePayload, topicName: string): Uint8Array {
  let kind: number;
  let data: Uint8Array;
  if (payload instanceof Uint8Array) {
    kind = KIND_BYTES;
    data = payload;
  } else if (typeof payload === 'string') {
    kind = KIND_TEXT;
    data = new TextEncoder().encode(payload);
  } else {
    let json: string | undefined;
    try {
      json = JSON.stringify(payload);
    } catch (cause) {
      throw new AidocError('INVALID_INPUT', 'The payload is not JSON-serializable.', { cause });
    }
    if (json === undefined) throw new AidocError('INVALID_INPUT', 'The payload is not JSON-serializable.');
    kind = KIND_JSON;
    data = new TextEncoder().encode(json);
  }
  const name = new TextEncoder().encode(topicName);
  const body = new Uint8Array(1 + 2 + name.length + data.length);
  body[0] = kind;
  new DataView(body.buffer).setUint16(1, name.length);
  body.set(name, 3);
  body.set(data, 3 + name.length);
  return body;
}

function fromBody(body: Uint8Array): { payload: MessagePayload; topicName: string } {
  if (body.length < 3) throw new AidocError('DECRYPTION_FAILED', 'The payload body is truncated.');
  const kind = body[0];
  const nameLength = new DataView(body.buffer, body.byteOffset, body.byteLength).getUint16(1);
  if (3 + nameLength > body.length)
    throw new AidocError('DECRYPTION_FAILED', 'The payload body is truncated.');
  const topicName = new TextDecoder().decode(body.subarray(3, 3 + nameLength));
  const data = body.subarray(3 + nameLength);
  if (kind === KIND_BYTES) return { payload: Uint8Array.from(data), topicName };
  const text = new TextDecoder('utf-8', { fatal: true }).decode(data);
  if (kind === KIND_TEXT) return { payload: text, topicName };
  if (kind === KIND_JSON) return { payload: JSON.parse(text) as JsonValue, topicName };
  throw new AidocError('DECRYPTION_FAILED', `Unknown payload kind ${kind}.`);
}

/**
 * Encodes a payload for the wire: `AIDM` ‖ version ‖ flags ‖ body, the body ECIES-encrypted to
 * `recipientPublicKey` (when given) with the channel and topic as associated data, so a ciphertext copied to
 * another channel or topic fails to decrypt.
 *
 * @example
 * ```ts
 * const wire = encodeMessagePayload({ glucose: 7.9 }, binding, receiver.encryptionKey);
 * ```
 */
export function encodeMessagePayload(
  payload: MessagePayload,
  binding: PayloadBinding,
  recipientPublicKey?: `0x${string}`,
): Uint8Array {
  const body = toBody(payload, binding.topicName);
  const sealed = recipientPublicKey ? eciesEncrypt(recipientPublicKey, body, aadFor(binding)) : body;
  const out = new Uint8Array(MAGIC.length + 2 + sealed.length);
  out.set(MAGIC, 0);
  out[MAGIC.length] = VERSION;
  out[MAGIC.length + 1] = recipientPublicKey ? FLAG_ENCRYPTED : 0;
  out.set(sealed, MAGIC.length + 2);
  return out;
}

/** Whether wire bytes from {@link encodeMessagePayload} are encrypted. */
export function isEncryptedPayload(wire: Uint8Array): boolean {
  return wire.length > MAGIC.length + 1 && ((wire[MAGIC.length + 1] ?? 0) & FLAG_ENCRYPTED) !== 0;
}

/**
 * Decodes what {@link encodeMessagePayload} produced, decrypting with the recipient's secret key when the
 * payload is encrypted; throws `DECRYPTION_FAILED` for foreign bytes, a wrong key or a moved ciphertext.
 *
 * @example
 * ```ts
 * const { payload, topicName } = decodeMessagePayload(wire, binding, myKeys.secretKey);
 * ```
 */
export function decodeMessagePayload(
  wire: Uint8Array,
  binding: PayloadBinding,
  recipientSecretKey: Uint8Array | undefined,
): { payload: MessagePayload; topicName: string; encrypted: boolean } {
  if (wire.length < MAGIC.length + 2 || !MAGIC.every((b, i) => wire[i] === b)) {
    throw new AidocError('DECRYPTION_FAILED', 'Not an AIDOC message payload (bad magic).');
  }
  if (wire[MAGIC.length] !== VERSION) {
    throw new AidocError('DECRYPTION_FAILED', `Unsupported payload version ${wire[MAGIC.length]}.`);
  }
  const encrypted = isEncryptedPayload(wire);
  const rest = wire.subarray(MAGIC.length + 2);
  let body = rest;
  if (encrypted) {
    if (!recipientSecretKey) {
      throw new AidocError('UNAUTHORIZED', 'The payload is encrypted and this client has no encryption key.');
    }
    body = eciesDecrypt(recipientSecretKey, rest, aadFor(binding));
  }
  const decoded = fromBody(body);
  return { ...decoded, encrypted };
}
