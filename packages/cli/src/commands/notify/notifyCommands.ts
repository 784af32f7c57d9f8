import { homedir } from 'node:os';
import { join } from 'node:path';
import type { JsonValue, Notification, NotificationInfo } from '@aidoc/sdk';
import { requireAccount } from '../../account/resolveAccount';
import type { CliContext } from '../../cliContext';
import type { GlobalFlags } from '../../options/globalOptions';
import { connectAidoc } from '../connectAidoc';

/**
 * The file that keeps which notifications a user has read (the chain has no read state): `--state`, else
 * `~/.aidoc/notifications/<address>.read.json`.
 *
 * @example
 * ```ts
 * notificationStateFile({}, '0x7099…79C8'); // '/home/me/.aidoc/notifications/0x7099…79c8.read.json'
 * ```
 */
export function notificationStateFile(flags: { state?: string | undefined }, user: `0x${string}`): string {
  return flags.state ?? join(homedir(), '.aidoc', 'notifications', `${user.toLowerCase()}.read.json`);
}

/** What `aidoc notify allow` did. */
export interface NotifyAllowResult {
  user: `0x${string}`;
  dappId: bigint;
  name: string;
  allowed: boolean;
  txHash: `0x${string}`;
}

/**
 * Allow a DApp to notify `--account` (or withdraw the permission with `revoke`).
 *
 * @example
 * ```ts
 * await notifyAllow('lab-interpreter', { account: 'dev:3' }, ctx);
 * ```
 */
export async function notifyAllow(
  dapp: string,
  flags: GlobalFlags & { revoke?: boolean },
  ctx: CliContext,
): Promise<NotifyAllowResult> {
  const account = await requireAccount(flags, ctx, 'Allowing notifications');
  const aidoc = await connectAidoc(flags, ctx, account);
  const info = await aidoc.messaging.get(dapp);
  const allowed = flags.revoke !== true;
  const { txHash } = await aidoc.notifications.allow(info.dappId, allowed);
  return { user: account.address, dappId: info.dappId, name: info.name, allowed, txHash };
}

/** Options of `aidoc notify send`. */
export interface NotifySendFlags extends GlobalFlags {
  user: `0x${string}`;
  topic: string;
  data: JsonValue;
  /** Which of the account's DApps notifies (default: its only one). */
  from?: string;
  /** `--no-encrypt` sets false. */
  encrypt?: boolean;
}

/** What `aidoc notify send` sent. */
export interface NotifySendResult {
  id: string;
  user: `0x${string}`;
  topic: string;
  txHash: `0x${string}`;
  payloadCid: string;
}

/**
 * Notify a user who allowed one of `--account`'s DApps; the body is encrypted to the user's registered key.
 *
 * @example
 * ```ts
 * await notifySend({ user: patient, topic: 'lab-sheet.advice', data: { text: 'See your doctor.' }, account: 'dev:2' }, ctx);
 * ```
 */
export async function notifySend(flags: NotifySendFlags, ctx: CliContext): Promise<NotifySendResult> {
  const account = await requireAccount(flags, ctx, 'Notifying a user');
  const aidoc = await connectAidoc(flags, ctx, account);
  const sent = await aidoc.notifications.send(flags.user, flags.topic, flags.data, {
    ...(flags.from !== undefined ? { from: flags.from } : {}),
    ...(flags.encrypt === false ? { encrypt: false } : {}),
  });
  return { ...sent, user: flags.user, topic: flags.topic };
}

/** Options of `aidoc notify list`. */
export interface NotifyListFlags extends GlobalFlags {
  /** Whose notifications (default: `--account`). */
  user?: `0x${string}`;
  unread?: boolean;
  /** Only from this DApp. */
  dapp?: string;
  state?: string;
}

/** What `aidoc notify list` prints. */
export interface NotifyListResult {
  user: `0x${string}`;
  state: string;
  notifications: NotificationInfo[];
}

/**
 * List notifications to `--user` (default `--account`), oldest first, marked read per the state file.
 *
 * @example
 * ```ts
 * const { notifications } = await notifyList({ account: 'dev:3', unread: true }, ctx);
 * ```
 */
export async function notifyList(flags: NotifyListFlags, ctx: CliContext): Promise<NotifyListResult> {
  const account =
    flags.user === undefined ? await requireAccount(flags, ctx, 'Listing notifications') : undefined;
  const user = flags.user ?? (account as { address: `0x${string}` }).address;
  const aidoc = await connectAidoc(flags, ctx, account);
  const state = notificationStateFile(flags, user);
  const notifications = await aidoc.notifications.list({
    user,
    readState: state,
    ...(flags.unread ? { unreadOnly: true } : {}),
    ...(flags.dapp !== undefined ? { dapp: flags.dapp } : {}),
  });
  return { user, state, notifications };
}

/** What `aidoc notify read` prints: the notification with its decrypted body, and the state file. */
export interface NotifyReadResult extends Notification {
  state: string;
}

/**
 * Fetch and decrypt a notification to `--account`, and mark it read in the state file (unless `mark` is false).
 * A body that cannot be read (not addressed to this account, not in IPFS) is an error.
 *
 * @example
 * ```ts
 * const { body } = await notifyRead(id, { account: 'dev:3' }, ctx);
 * ```
 */
export async function notifyRead(
  id: string,
  flags: GlobalFlags & { state?: string; mark?: boolean },
  ctx: CliContext,
): Promise<NotifyReadResult> {
  const account = await requireAccount(flags, ctx, 'Reading a notification');
  const aidoc = await connectAidoc(flags, ctx, account);
  const state = notificationStateFile(flags, account.address);
  const notification = await aidoc.notifications.read(id, {
    readState: state,
    ...(flags.mark === false ? { markRead: false } : {}),
  });
  if (notification.error) throw notification.error;
  return { ...notification, state };
}
