import { type Hex, keccak256, stringToBytes } from 'viem';
import { AidocError } from '../errors';

/**
 * The bytes32 a topic travels as on chain: `keccak256(name)` for a topic name such as `lab-sheet.ocr`, or the
 * value itself when it already is a 32-byte hex string.
 *
 * @example
 * ```ts
 * topicHash('lab-sheet.ocr'); // 0x… (keccak256 of the UTF-8 name)
 * ```
 */
export function topicHash(topic: string): Hex {
  if (typeof topic !== 'string' || topic.length === 0 || topic.length > 256) {
    throw new AidocError('INVALID_INPUT', 'A topic is a non-empty name of at most 256 characters.', {
      details: `Received ${JSON.stringify(topic)}.`,
    });
  }
  if (/^0x[0-9a-fA-F]{64}$/.test(topic)) return topic.toLowerCase() as Hex;
  return keccak256(stringToBytes(topic));
}
