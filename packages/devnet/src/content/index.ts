export { type AddEntry, type AddEvent, addContent, kuboImporterOptions } from './addContent';
export { type ContentBenchOptions, type ContentBenchResult, runContentBench } from './bench';
export type { ContentStore, ContentStoreStat, PinEntry, PinType } from './ContentStore';
export { type ContentServer, type ContentServerOptions, createContentServer } from './createContentServer';
export { type ContentStoreOptions, createContentStore } from './createContentStore';
export { type KuboAddOptions, parseKuboAddOptions } from './parseKuboAddOptions';
