export type { AidocContext, AidocContracts } from './AidocContext';
export { type AidocClient, type CreateAidocOptions, createAidoc } from './createAidoc';
export type { KeyRegistration, KeysApi, WalletApi } from './createChainApis';
export type { RegisteredKey } from './fetchRegisteredKey';
export { type DeploymentsInput, resolveDeployments } from './resolveDeployments';
