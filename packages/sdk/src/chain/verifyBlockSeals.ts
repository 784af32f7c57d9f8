import { type Hex, isAddress, isHex, keccak256, recoverAddress, toRlp } from 'viem';
import { AidocError } from '../errors';
import { decodeQbftExtraData } from './validatorsFromExtraData';

/** A block header number as JSON-RPC, viem or ethers give it: a hex string, a bigint or a number. */
export type Quantity = string | bigint | number;

/**
 * A block header as `eth_getBlockByNumber` returns it (hex strings; viem's `getBlock` bigints also work).
 * Fields from London on (`baseFeePerGas` … `requestsHash`) are hashed when present, in header order.
 */
export interface QbftBlockLike {
  hash: string;
  parentHash: string;
  sha3Uncles: string;
  miner: string;
  stateRoot: string;
  transactionsRoot: string;
  receiptsRoot: string;
  logsBloom: string;
  difficulty: Quantity;
  number: Quantity;
  gasLimit: Quantity;
  gasUsed: Quantity;
  timestamp: Quantity;
  extraData: string;
  mixHash: string;
  nonce: string;
  baseFeePerGas?: Quantity | null | undefined;
  withdrawalsRoot?: string | null | undefined;
  blobGasUsed?: Quantity | null | undefined;
  excessBlobGas?: Quantity | null | undefined;
  parentBeaconBlockRoot?: string | null | undefined;
  requestsHash?: string | null | undefined;
}

/** Result of a successful seal check. */
export interface VerifiedBlockSeals {
  valid: true;
  /** Recovered seal signers (lowercase), in seal order. */
  signers: `0x${string}`[];
  /** Seals needed for this validator set: ⌈2n/3⌉. */
  quorum: number;
  /** The QBFT round the block was committed in. */
  round: number;
}

function fail(reason: string, message: string, details?: string): AidocError {
  return new AidocError('INVALID_SIGNATURE', message, { data: { reason }, ...(details ? { details } : {}) });
}

function quantity(v: Quantity | null | undefined, name: string): Hex {
  let n: bigint;
  try {
    if (typeof v === 'bigint') n = v;
    else if (typeof v === 'number' && Number.isSafeInteger(v)) n = BigInt(v);
    else if (typeof v === 'string' && isHex(v) && v.length > 2) n = BigInt(v);
    else throw new Error('not a quantity');
  } catch {
    throw new AidocError(
      'INVALID_INPUT',
      `block.${name} must be a hex quantity, got ${JSON.stringify(String(v))}`,
      {
        data: { reason: 'malformed-block' },
      },
    );
  }
  if (n < 0n)
    throw new AidocError('INVALID_INPUT', `block.${name} must not be negative`, {
      data: { reason: 'malformed-block' },
    });
  if (n === 0n) return '0x';
  const hex = n.toString(16);
  return `0x${hex.length % 2 ? `0${hex}` : hex}`;
}

function data(v: string | null | undefined, name: string, bytes?: number): Hex {
  if (
    typeof v !== 'string' ||
    !isHex(v) ||
    v.length % 2 !== 0 ||
    (bytes !== undefined && v.length !== 2 + bytes * 2)
  ) {
    throw new AidocError(
      'INVALID_INPUT',
      `block.${name} must be ${bytes ? `${bytes} bytes of` : ''} 0x-prefixed hex, got ${JSON.stringify(v)}`,
      { data: { reason: 'malformed-block' } },
    );
  }
  return v.toLowerCase() as Hex;
}

/** The header fields in RLP order, with the given extraData bytes. */
function headerFields(b: QbftBlockLike, extraData: Hex): Hex[] {
  const fields: Hex[] = [
    data(b.parentHash, 'parentHash', 32),
    data(b.sha3Uncles, 'sha3Uncles', 32),
    data(b.miner, 'miner', 20),
    data(b.stateRoot, 'stateRoot', 32),
    data(b.transactionsRoot, 'transactionsRoot', 32),
    data(b.receiptsRoot, 'receiptsRoot', 32),
    data(b.logsBloom, 'logsBloom', 256),
    quantity(b.difficulty, 'difficulty'),
    quantity(b.number, 'number'),
    quantity(b.gasLimit, 'gasLimit'),
    quantity(b.gasUsed, 'gasUsed'),
    quantity(b.timestamp, 'timestamp'),
    extraData,
    data(b.mixHash, 'mixHash', 32),
    data(b.nonce, 'nonce', 8),
  ];
  // Later forks append fields; each one present implies the ones before it.
  const optional: [keyof QbftBlockLike, 'q' | number][] = [
    ['baseFeePerGas', 'q'],
    ['withdrawalsRoot', 32],
    ['blobGasUsed', 'q'],
    ['excessBlobGas', 'q'],
    ['parentBeaconBlockRoot', 32],
    ['requestsHash', 32],
  ];
  for (const [key, kind] of optional) {
    const v = b[key];
    if (v === undefined || v === null) break;
    fields.push(kind === 'q' ? quantity(v as Quantity, key) : data(v as string, key, kind));
  }
  return fields;
}

/**
 * Verify a QBFT block's committed seals without trusting the RPC server: recompute the block hash from the
 * header fields (extraData without seals, round 0; must equal `block.hash`), recover each seal's signer over
 * the seal hash (extraData without seals, round kept), and check the signers are distinct members of
 * `validators` and at least a quorum (⌈2n/3⌉). Throws AidocError INVALID_SIGNATURE with `data.reason`
 * `hash-mismatch`, `forged-seal`, `unknown-signer`, `duplicate-seal` or `insufficient-seals`.
 *
 * @example
 * ```ts
 * const block = await client.request({ method: 'eth_getBlockByNumber', params: ['finalized', false] });
 * const trusted = validatorsFromExtraData(genesis.extraData); // a validator set you trust
 * const { signers } = await verifyBlockSeals(block, trusted);
 * ```
 */
export async function verifyBlockSeals(
  block: QbftBlockLike,
  validators: readonly string[],
): Promise<VerifiedBlockSeals> {
  if (typeof block !== 'object' || block === null) {
    throw new AidocError('INVALID_INPUT', 'block must be a block object as eth_getBlockByNumber returns it', {
      data: { reason: 'malformed-block' },
    });
  }
  if (
    !Array.isArray(validators) ||
    validators.length === 0 ||
    validators.some((v) => typeof v !== 'string' || !isAddress(v, { strict: false }))
  ) {
    throw new AidocError('INVALID_INPUT', 'validators must be a non-empty list of addresses', {
      data: { reason: 'malformed-validators' },
    });
  }
  const set = new Set(validators.map((v) => v.toLowerCase()));
  const extra = decodeQbftExtraData(block.extraData);
  const [vanity, listed, vote, round] = extra.items;
  const blockHash = keccak256(toRlp(headerFields(block, toRlp([vanity, listed, vote, '0x', []]))));
  const claimed = data(block.hash, 'hash', 32);
  if (blockHash !== claimed) {
    throw fail(
      'hash-mismatch',
      `block hash mismatch: the header fields hash to ${blockHash}, the block says ${claimed}`,
      'A header field or the hash was altered; do not trust this block.',
    );
  }
  const sealHash = keccak256(toRlp(headerFields(block, toRlp([vanity, listed, vote, round, []]))));
  const quorum = Math.floor((2 * set.size - 1) / 3) + 1;
  const signers: `0x${string}`[] = [];
  for (const [i, seal] of extra.seals.entries()) {
    if (seal.length !== 132) throw fail('forged-seal', `seal ${i} is ${(seal.length - 2) / 2} bytes, not 65`);
    let signer: `0x${string}`;
    try {
      signer = (await recoverAddress({ hash: sealHash, signature: seal })).toLowerCase() as `0x${string}`;
    } catch (e) {
      throw new AidocError('INVALID_SIGNATURE', `seal ${i} is not a valid signature`, {
        cause: e,
        data: { reason: 'forged-seal' },
      });
    }
    if (!set.has(signer)) {
      throw fail(
        'unknown-signer',
        `seal ${i} was signed by ${signer}, which is not a validator of this block`,
        'A forged or altered seal, or the wrong validator set.',
      );
    }
    if (signers.includes(signer))
      throw fail('duplicate-seal', `seal ${i} repeats a seal of validator ${signer}`);
    signers.push(signer);
  }
  if (signers.length < quorum) {
    throw fail(
      'insufficient-seals',
      `block has ${signers.length} committed seal(s); ${quorum} of ${set.size} validators are needed`,
    );
  }
  return { valid: true, signers, quorum, round: extra.round };
}
