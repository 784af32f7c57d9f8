import type { JsonValue } from '@aidoc/sdk';
import { InvalidArgumentError } from 'commander';

/**
 * Parse a JSON document given on the command line (`--data '{"glucose":7.9}'`); bad JSON is a usage error.
 *
 * @example
 * ```ts
 * parseJsonData('{"glucose":7.9}'); // { glucose: 7.9 }
 * ```
 */
export function parseJsonData(raw: string): JsonValue {
  try {
    return JSON.parse(raw) as JsonValue;
  } catch (cause) {
    throw new InvalidArgumentError(
      `Expected JSON, e.g. '{"glucose":7.9}' or '"text"' (${(cause as Error).message}).`,
    );
  }
}

/**
 * Parse a comma-separated list of topic names (`lab-sheet.values,lab-sheet.image`); empty names are refused.
 *
 * @example
 * ```ts
 * parseTopics('lab-sheet.values, lab-sheet.image'); // ['lab-sheet.values', 'lab-sheet.image']
 * ```
 */
export function parseTopics(raw: string): string[] {
  const topics = raw.split(',').map((topic) => topic.trim());
  if (topics.some((topic) => topic.length === 0 || topic.length > 256) || topics.length > 256) {
    throw new InvalidArgumentError(
      'Expected topic names separated by commas, e.g. lab-sheet.values,lab-sheet.image (each 1–256 characters).',
    );
  }
  return [...new Set(topics)];
}

/**
 * Parse one topic name (1–256 characters, kept as given apart from surrounding spaces).
 *
 * @example
 * ```ts
 * parseTopic('lab-sheet.values'); // 'lab-sheet.values'
 * ```
 */
export function parseTopic(raw: string): string {
  const topic = raw.trim();
  if (topic.length === 0 || topic.length > 256) {
    throw new InvalidArgumentError('Expected a topic name of 1–256 characters, e.g. lab-sheet.values.');
  }
  return topic;
}

/**
 * Parse a DApp reference: its id (a positive whole number) or its registered name.
 *
 * @example
 * ```ts
 * parseDAppRef('lab-interpreter'); // 'lab-interpreter'
 * parseDAppRef('2'); // '2'
 * ```
 */
export function parseDAppRef(raw: string): string {
  const value = raw.trim();
  if (value.length === 0 || value.length > 128 || /^0+$/.test(value)) {
    throw new InvalidArgumentError('Expected a DApp id (1, 2, …) or a registered DApp name.');
  }
  return value;
}

/**
 * Parse a DApp name for registration (1–128 characters; not all digits, so it cannot be mistaken for an id).
 *
 * @example
 * ```ts
 * parseDAppName('lab-ocr'); // 'lab-ocr'
 * ```
 */
export function parseDAppName(raw: string): string {
  const value = raw.trim();
  if (value.length === 0 || value.length > 128 || /^\d+$/.test(value)) {
    throw new InvalidArgumentError('Expected a DApp name of 1–128 characters that is not just digits.');
  }
  return value;
}

const storages = ['auto', 'inline', 'ipfs'] as const;

/**
 * Parse `--storage`: `auto` (inline when it fits), `inline` or `ipfs`.
 *
 * @example
 * ```ts
 * parseStorage('ipfs'); // 'ipfs'
 * ```
 */
export function parseStorage(raw: string): (typeof storages)[number] {
  const value = raw.trim().toLowerCase();
  const found = storages.find((s) => s === value);
  if (!found) throw new InvalidArgumentError(`Expected one of ${storages.join(', ')}.`);
  return found;
}

/**
 * Parse a secp256k1 encryption public key in hex (33 bytes compressed or 65 bytes uncompressed).
 *
 * @example
 * ```ts
 * parseEncryptionPublicKey('0x02' + 'ab'.repeat(32));
 * ```
 */
export function parseEncryptionPublicKey(raw: string): `0x${string}` {
  const value = raw.trim();
  if (!/^0x(0[23][0-9a-fA-F]{64}|04[0-9a-fA-F]{128})$/.test(value)) {
    throw new InvalidArgumentError(
      'Expected a secp256k1 public key: 0x02/0x03 + 64 hex digits (compressed) or 0x04 + 128 hex digits.',
    );
  }
  return value as `0x${string}`;
}

/**
 * Parse a notification id as `notify list` prints it: `<txHash>-<logIndex>`.
 *
 * @example
 * ```ts
 * parseNotificationId(`0x${'ab'.repeat(32)}-0`);
 * ```
 */
export function parseNotificationId(raw: string): string {
  const value = raw.trim();
  if (!/^0x[0-9a-fA-F]{64}-\d{1,9}$/.test(value)) {
    throw new InvalidArgumentError(
      'Expected a notification id such as 0x5c…e1-0 (from `aidoc notify list`).',
    );
  }
  return value;
}
