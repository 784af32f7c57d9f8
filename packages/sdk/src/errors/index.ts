export { AidocError, type AidocErrorOptions } from './AidocError';
export { errorCodes, type AidocErrorCode } from './errorCodes';
