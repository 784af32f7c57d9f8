/**
 * What `@aidoc/sdk` should export once the root index re-exports messaging and notifications: the messaging
 * guide runner maps `@aidoc/sdk` imports here.
 */
export * from '../src/messaging';
export * from '../src/notifications';
export * from './sdkSurface';
