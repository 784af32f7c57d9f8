import type { DAppInfo, MessagePayload, ReceivedMessage } from '@aidoc/sdk';
import type { DAppListResult, DAppRegisterResult, DAppShowResult } from '../commands/dapp/dappCommands';
import type { MsgAckResult, MsgSendResult } from '../commands/msg/msgCommands';
import type { MsgListenResult, MsgListenStart } from '../commands/msg/msgListen';
import type {
  NotifyAllowResult,
  NotifyListResult,
  NotifyReadResult,
  NotifySendResult,
} from '../commands/notify/notifyCommands';
import { formatFields, formatTable } from './formatFields';
import { shortHex } from './shortHex';

/**
 * A short, one-line preview of a payload: JSON compacted, text quoted, bytes by size; cut at `width`.
 *
 * @example
 * ```ts
 * formatPayloadPreview({ glucose: 7.9 }); // '{"glucose":7.9}'
 * formatPayloadPreview(new Uint8Array(2048)); // '2048 bytes'
 * ```
 */
export function formatPayloadPreview(payload: MessagePayload | undefined, width = 100): string {
  if (payload === undefined) return '(none)';
  const text = payload instanceof Uint8Array ? `${payload.length} bytes` : JSON.stringify(payload);
  return text.length > width ? `${text.slice(0, width - 1)}…` : text;
}

/**
 * Text for `aidoc dapp register`.
 *
 * @example
 * ```ts
 * process.stdout.write(formatDAppRegister(result));
 * ```
 */
export function formatDAppRegister(result: DAppRegisterResult): string {
  return formatFields(`Registered DApp ${result.dappId} (${result.name})`, [
    ['owner', result.owner],
    ['topics', result.topicNames.length > 0 ? result.topicNames.join(', ') : '(none yet)'],
    ['key', result.encryptionKey],
    ['tx', result.txHash],
  ]);
}

/**
 * Text for `aidoc dapp show`.
 *
 * @example
 * ```ts
 * process.stdout.write(formatDAppShow(dapp));
 * ```
 */
export function formatDAppShow(dapp: DAppShowResult): string {
  const accepts = dapp.accepts
    ? Object.entries(dapp.accepts).map(([topic, yes]) => `${topic} ${yes ? 'yes' : 'no'}`)
    : [];
  return formatFields(`DApp ${dapp.dappId} (${dapp.name})${dapp.active ? '' : ' — deactivated'}`, [
    ['owner', dapp.owner],
    ['key', dapp.encryptionKey],
    ['registered', dapp.registeredAt.toISOString()],
    ['accepts', accepts.length > 0 ? accepts.join(', ') : undefined],
  ]);
}

function dappRow(d: DAppInfo): string[] {
  return [
    String(d.dappId),
    d.name,
    d.active ? 'active' : 'inactive',
    d.registeredAt.toISOString(),
    shortHex(d.encryptionKey),
  ];
}

/**
 * Text for `aidoc dapp list`.
 *
 * @example
 * ```ts
 * process.stdout.write(formatDAppList(result));
 * ```
 */
export function formatDAppList(result: DAppListResult): string {
  if (result.dapps.length === 0) return `${result.owner} owns no DApps.\n`;
  return formatTable(['id', 'name', 'status', 'registered', 'key'], result.dapps.map(dappRow));
}

/**
 * Text for `aidoc msg send`.
 *
 * @example
 * ```ts
 * process.stdout.write(formatMsgSend(sent));
 * ```
 */
export function formatMsgSend(sent: MsgSendResult): string {
  return formatFields(`Sent message #${sent.sequence} from DApp ${sent.fromDapp} to DApp ${sent.toDapp}`, [
    ['topic', sent.topicName],
    ['file', sent.file],
    [
      'payload',
      `${sent.size} bytes, ${sent.encrypted ? 'encrypted' : 'NOT encrypted'}, ${sent.inline ? 'inline' : `in IPFS ${sent.payloadCid}`}`,
    ],
    ['tx', sent.txHash],
    ['block', String(sent.blockNumber)],
  ]);
}

/**
 * Text for `aidoc msg ack`.
 *
 * @example
 * ```ts
 * process.stdout.write(formatMsgAck(acked));
 * ```
 */
export function formatMsgAck(acked: MsgAckResult): string {
  return formatFields(
    `Acknowledged message #${acked.sequence} from DApp ${acked.fromDapp} to DApp ${acked.toDapp}`,
    [
      ['result', acked.resultCid ? acked.resultCid : '(none)'],
      ['tx', acked.txHash],
    ],
  );
}

/**
 * One received message as `aidoc msg listen` shows it on a terminal: a header line and the payload preview.
 *
 * @example
 * ```ts
 * formatReceivedMessage(message); // '#1 from DApp 1  lab-sheet.values  block 7  encrypted, inline\n  {"glucose":7.9}\n'
 * ```
 */
export function formatReceivedMessage(message: ReceivedMessage): string {
  const where = message.inline ? 'inline' : `IPFS ${message.payloadCid}`;
  const header = `#${message.sequence} from DApp ${message.fromDapp}  ${message.topicName ?? shortHex(message.topic)}  block ${message.blockNumber}  ${message.encrypted ? 'encrypted' : 'plaintext'}, ${where}`;
  const body = message.error
    ? `unreadable: ${message.error.code} ${message.error.shortMessage}`
    : formatPayloadPreview(message.payload, 200);
  return `${header}\n  ${body}\n`;
}

/**
 * The first line of `aidoc msg listen` on a terminal.
 *
 * @example
 * ```ts
 * formatListenStart(start); // 'Listening for messages to DApp 2 (lab-interpreter) from cursor …'
 * ```
 */
export function formatListenStart(start: MsgListenStart): string {
  const channels = Object.entries(start.channels);
  const resume =
    channels.length > 0
      ? `resuming after ${channels.map(([from, seq]) => `#${seq} from DApp ${from}`).join(', ')}`
      : 'from the start';
  const limit = start.max !== undefined ? `, stopping after ${start.max}` : '';
  const finality = start.finality === 'finalized' ? ', finalized blocks only' : '';
  return `Listening for messages to DApp ${start.dappId} (${start.name}), ${resume}${limit}${finality}.\nCursor: ${start.cursor}\n`;
}

/**
 * The last line of `aidoc msg listen` on a terminal.
 *
 * @example
 * ```ts
 * formatListenStopped(result); // 'Stopped after 3 messages; cursor saved in …'
 * ```
 */
export function formatListenStopped(result: MsgListenResult): string {
  const count = `${result.delivered} message${result.delivered === 1 ? '' : 's'}`;
  return `Stopped after ${count}${result.stoppedBy === 'signal' ? ' (interrupted)' : ''}; cursor saved in ${result.cursor}.\n`;
}

/**
 * Text for `aidoc notify allow`.
 *
 * @example
 * ```ts
 * process.stdout.write(formatNotifyAllow(result));
 * ```
 */
export function formatNotifyAllow(result: NotifyAllowResult): string {
  return formatFields(
    `${result.allowed ? 'Allowed' : 'Disallowed'} DApp ${result.dappId} (${result.name}) to notify ${result.user}`,
    [['tx', result.txHash]],
  );
}

/**
 * Text for `aidoc notify send`.
 *
 * @example
 * ```ts
 * process.stdout.write(formatNotifySend(result));
 * ```
 */
export function formatNotifySend(result: NotifySendResult): string {
  return formatFields(`Notified ${result.user}`, [
    ['id', result.id],
    ['topic', result.topic],
    ['body', result.payloadCid],
    ['tx', result.txHash],
  ]);
}

/**
 * Text for `aidoc notify list`.
 *
 * @example
 * ```ts
 * process.stdout.write(formatNotifyList(result));
 * ```
 */
export function formatNotifyList(result: NotifyListResult): string {
  if (result.notifications.length === 0) return `No notifications for ${result.user}.\n`;
  return formatTable(
    ['id', 'dapp', 'block', 'read'],
    result.notifications.map((n) => [
      n.id,
      String(n.dappId),
      String(n.blockNumber),
      n.read ? 'read' : 'unread',
    ]),
  );
}

/**
 * Text for `aidoc notify read`: who sent it, then the body (JSON pretty-printed).
 *
 * @example
 * ```ts
 * process.stdout.write(formatNotifyRead(result));
 * ```
 */
export function formatNotifyRead(result: NotifyReadResult): string {
  const body =
    result.body instanceof Uint8Array
      ? `(${result.body.length} bytes; use --json for base64)`
      : JSON.stringify(result.body, null, 2);
  return `${formatFields(`Notification from DApp ${result.dappId} (${result.dappName})`, [
    ['topic', result.topicName ?? result.topic],
    ['block', String(result.blockNumber)],
    ['id', result.id],
  ])}\n${body}\n`;
}
