export type { AccessApi, AccessRequestInfo, AccessRequestInput } from './createAccessApi';
