import { RLP } from '@ethereumjs/rlp';
import { bigIntToUnpaddedBytes } from '@ethereumjs/util';
import { keccak256 as keccak_256 } from './keccak256';
import { type ExtraDataEncoding, encodeQbftExtraData, type QbftExtraData } from './qbftExtraData';

/** A Prague-era block header whose extraData is QBFT-encoded. */
export interface BlockHeader {
  parentHash: Uint8Array;
  uncleHash: Uint8Array;
  coinbase: Uint8Array;
  stateRoot: Uint8Array;
  transactionsRoot: Uint8Array;
  receiptsRoot: Uint8Array;
  logsBloom: Uint8Array;
  difficulty: bigint;
  number: bigint;
  gasLimit: bigint;
  gasUsed: bigint;
  timestamp: bigint;
  extra: QbftExtraData;
  mixHash: Uint8Array;
  nonce: Uint8Array;
  baseFeePerGas: bigint;
  withdrawalsRoot: Uint8Array;
  blobGasUsed: bigint;
  excessBlobGas: bigint;
  parentBeaconBlockRoot: Uint8Array;
  requestsHash: Uint8Array;
}

/** Besu's QBFT mixHash constant ("BFT mix hash"). */
export const QBFT_MIX_HASH = Uint8Array.from(
  Buffer.from('63746963616c2062797a616e74696e65206661756c7420746f6c6572616e6365', 'hex'),
);

/** The header's RLP fields, with extraData encoded as asked. */
export function headerFields(h: BlockHeader, encoding: ExtraDataEncoding = 'all'): Uint8Array[] {
  return [
    h.parentHash,
    h.uncleHash,
    h.coinbase,
    h.stateRoot,
    h.transactionsRoot,
    h.receiptsRoot,
    h.logsBloom,
    bigIntToUnpaddedBytes(h.difficulty),
    bigIntToUnpaddedBytes(h.number),
    bigIntToUnpaddedBytes(h.gasLimit),
    bigIntToUnpaddedBytes(h.gasUsed),
    bigIntToUnpaddedBytes(h.timestamp),
    encodeQbftExtraData(h.extra, encoding),
    h.mixHash,
    h.nonce,
    bigIntToUnpaddedBytes(h.baseFeePerGas),
    h.withdrawalsRoot,
    bigIntToUnpaddedBytes(h.blobGasUsed),
    bigIntToUnpaddedBytes(h.excessBlobGas),
    h.parentBeaconBlockRoot,
    h.requestsHash,
  ];
}

/** RLP of the full header (extraData with seals). */
export function encodeHeader(h: BlockHeader): Uint8Array {
  return RLP.encode(headerFields(h, 'all'));
}

// Headers are never mutated once built (changes make new objects), so hashes are memoised per object:
// consensus asks for the same header's hashes once per validator and message.
const blockHashes = new WeakMap<BlockHeader, Uint8Array>();
const sealHashes = new WeakMap<BlockHeader, Uint8Array>();

/** The QBFT block hash: keccak of the header with no seals and round 0 (the same whichever quorum signed). */
export function blockHash(h: BlockHeader): Uint8Array {
  let v = blockHashes.get(h);
  if (!v) blockHashes.set(h, (v = keccak_256(RLP.encode(headerFields(h, 'excludeSealsAndRound')))));
  return v;
}

/** The hash a committed seal signs: keccak of the header with an empty seal list (round included). */
export function sealHash(h: BlockHeader): Uint8Array {
  let v = sealHashes.get(h);
  if (!v) sealHashes.set(h, (v = keccak_256(RLP.encode(headerFields(h, 'excludeSeals')))));
  return v;
}
