// The error type lives in the lowest package (@aidoc/contracts) so every package throws the same class.
export { AidocError, type AidocErrorCode, type AidocErrorOptions, errorCodes } from '@aidoc/contracts/errors';
