/** A stream the CLI writes to (process.stdout in production, a collector in tests). */
export interface OutputStream {
  write(chunk: string): boolean;
  isTTY?: boolean;
}

/** The process surroundings a command sees: its output streams and environment. */
export interface CliIo {
  stdout: OutputStream;
  stderr: OutputStream;
  env: Record<string, string | undefined>;
}

/** What every command receives besides its own options. */
export interface CliContext {
  io: CliIo;
  /** `DEBUG=aidoc`: stacks in errors, debug-level log events. */
  debug: boolean;
  /** Raw values of secret options, redacted from every error message. */
  secrets: Set<string>;
}

/**
 * Build the context for one CLI run from its streams and environment.
 *
 * @example
 * ```ts
 * const ctx = createCliContext({ stdout: process.stdout, stderr: process.stderr, env: process.env });
 * ```
 */
export function createCliContext(io: CliIo): CliContext {
  return { io, debug: isDebugEnabled(io.env.DEBUG), secrets: new Set() };
}

/**
 * Whether a command prints JSON: with `--json`, or whenever stdout is not a terminal (piped, redirected).
 *
 * @example
 * ```ts
 * if (wantsJson(ctx, flags)) ctx.io.stdout.write(jsonLine(result));
 * ```
 */
export function wantsJson(ctx: CliContext, flags: { json?: boolean | undefined }): boolean {
  return flags.json === true || ctx.io.stdout.isTTY !== true;
}

function isDebugEnabled(debug: string | undefined): boolean {
  return (debug ?? '')
    .split(/[\s,]+/)
    .some((name) => name === '*' || name === 'aidoc' || name.startsWith('aidoc:'));
}
