import { inspect } from 'node:util';
import { AidocError } from '@aidoc/sdk/errors';
import { jsonLine } from './jsonLine';

/** How {@link formatError} renders an error. */
export interface FormatErrorOptions {
  /** One JSON line `{"error":{code,message,...}}` instead of text. */
  json: boolean;
  /** Include the stack and cause chain (`DEBUG=aidoc`). */
  debug: boolean;
  /** Strings that must never be printed (e.g. a mnemonic); each is replaced by `[redacted]`. */
  secrets?: Iterable<string>;
}

/**
 * Render an error for the user: `Error: <shortMessage>` (+ details) on a terminal, or one JSON line with
 * `--json`. Stacks appear only with `debug`; secrets are redacted either way.
 *
 * @example
 * ```ts
 * process.stderr.write(formatError(err, { json: false, debug: false }));
 * ```
 */
export function formatError(error: unknown, options: FormatErrorOptions): string {
  const text = options.json ? formatJson(error, options.debug) : formatText(error, options.debug);
  return redact(text, options.secrets ?? []);
}

function formatJson(error: unknown, debug: boolean): string {
  const body: Record<string, unknown> = AidocError.is(error)
    ? error.toJSON()
    : { code: 'INTERNAL', message: messageOf(error) };
  if (debug && error instanceof Error && error.stack) body.stack = error.stack;
  return jsonLine({ error: body });
}

function formatText(error: unknown, debug: boolean): string {
  let text = AidocError.is(error)
    ? `Error: ${error.shortMessage}${error.details ? `\n\n${error.details}` : ''}\n`
    : `Error: ${messageOf(error)}\n`;
  if (debug) text += `\n${inspect(error, { depth: 6 })}\n`;
  else if (!AidocError.is(error)) text += 'Set DEBUG=aidoc to see the stack trace.\n';
  return text;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function redact(text: string, secrets: Iterable<string>): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.trim().length > 0) out = out.split(secret).join('[redacted]');
  }
  return out;
}
