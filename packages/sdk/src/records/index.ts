export type {
  ListRecordsOptions,
  ReadResult,
  RecordInput,
  RecordsApi,
  UploadOptions,
  UploadResult,
} from './createRecordsApi';
export type { RecordInfo } from './RecordInfo';
