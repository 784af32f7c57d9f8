import { type CliContext, wantsJson } from '../../cliContext';
import type { GlobalFlags } from '../../options/globalOptions';
import { jsonLine } from '../../output/jsonLine';
import { printResult } from '../../output/printResult';
import {
  formatNotifyAllow,
  formatNotifyList,
  formatNotifyRead,
  formatNotifySend,
} from '../../views/formatMessaging';
import { notificationRecord } from '../../views/messagingRecords';
import {
  type NotifyListFlags,
  type NotifySendFlags,
  notifyAllow,
  notifyList,
  notifyRead,
  notifySend,
} from './notifyCommands';

/**
 * Run `aidoc notify allow <dapp> [--revoke]`.
 *
 * @example
 * ```ts
 * await runNotifyAllow('lab-interpreter', { account: 'dev:3' }, ctx);
 * ```
 */
export async function runNotifyAllow(
  dapp: string,
  flags: GlobalFlags & { revoke?: boolean },
  ctx: CliContext,
): Promise<void> {
  printResult(ctx, flags, await notifyAllow(dapp, flags, ctx), formatNotifyAllow);
}

/**
 * Run `aidoc notify send`.
 *
 * @example
 * ```ts
 * await runNotifySend({ user, topic: 'lab-sheet.advice', data: { text: 'Hi' }, account: 'dev:2' }, ctx);
 * ```
 */
export async function runNotifySend(flags: NotifySendFlags, ctx: CliContext): Promise<void> {
  printResult(ctx, flags, await notifySend(flags, ctx), formatNotifySend);
}

/**
 * Run `aidoc notify list`.
 *
 * @example
 * ```ts
 * await runNotifyList({ account: 'dev:3', unread: true }, ctx);
 * ```
 */
export async function runNotifyList(flags: NotifyListFlags, ctx: CliContext): Promise<void> {
  printResult(ctx, flags, await notifyList(flags, ctx), formatNotifyList);
}

/**
 * Run `aidoc notify read <id>`.
 *
 * @example
 * ```ts
 * await runNotifyRead(id, { account: 'dev:3' }, ctx);
 * ```
 */
export async function runNotifyRead(
  id: string,
  flags: GlobalFlags & { state?: string; mark?: boolean },
  ctx: CliContext,
): Promise<void> {
  const result = await notifyRead(id, flags, ctx);
  if (wantsJson(ctx, flags)) ctx.io.stdout.write(jsonLine(notificationRecord(result)));
  else ctx.io.stdout.write(formatNotifyRead(result));
}
