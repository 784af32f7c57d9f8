export {
  type AckInfo,
  createMessagingApi,
  DEFAULT_MAX_PAYLOAD_BYTES,
  type ListenerStats,
  type ListenOptions,
  MAX_INLINE_PAYLOAD,
  type MessageHandler,
  type MessageListener,
  type MessageRef,
  type MessagingApi,
  type ReceivedMessage,
  type RegisterDAppInput,
  type RegisteredDApp,
  type SendOptions,
  type SentMessage,
} from './createMessagingApi';
export { createMessagingClient, type MessagingClient } from './createMessagingClient';
export type { DAppInfo, DAppRef } from './DAppInfo';
export { fileCursorStore } from './fileCursorStore';
export type { Finality, FollowerStats } from './followLogs';
export { type CursorStore, type MessageCursor, memoryCursorStore, parseMessageCursor } from './MessageCursor';
export {
  decodeMessagePayload,
  encodeMessagePayload,
  isEncryptedPayload,
  type JsonValue,
  type MessagePayload,
  type PayloadBinding,
} from './messagePayload';
export { topicHash } from './topicHash';
