import { fromRlp, type Hex, isHex } from 'viem';
import { AidocError } from '../errors';

/** QBFT extraData decoded from `RLP[vanity, validators, vote, round, committed seals]` (Besu's layout). */
export interface DecodedQbftExtraData {
  vanity: Hex;
  validators: `0x${string}`[];
  vote: { recipient: `0x${string}`; add: boolean } | undefined;
  round: number;
  seals: Hex[];
  /** The raw RLP items, for re-encoding. */
  items: [Hex, Hex[], Hex[], Hex, Hex[]];
}

/**
 * Decode QBFT extraData (Besu's `RLP[vanity, validators, vote, round, seals]`); throws INVALID_INPUT otherwise.
 *
 * @example
 * ```ts
 * const { validators, round, seals } = decodeQbftExtraData(block.extraData);
 * ```
 */
export function decodeQbftExtraData(extraData: string): DecodedQbftExtraData {
  const bad = (why: string) =>
    new AidocError('INVALID_INPUT', `extraData is not QBFT extraData: ${why}`, {
      details: 'Expected RLP[vanity (32 bytes), validators (list of 20-byte addresses), vote, round, seals].',
      data: { reason: 'malformed-extra-data' },
    });
  if (typeof extraData !== 'string' || !isHex(extraData) || extraData.length % 2 !== 0) throw bad('not hex');
  let items: unknown;
  try {
    items = fromRlp(extraData as Hex, 'hex');
  } catch (e) {
    throw new AidocError('INVALID_INPUT', 'extraData is not valid RLP', {
      cause: e,
      data: { reason: 'malformed-extra-data' },
    });
  }
  if (!Array.isArray(items) || items.length !== 5) throw bad('expected a list of 5 items');
  const [vanity, validators, vote, round, seals] = items as unknown[];
  if (typeof vanity !== 'string' || vanity.length !== 66) throw bad('vanity must be 32 bytes');
  if (!Array.isArray(validators) || validators.some((v) => typeof v !== 'string' || v.length !== 42)) {
    throw bad('validators must be 20-byte addresses');
  }
  if (!Array.isArray(vote) || (vote.length !== 0 && vote.length !== 2))
    throw bad('vote must be empty or [recipient, 0x00|0xff]');
  if (typeof round !== 'string' || round.length > 10) throw bad('round must be a small integer');
  if (!Array.isArray(seals) || seals.some((s) => typeof s !== 'string'))
    throw bad('seals must be a list of byte strings');
  const [recipient, kind] = vote as Hex[];
  if (
    vote.length === 2 &&
    (typeof recipient !== 'string' || recipient.length !== 42 || (kind !== '0xff' && kind !== '0x'))
  ) {
    throw bad('vote must be [20-byte recipient, 0xff (add) or 0x00 (remove)]');
  }
  return {
    vanity: vanity as Hex,
    validators: (validators as string[]).map((v) => v.toLowerCase() as `0x${string}`),
    vote:
      vote.length === 2
        ? { recipient: recipient!.toLowerCase() as `0x${string}`, add: kind === '0xff' }
        : undefined,
    round: round === '0x' ? 0 : Number.parseInt(round.slice(2), 16),
    seals: seals as Hex[],
    items: items as [Hex, Hex[], Hex[], Hex, Hex[]],
  };
}

/**
 * The validator addresses listed in a block's QBFT extraData (lowercase): the set that must seal that block.
 *
 * @example
 * ```ts
 * const block = await client.request({ method: 'eth_getBlockByNumber', params: ['latest', false] });
 * const validators = validatorsFromExtraData(block.extraData);
 * ```
 */
export function validatorsFromExtraData(extraData: string): `0x${string}`[] {
  return decodeQbftExtraData(extraData).validators;
}
