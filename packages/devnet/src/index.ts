export type {
  BlockSummary,
  DevAccount,
  Devnet,
  DevnetLogEvent,
  DevnetOptions,
  Eip1193Provider,
} from './types';
export { startDevnet } from './startDevnet';
