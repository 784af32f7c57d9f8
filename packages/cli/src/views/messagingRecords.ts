import type { MessagePayload, Notification, ReceivedMessage } from '@aidoc/sdk';
import type { AidocError } from '@aidoc/sdk/errors';
import type { MsgListenResult, MsgListenStart } from '../commands/msg/msgListen';
import type { NotifyReadResult } from '../commands/notify/notifyCommands';

/**
 * A payload as JSON fields under `name`: bytes become `<name>Base64`, text and JSON values stay as they are.
 *
 * @example
 * ```ts
 * payloadFields('payload', new Uint8Array([1, 2])); // { payloadBase64: 'AQI=' }
 * payloadFields('payload', { glucose: 7.9 }); // { payload: { glucose: 7.9 } }
 * ```
 */
export function payloadFields(name: string, payload: MessagePayload | undefined): Record<string, unknown> {
  if (payload === undefined) return {};
  if (payload instanceof Uint8Array) {
    return {
      [`${name}Base64`]: Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString(
        'base64',
      ),
    };
  }
  return { [name]: payload };
}

/**
 * An error as plain JSON, as `aidoc` prints errors: `{ error: { code, message, … } }`.
 *
 * @example
 * ```ts
 * errorFields(new AidocError('DECRYPTION_FAILED', 'Wrong key.')); // { error: { code: 'DECRYPTION_FAILED', … } }
 * ```
 */
export function errorFields(error: AidocError | undefined): Record<string, unknown> {
  return error ? { error: error.toJSON() } : {};
}

/**
 * The JSON line `aidoc msg listen` prints when it starts listening.
 *
 * @example
 * ```ts
 * stdout.write(jsonLine(listenStartRecord(start)));
 * ```
 */
export function listenStartRecord(start: MsgListenStart): Record<string, unknown> {
  return { event: 'listening', ...start };
}

/**
 * The JSON line `aidoc msg listen` prints for a received message.
 *
 * @example
 * ```ts
 * stdout.write(jsonLine(messageRecord(message)));
 * ```
 */
export function messageRecord(message: ReceivedMessage): Record<string, unknown> {
  const { payload, error, ...rest } = message;
  return { event: 'message', ...rest, ...payloadFields('payload', payload), ...errorFields(error) };
}

/**
 * The JSON line `aidoc msg listen` prints when it stops.
 *
 * @example
 * ```ts
 * stdout.write(jsonLine(listenStoppedRecord(result)));
 * ```
 */
export function listenStoppedRecord(result: MsgListenResult): Record<string, unknown> {
  return { event: 'stopped', ...result };
}

/**
 * A read notification as JSON: its fields with the body as `body` (or `bodyBase64` for bytes).
 *
 * @example
 * ```ts
 * stdout.write(jsonLine(notificationRecord(result)));
 * ```
 */
export function notificationRecord(notification: Notification | NotifyReadResult): Record<string, unknown> {
  const { body, error, ...rest } = notification;
  return { ...rest, ...payloadFields('body', body), ...errorFields(error) };
}
