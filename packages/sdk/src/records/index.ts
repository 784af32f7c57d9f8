export type {
  ListRecordsOptions,
  ReadResult,
  RecordInput,
  RecordsApi,
  StageTimings,
  UploadOptions,
  UploadResult,
} from './createRecordsApi';
export type { RecordInfo } from './RecordInfo';
