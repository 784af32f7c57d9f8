import { RLP } from '@ethereumjs/rlp';
import { bigIntToUnpaddedBytes, bytesToBigInt } from '@ethereumjs/util';

/** A pending validator vote carried in a block (Besu: 0xff adds, 0x00 removes). */
export interface QbftVote {
  recipient: Uint8Array;
  add: boolean;
}

/** Decoded QBFT extraData: `RLP[vanity, validators, vote, round, committed seals]` as Besu writes it. */
export interface QbftExtraData {
  vanity: Uint8Array;
  validators: Uint8Array[];
  vote: QbftVote | undefined;
  round: number;
  seals: Uint8Array[];
}

/** Which parts of the extraData a hash covers (Besu's encoding types). */
export type ExtraDataEncoding = 'all' | 'excludeSeals' | 'excludeSealsAndRound';

/** Encode QBFT extraData; `excludeSeals` writes an empty seal list, `excludeSealsAndRound` also round 0. */
export function encodeQbftExtraData(extra: QbftExtraData, encoding: ExtraDataEncoding = 'all'): Uint8Array {
  const vanity = extra.vanity.length === 32 ? extra.vanity : padVanity(extra.vanity);
  const vote = extra.vote ? [extra.vote.recipient, Uint8Array.of(extra.vote.add ? 0xff : 0x00)] : [];
  const round = encoding === 'excludeSealsAndRound' ? 0 : extra.round;
  const seals = encoding === 'all' ? extra.seals : [];
  return RLP.encode([vanity, extra.validators, vote, bigIntToUnpaddedBytes(BigInt(round)), seals]);
}

/** Decode QBFT extraData; throws on anything that is not the five-element Besu layout. */
export function decodeQbftExtraData(bytes: Uint8Array): QbftExtraData {
  const decoded = RLP.decode(bytes) as unknown;
  if (!Array.isArray(decoded) || decoded.length !== 5) throw new Error('extraData is not QBFT-encoded');
  const [vanity, validators, vote, round, seals] = decoded as [
    Uint8Array,
    Uint8Array[],
    Uint8Array[],
    Uint8Array,
    Uint8Array[],
  ];
  if (!(vanity instanceof Uint8Array) || !Array.isArray(validators) || !Array.isArray(seals)) {
    throw new Error('extraData is not QBFT-encoded');
  }
  return {
    vanity,
    validators,
    vote:
      Array.isArray(vote) && vote.length === 2
        ? { recipient: vote[0] as Uint8Array, add: (vote[1] as Uint8Array)[0] === 0xff }
        : undefined,
    round: Number(bytesToBigInt(round as Uint8Array)),
    seals,
  };
}

function padVanity(v: Uint8Array): Uint8Array {
  const out = new Uint8Array(32);
  out.set(v.subarray(0, 32));
  return out;
}
