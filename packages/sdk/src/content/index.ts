export {
  type ContentAddOptions,
  type ContentAddResult,
  type ContentClient,
  type ContentClientOptions,
  type ContentInput,
  createContentClient,
} from './createContentClient';
