import { type CliContext, wantsJson } from '../cliContext';
import { jsonLine } from './jsonLine';

/**
 * Print a command's result: one JSON document with `--json` (or when stdout is not a terminal), else the text
 * that `format` renders.
 *
 * @example
 * ```ts
 * printResult(ctx, flags, result, formatRecordsList);
 * ```
 */
export function printResult<T>(
  ctx: CliContext,
  flags: { json?: boolean | undefined },
  result: T,
  format: (result: T) => string,
): void {
  ctx.io.stdout.write(wantsJson(ctx, flags) ? jsonLine(result) : format(result));
}
