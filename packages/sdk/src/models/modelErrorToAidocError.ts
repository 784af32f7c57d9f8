import { contractErrorToAidocError } from '../client/contractErrorToAidocError';
import type { AidocErrorCode } from '../errors';
import { AidocError } from '../errors';

const byModelRegistryError: Record<string, { code: AidocErrorCode; hint: string }> = {
  VersionExists: {
    code: 'ALREADY_KNOWN',
    hint: 'Versions are immutable: publish under a new version label.',
  },
  NotPublisher: { code: 'UNAUTHORIZED', hint: 'This model name belongs to another publisher.' },
  NotListed: { code: 'ACCESS_DENIED', hint: 'The model is unlisted by its publisher or delisted by audit.' },
  NotCallPayer: { code: 'ACCESS_DENIED', hint: 'Only the account that paid for a call may rate it.' },
  AlreadyRated: { code: 'ALREADY_KNOWN', hint: 'Each paid call can be rated once.' },
  InvalidScore: { code: 'INVALID_INPUT', hint: 'Scores are 1 to 5.' },
  Unknown: { code: 'NOT_FOUND', hint: 'No such model, version or call.' },
  EmptyName: { code: 'INVALID_INPUT', hint: 'Name and version must be non-empty.' },
  InvalidModelSource: {
    code: 'INVALID_INPUT',
    hint: 'Give exactly one of an ONNX file or an endpoint, and a task.',
  },
  NotExpert: { code: 'UNAUTHORIZED', hint: 'Only appointed expert nodes may audit.' },
};

/**
 * Like contractErrorToAidocError, with ModelRegistry's custom errors mapped to their codes and hints. Internal.
 *
 * @example
 * ```ts
 * try { await send(); } catch (e) { throw modelErrorToAidocError(e, 'Publishing wdbc@1.0.0'); }
 * ```
 */
export function modelErrorToAidocError(error: unknown, action: string): AidocError {
  const mapped = contractErrorToAidocError(error, action);
  const name = mapped.data?.contractError;
  const entry = typeof name === 'string' ? byModelRegistryError[name] : undefined;
  if (!entry) return mapped;
  return new AidocError(entry.code, mapped.shortMessage, {
    details: entry.hint,
    cause: mapped.cause,
    data: mapped.data,
  });
}
