import { RLP } from '@ethereumjs/rlp';
import { bigIntToUnpaddedBytes } from '@ethereumjs/util';
import { keccak_256 } from '@noble/hashes/sha3.js';
import type { BlockHeader } from '../../chain/BlockHeader';
import { addressOf, recoverAddress, signHash } from '../../chain/nativeSecp256k1';

/** Besu's QBFT message codes. */
export const MESSAGE_CODE = { PROPOSAL: 0x12, PREPARE: 0x13, COMMIT: 0x14, ROUND_CHANGE: 0x15 } as const;

/** Fields every signed consensus message carries. */
interface SignedBase {
  height: bigint;
  round: number;
  /** The author's 20-byte address as a lowercase 0x string. */
  author: string;
  /** 65-byte `r || s || v` signature over {@link messageHash}. */
  signature: Uint8Array;
}

/** PREPARE: the author accepted the proposal with this digest in this round. */
export interface PrepareMessage extends SignedBase {
  type: 'PREPARE';
  digest: Uint8Array;
}

/** COMMIT: the author saw a prepare quorum; `seal` signs the block's seal hash for this round. */
export interface CommitMessage extends SignedBase {
  type: 'COMMIT';
  digest: Uint8Array;
  seal: Uint8Array;
}

/** A prepared certificate: the block a quorum prepared in `round`, with those PREPARE messages. */
export interface PreparedCertificate {
  round: number;
  header: BlockHeader;
  prepares: PrepareMessage[];
}

/** ROUND-CHANGE: the author moves to `round`, carrying its latest prepared certificate, if any. */
export interface RoundChangeMessage extends SignedBase {
  type: 'ROUND_CHANGE';
  prepared: { round: number; digest: Uint8Array } | undefined;
  /** Not signed itself, but made of signed parts the receiver checks. */
  certificate: PreparedCertificate | undefined;
}

/** PROPOSAL: the round's proposer proposes a block (round > 0: justified by a round-change quorum). */
export interface ProposalMessage extends SignedBase {
  type: 'PROPOSAL';
  digest: Uint8Array;
  /** The proposed header: extraData round = the message round, no seals. */
  header: BlockHeader;
  justification: { roundChanges: RoundChangeMessage[]; prepares: PrepareMessage[] } | undefined;
}

/** Any QBFT message. */
export type QbftMessage = PrepareMessage | CommitMessage | RoundChangeMessage | ProposalMessage;

type Unsigned<T> = T extends QbftMessage ? Omit<T, 'signature' | 'author'> : never;

function num(v: bigint | number): Uint8Array {
  return bigIntToUnpaddedBytes(BigInt(v));
}

/**
 * The hash a message's author signs: keccak of `RLP[code, height, round, digest, …]`.
 *
 * @example
 * ```ts
 * const h = messageHash({ type: 'PREPARE', height: 1n, round: 0, digest });
 * ```
 */
export function messageHash(m: Unsigned<QbftMessage>): Uint8Array {
  const head = [num(MESSAGE_CODE[m.type]), num(m.height), num(m.round)];
  switch (m.type) {
    case 'PROPOSAL':
    case 'PREPARE':
      return keccak_256(RLP.encode([...head, m.digest]));
    case 'COMMIT':
      return keccak_256(RLP.encode([...head, m.digest, m.seal]));
    case 'ROUND_CHANGE':
      return keccak_256(RLP.encode([...head, m.prepared ? [num(m.prepared.round), m.prepared.digest] : []]));
  }
}

/**
 * Sign a message with a validator key; the author is the key's address.
 *
 * @example
 * ```ts
 * const prepare = signMessage({ type: 'PREPARE', height: 1n, round: 0, digest }, key, address);
 * ```
 */
export function signMessage<T extends QbftMessage>(m: Unsigned<T>, key: Uint8Array, author: string): T {
  // The signature is deterministic (RFC 6979), so it is computed when first read: in-process validators
  // check messages they signed themselves without reading it (below), and only messages that leave the
  // happy path (round-change certificates, tests, other signers) pay for it.
  let signature: Uint8Array | undefined;
  const target = { ...m, author } as Record<string, unknown>;
  Object.defineProperty(target, 'signature', {
    enumerable: true,
    get: () => {
      signature ??= signHash(messageHash(m), key);
      return signature;
    },
  });
  const signed = Object.freeze(target) as unknown as T;
  // A message this process signed with the author's own key needs no signature recovery to be checked:
  // the result is known by construction. Messages from anywhere else are recovered in verifyMessage.
  if (addressOfKey(key) === author) verified.set(signed, true);
  return signed;
}

const verified = new WeakMap<object, boolean>();
const keyAddresses = new Map<string, string>();

function addressOfKey(key: Uint8Array): string {
  const k = Buffer.from(key).toString('hex');
  let a = keyAddresses.get(k);
  if (a === undefined) keyAddresses.set(k, (a = hexOf(addressOf(key))));
  return a;
}

/**
 * Whether the message's signature recovers to its claimed author (cached per message object, since the
 * bus hands the same object to every recipient).
 *
 * @example
 * ```ts
 * if (!verifyMessage(msg)) return; // forged
 * ```
 */
export function verifyMessage(m: QbftMessage): boolean {
  const cached = verified.get(m);
  if (cached !== undefined) return cached;
  let ok = false;
  try {
    const { signature: _s, author: _a, ...unsigned } = m;
    ok = hexOf(recoverAddress(messageHash(unsigned as Unsigned<QbftMessage>), m.signature)) === m.author;
  } catch {
    ok = false;
  }
  verified.set(m, ok);
  return ok;
}

/**
 * Lowercase 0x hex of bytes.
 *
 * @example
 * ```ts
 * hexOf(new Uint8Array([1, 2])); // '0x0102'
 * ```
 */
export function hexOf(b: Uint8Array): string {
  return `0x${Buffer.from(b).toString('hex')}`;
}
