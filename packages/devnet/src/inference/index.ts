export type { InferenceStats } from './InferenceStats';
export { type InferenceServer, type InferenceServerOptions, createInferenceServer } from './createInferenceServer';
export { type ReferenceModel, referenceModels } from './referenceModels';
export { type PublishReferenceModelsResult, publishReferenceModels } from './publishReferenceModels';
