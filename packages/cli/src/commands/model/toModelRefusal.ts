import { AidocError } from '@aidoc/sdk/errors';

/** ModelRegistry refusals caused by what is already on chain, not by a malformed command line. */
const stateConflicts = new Set(['VersionExists', 'AlreadyRated']);

/**
 * Turn a registry state conflict (a version that is already published, a call that is already rated) into
 * an `ALREADY_KNOWN` error, so that the CLI exits with 1 (refused) rather than 2 (usage). The message,
 * details, data (with `contractError`) and cause are kept; any other error is returned unchanged.
 *
 * @example
 * ```ts
 * try { await aidoc.models.publish(file, options); } catch (error) { throw toModelRefusal(error); }
 * ```
 */
export function toModelRefusal(error: unknown): unknown {
  if (!AidocError.is(error, 'INVALID_INPUT')) return error;
  const contractError = error.data?.contractError;
  if (typeof contractError !== 'string' || !stateConflicts.has(contractError)) return error;
  return new AidocError('ALREADY_KNOWN', error.shortMessage, {
    ...(error.details !== undefined ? { details: error.details } : {}),
    ...(error.data !== undefined ? { data: error.data } : {}),
    cause: error,
  });
}
