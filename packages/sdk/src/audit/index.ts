export type { AuditApi, RecordHistoryEvent } from './createAuditApi';
