export { AidocError, type AidocErrorOptions } from './errors/AidocError';
export { errorCodes, type AidocErrorCode } from './errors/errorCodes';
