import type { AidocErrorCode } from '../errors';
import { AidocError } from '../errors';

const byContractError: Record<string, { code: AidocErrorCode; hint: string }> = {
  UnknownDApp: { code: 'NOT_FOUND', hint: 'No DApp has this id; check it with `aidoc dapp show`.' },
  DAppInactive: { code: 'NOT_FOUND', hint: 'The DApp is unknown or was deactivated by its owner.' },
  NotDAppOwner: {
    code: 'UNAUTHORIZED',
    hint: "Only the DApp's owner account may send, acknowledge or notify for it.",
  },
  TopicNotAccepted: {
    code: 'ACCESS_DENIED',
    hint: 'The receiving DApp does not accept this topic; its owner adds topics with setTopics.',
  },
  InvalidPayload: {
    code: 'LIMIT_EXCEEDED',
    hint: 'Inline payloads are limited to 8192 bytes; send larger ones through IPFS.',
  },
  UnknownMessage: { code: 'NOT_FOUND', hint: 'No message with this sequence number exists on the channel.' },
  AlreadyAcked: { code: 'ALREADY_KNOWN', hint: 'The message was already acknowledged.' },
  NotificationsNotAllowed: {
    code: 'ACCESS_DENIED',
    hint: 'The user has not allowed this DApp to notify them (notifications.allow(dappId)).',
  },
  NameTaken: { code: 'ALREADY_KNOWN', hint: 'Another DApp already uses this name.' },
};

/**
 * Gives a Messenger or DAppRegistry refusal its stable code (an unknown DApp is `NOT_FOUND`, a refused topic or
 * notification `ACCESS_DENIED`, …); other errors pass through. Internal.
 */
export function messagingRefusal(error: unknown): unknown {
  if (!AidocError.is(error)) return error;
  const name = error.data?.contractError;
  const mapped = typeof name === 'string' ? byContractError[name] : undefined;
  if (!mapped || error.code === mapped.code) return error;
  return new AidocError(mapped.code, error.shortMessage, {
    details: error.details ?? mapped.hint,
    cause: error.cause ?? error,
    data: error.data,
  });
}
