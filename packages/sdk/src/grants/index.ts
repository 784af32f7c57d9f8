export type { CreateGrantInput, GrantInfo, GrantResult, GrantsApi, RotateResult } from './createGrantsApi';
export type { KeyBundle } from './keyBundle';
export { type GrantScope, type GrantScopeInput, parseGrantScope } from './parseGrantScope';
