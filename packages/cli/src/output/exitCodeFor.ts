import { AidocError } from '@aidoc/sdk/errors';

/** Process exit codes of the `aidoc` command. */
export const ExitCode = { ok: 0, failure: 1, usage: 2 } as const;

/**
 * The exit code for an error: 2 when the user's input was rejected (usage), 1 for any other failure.
 *
 * @example
 * ```ts
 * exitCodeFor(new AidocError('INVALID_INPUT', 'Bad port')); // 2
 * ```
 */
export function exitCodeFor(error: unknown): number {
  if (AidocError.is(error, 'INVALID_INPUT') || AidocError.is(error, 'INVALID_PARAMS')) return ExitCode.usage;
  return ExitCode.failure;
}
