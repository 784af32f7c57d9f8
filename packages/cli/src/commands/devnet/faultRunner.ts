import { AidocError } from '@aidoc/sdk/errors';
import { type CliContext, wantsJson } from '../../cliContext';
import { jsonLine } from '../../output/jsonLine';
import { formatDevnetFault, formatDevnetStatus } from '../../views/formatDevnetStatus';
import { devnetFault } from './fault';
import type { DevnetFaultFlags, DevnetStatusFlags } from './faultOptions';
import { devnetStatus } from './status';
import { type ValidatorFaultKind, validatorFaultKinds } from './validatorStatus';

/**
 * Run `aidoc devnet fault <kind> [ms]`: check the arguments (usage errors exit 2), apply the fault over
 * JSON-RPC, print the validator's status (text on a terminal, one JSON document otherwise).
 *
 * @example
 * ```ts
 * await runDevnetFault('delay', '500', { rpc: 'http://127.0.0.1:8545', validator: 2 }, ctx);
 * ```
 */
export async function runDevnetFault(
  kind: string,
  ms: string | undefined,
  flags: DevnetFaultFlags,
  ctx: CliContext,
): Promise<void> {
  const request = { rpc: flags.rpc, validator: flags.validator, kind: checkKind(kind) };
  const delay = checkDelay(request.kind, ms);
  const result = await devnetFault({ ...request, ...(delay !== undefined ? { ms: delay } : {}) });
  ctx.io.stdout.write(wantsJson(ctx, flags) ? jsonLine(result) : formatDevnetFault(result));
}

/**
 * Run `aidoc devnet status`: print head, finality and every validator of a running devnet.
 *
 * @example
 * ```ts
 * await runDevnetStatus({ rpc: 'http://127.0.0.1:8545', json: true }, ctx);
 * ```
 */
export async function runDevnetStatus(flags: DevnetStatusFlags, ctx: CliContext): Promise<void> {
  const status = await devnetStatus({ rpc: flags.rpc });
  ctx.io.stdout.write(wantsJson(ctx, flags) ? jsonLine(status) : formatDevnetStatus(status));
}

const usage = "Run 'aidoc devnet fault --help' for usage.";

function checkKind(kind: string): ValidatorFaultKind {
  if (!(validatorFaultKinds as readonly string[]).includes(kind)) {
    throw new AidocError(
      'INVALID_INPUT',
      `Unknown fault '${kind}': expected ${validatorFaultKinds.join(', ')}.`,
      {
        details: usage,
      },
    );
  }
  return kind as ValidatorFaultKind;
}

function checkDelay(kind: ValidatorFaultKind, ms: string | undefined): number | undefined {
  if (kind !== 'delay') {
    if (ms !== undefined) {
      throw new AidocError('INVALID_INPUT', `'${kind}' takes no argument, got '${ms}'.`, { details: usage });
    }
    return undefined;
  }
  const value = ms !== undefined && /^\d+$/.test(ms.trim()) ? Number(ms) : Number.NaN;
  if (!Number.isSafeInteger(value) || value > 600_000) {
    throw new AidocError(
      'INVALID_INPUT',
      ms === undefined
        ? 'delay needs a number of milliseconds, e.g. aidoc devnet fault --validator 1 delay 500.'
        : `Invalid delay '${ms}': expected milliseconds from 0 to 600000.`,
      { details: usage },
    );
  }
  return value;
}
