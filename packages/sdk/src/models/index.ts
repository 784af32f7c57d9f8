export {
  createInferenceClient,
  type InferenceClient,
  type InferenceClientOptions,
  type InferRequestOptions,
  type InferResponse,
  type OipModelMetadata,
  type OipTensorMetadata,
} from './createInferenceClient';
export {
  createModelsApi,
  type InferOptions,
  type InferResult,
  type ListModelsOptions,
  type ModelPayment,
  type ModelSource,
  type ModelsApi,
  type ModelsApiOptions,
  type PublishModelOptions,
  type PublishModelResult,
} from './createModelsApi';
export { describeOnnxModel, type ModelTensorSpec, type OnnxModelDescription } from './describeOnnxModel';
export { decodeFloat16, encodeFloat16 } from './encodeFloat16';
export {
  decodeBinaryInferOutput,
  decodeInferOutput,
  encodeBinaryInferInput,
  encodeInferInput,
  type InferInput,
  type InferOutput,
  type NumericTensorArray,
  type OipDatatype,
  type TensorData,
} from './InferTensor';
export type { ModelInfo, ModelListing, ModelMetadata, ModelVersionInfo } from './ModelInfo';
export { MODEL_NAME_PATTERN, MODEL_VERSION_PATTERN, parseModelRef } from './parseModelRef';
