/**
 * The SDK surface this example uses. `createAidoc` and the rest come from `@aidoc/sdk`; the messaging module is
 * taken from the SDK sources until `@aidoc/sdk` re-exports it (then this file re-exports from `@aidoc/sdk` only).
 */
export { AidocError } from '@aidoc/sdk';
export {
  createMessagingClient,
  type MessagingClient,
  memoryCursorStore,
  type ReceivedMessage,
} from '../../../packages/sdk/src/messaging';
export type { Notification } from '../../../packages/sdk/src/notifications';
