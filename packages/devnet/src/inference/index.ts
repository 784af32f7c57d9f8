export {
  createInferenceServer,
  type InferenceServer,
  type InferenceServerOptions,
} from './createInferenceServer';
export type { InferenceStats } from './InferenceStats';
export {
  type ModelPublisher,
  type PublishReferenceModelsResult,
  publishReferenceModels,
} from './publishReferenceModels';
export { type ReferenceModel, referenceModels } from './referenceModels';
