import type { CliContext } from '../../cliContext';
import type { GlobalFlags } from '../../options/globalOptions';
import { printResult } from '../../output/printResult';
import {
  formatGrantCreate,
  formatGrantList,
  formatGrantRevoke,
  formatGrantRotate,
} from '../../views/formatGrants';
import {
  type GrantCreateFlags,
  type GrantListFlags,
  grantCreate,
  grantList,
  grantRevoke,
  grantRotate,
} from './grantCommands';

/**
 * Run `aidoc grant create`.
 *
 * @example
 * ```ts
 * await runGrantCreate({ account: 'dev:1', to: '0x3C44…', scope: 'record:1', purpose: 'TREAT' }, ctx);
 * ```
 */
export async function runGrantCreate(flags: GrantCreateFlags, ctx: CliContext): Promise<void> {
  printResult(ctx, flags, await grantCreate(flags, ctx), (r) => formatGrantCreate(r, flags.to));
}

/**
 * Run `aidoc grant revoke <grantId>`.
 *
 * @example
 * ```ts
 * await runGrantRevoke(2n, { account: 'dev:1' }, ctx);
 * ```
 */
export async function runGrantRevoke(grantId: bigint, flags: GlobalFlags, ctx: CliContext): Promise<void> {
  printResult(ctx, flags, await grantRevoke(grantId, flags, ctx), formatGrantRevoke);
}

/**
 * Run `aidoc grant rotate <recordId>`.
 *
 * @example
 * ```ts
 * await runGrantRotate(1n, { account: 'dev:1' }, ctx);
 * ```
 */
export async function runGrantRotate(recordId: bigint, flags: GlobalFlags, ctx: CliContext): Promise<void> {
  printResult(ctx, flags, await grantRotate(recordId, flags, ctx), formatGrantRotate);
}

/**
 * Run `aidoc grant list`.
 *
 * @example
 * ```ts
 * await runGrantList({ account: 'dev:2', received: true }, ctx);
 * ```
 */
export async function runGrantList(flags: GrantListFlags, ctx: CliContext): Promise<void> {
  printResult(ctx, flags, await grantList(flags, ctx), formatGrantList);
}
