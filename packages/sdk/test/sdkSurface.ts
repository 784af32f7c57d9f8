/**
 * What the SDK root (`@aidoc/sdk`) should export from the life-bank modules; the guide runner maps
 * `@aidoc/sdk` imports here until packages/sdk/src/index.ts re-exports these modules.
 */
export * from '../src/access';
export * from '../src/audit';
export * from '../src/client';
export * from '../src/content';
export * from '../src/crypto';
export * from '../src/errors';
export * from '../src/fhir';
export * from '../src/grants';
export * from '../src/records';
export * from '../src/wallet';
