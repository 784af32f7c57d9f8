export {
  type ValidatorFault,
  type ValidatorFaultKind,
  type ValidatorStatus,
  validatorFaultKinds,
} from './consensus/qbft/QbftEngine';
export type { ContentStore, ContentStoreStat, PinEntry, PinType } from './content/ContentStore';
export {
  type ContentServer,
  type ContentServerOptions,
  createContentServer,
} from './content/createContentServer';
export { type ContentStoreOptions, createContentStore } from './content/createContentStore';
export {
  createInferenceServer,
  type InferenceServer,
  type InferenceServerOptions,
  type InferenceStats,
  type ModelPublisher,
  type PublishReferenceModelsResult,
  publishReferenceModels,
  type ReferenceModel,
  referenceModels,
} from './inference';
export { startDevnet } from './startDevnet';
export type {
  BlockSummary,
  DevAccount,
  Devnet,
  DevnetLogEvent,
  DevnetOptions,
  Eip1193Provider,
} from './types';
