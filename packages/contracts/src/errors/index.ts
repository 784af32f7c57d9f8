export { AidocError, type AidocErrorOptions } from './AidocError';
export { type AidocErrorCode, errorCodes } from './errorCodes';
