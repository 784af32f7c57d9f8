/** The SDK surface this example uses, all from `@aidoc/sdk`. */
export {
  AidocError,
  createMessagingClient,
  type MessagingClient,
  memoryCursorStore,
  type Notification,
  type ReceivedMessage,
} from '@aidoc/sdk';
