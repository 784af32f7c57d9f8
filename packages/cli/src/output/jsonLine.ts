import { toJsonValue } from './toJsonValue';

/**
 * Serialise a value as one line of JSON (bigints as decimal strings), newline included.
 *
 * @example
 * ```ts
 * process.stdout.write(jsonLine({ event: 'block', number: 1n })); // {"event":"block","number":"1"}\n
 * ```
 */
export function jsonLine(value: unknown): string {
  return `${JSON.stringify(toJsonValue(value))}\n`;
}
