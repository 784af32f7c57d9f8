import { InvalidArgumentError } from 'commander';
import { parseHttpUrl } from '../../options/optionParsers';

/**
 * Parse the base URL of an Open Inference Protocol v2 server (http or https), without a trailing slash.
 *
 * @example
 * ```ts
 * parseInferenceUrl('http://127.0.0.1:9000/'); // 'http://127.0.0.1:9000'
 * ```
 */
export function parseInferenceUrl(raw: string): string {
  return parseHttpUrl(
    raw,
    'Expected the http:// URL of an Open Inference Protocol v2 server, e.g. http://127.0.0.1:9000.',
  ).replace(/\/+$/, '');
}

/**
 * Parse a rating score: an integer from 1 (worst) to 5 (best).
 *
 * @example
 * ```ts
 * parseScore('5'); // 5
 * ```
 */
export function parseScore(raw: string): number {
  const value = raw.trim();
  if (!/^[1-5]$/.test(value)) throw new InvalidArgumentError('Expected a score from 1 to 5.');
  return Number(value);
}

/**
 * Parse `--input`: `-` for standard input, else a file path (kept as given, resolved when read).
 *
 * @example
 * ```ts
 * parseInputSource('-'); // '-'
 * ```
 */
export function parseInputSource(raw: string): string {
  if (raw.trim().length === 0 || raw.includes('\0')) {
    throw new InvalidArgumentError('Expected a JSON file with an OIP inference request, or - for stdin.');
  }
  return raw === '-' ? raw : raw.trim();
}
