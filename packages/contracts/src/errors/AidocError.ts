import type { AidocErrorCode } from './errorCodes';

const MARKER = Symbol.for('@aidoc/error');

/** Options accepted by the {@link AidocError} constructor. */
export interface AidocErrorOptions {
  /** Longer explanation: what was received, what was expected, how to fix it. */
  details?: string | undefined;
  /** The underlying error, if any. */
  cause?: unknown;
  /** Structured data that helps a program react (never secrets). */
  data?: Record<string, unknown> | undefined;
}

/**
 * The one error type every AIDOC package throws: a stable `code`, a short message that says what to fix,
 * optional `details` and the original `cause`.
 *
 * @example
 * ```ts
 * try {
 *   await client.records.read(id);
 * } catch (e) {
 *   if (AidocError.is(e, 'ACCESS_DENIED')) console.log('ask the owner for a grant');
 * }
 * ```
 */
export class AidocError extends Error {
  override readonly name = 'AidocError';
  /** Stable machine-readable code, e.g. `INVALID_PARAMS`. */
  readonly code: AidocErrorCode;
  /** The message without details, suitable for one-line display. */
  readonly shortMessage: string;
  /** Longer explanation, if any. */
  readonly details: string | undefined;
  /** Structured data for programs (never secrets). */
  readonly data: Record<string, unknown> | undefined;

  constructor(code: AidocErrorCode, shortMessage: string, options: AidocErrorOptions = {}) {
    super(options.details ? `${shortMessage}\n\nDetails: ${options.details}` : shortMessage, {
      cause: options.cause,
    });
    this.code = code;
    this.shortMessage = shortMessage;
    this.details = options.details;
    this.data = options.data;
    Object.defineProperty(this, MARKER, { value: true, enumerable: false });
  }

  /**
   * Whether `value` is an AidocError (optionally with the given code). Works across copies of the package,
   * since it checks a marker rather than `instanceof`.
   *
   * @example
   * ```ts
   * if (AidocError.is(err, 'NONCE_TOO_LOW')) retry();
   * ```
   */
  static is(value: unknown, code?: AidocErrorCode): value is AidocError {
    if (typeof value !== 'object' || value === null) return false;
    if ((value as Record<symbol, unknown>)[MARKER] !== true) return false;
    return code === undefined || (value as AidocError).code === code;
  }

  /** A JSON view without stack, safe for `--json` output and logs. */
  toJSON(): { code: AidocErrorCode; message: string; details?: string; data?: Record<string, unknown> } {
    return {
      code: this.code,
      message: this.shortMessage,
      ...(this.details !== undefined ? { details: this.details } : {}),
      ...(this.data !== undefined ? { data: this.data } : {}),
    };
  }
}
