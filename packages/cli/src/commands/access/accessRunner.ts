import type { CliContext } from '../../cliContext';
import type { GlobalFlags } from '../../options/globalOptions';
import { printResult } from '../../output/printResult';
import {
  formatAccessApprove,
  formatAccessClose,
  formatAccessList,
  formatAccessRequest,
} from '../../views/formatGrants';
import {
  type AccessListFlags,
  type AccessRequestFlags,
  accessApprove,
  accessDeny,
  accessList,
  accessRequest,
  accessWithdraw,
} from './accessCommands';

/**
 * Run `aidoc access request`.
 *
 * @example
 * ```ts
 * await runAccessRequest({ account: 'dev:2', owner, scope: 'record:1', purpose: 'Study', offer: '5', duration: 86_400 }, ctx);
 * ```
 */
export async function runAccessRequest(flags: AccessRequestFlags, ctx: CliContext): Promise<void> {
  printResult(ctx, flags, await accessRequest(flags, ctx), formatAccessRequest);
}

/**
 * Run `aidoc access approve <requestId>`.
 *
 * @example
 * ```ts
 * await runAccessApprove(1n, { account: 'dev:1' }, ctx);
 * ```
 */
export async function runAccessApprove(
  requestId: bigint,
  flags: GlobalFlags,
  ctx: CliContext,
): Promise<void> {
  printResult(ctx, flags, await accessApprove(requestId, flags, ctx), formatAccessApprove);
}

/**
 * Run `aidoc access deny <requestId>`.
 *
 * @example
 * ```ts
 * await runAccessDeny(1n, { account: 'dev:1' }, ctx);
 * ```
 */
export async function runAccessDeny(requestId: bigint, flags: GlobalFlags, ctx: CliContext): Promise<void> {
  printResult(ctx, flags, await accessDeny(requestId, flags, ctx), (r) => formatAccessClose(r, 'Denied'));
}

/**
 * Run `aidoc access withdraw <requestId>`.
 *
 * @example
 * ```ts
 * await runAccessWithdraw(1n, { account: 'dev:2' }, ctx);
 * ```
 */
export async function runAccessWithdraw(
  requestId: bigint,
  flags: GlobalFlags,
  ctx: CliContext,
): Promise<void> {
  printResult(ctx, flags, await accessWithdraw(requestId, flags, ctx), (r) =>
    formatAccessClose(r, 'Withdrew'),
  );
}

/**
 * Run `aidoc access list`.
 *
 * @example
 * ```ts
 * await runAccessList({ account: 'dev:1' }, ctx);
 * ```
 */
export async function runAccessList(flags: AccessListFlags, ctx: CliContext): Promise<void> {
  printResult(ctx, flags, await accessList(flags, ctx), formatAccessList);
}
