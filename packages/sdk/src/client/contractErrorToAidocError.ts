import { BaseError, ContractFunctionRevertedError } from 'viem';
import type { AidocErrorCode } from '../errors';
import { AidocError } from '../errors';

const byContractError: Record<string, { code: AidocErrorCode; hint?: string }> = {
  AccessDenied: { code: 'ACCESS_DENIED', hint: 'There is no valid grant (none, expired or revoked).' },
  UnknownRecord: { code: 'NOT_FOUND' },
  UnknownGrant: { code: 'NOT_FOUND' },
  UnknownRequest: { code: 'NOT_FOUND' },
  RecordInactive: { code: 'ACCESS_DENIED', hint: 'The record was deactivated by its owner.' },
  NotRecordOwner: { code: 'UNAUTHORIZED', hint: 'Only the record owner may do this.' },
  NotGrantOwner: { code: 'UNAUTHORIZED', hint: 'Only the owner who gave the grant may do this.' },
  NotAuthorized: { code: 'UNAUTHORIZED' },
  InvalidScope: { code: 'INVALID_INPUT' },
  InvalidGrantee: { code: 'INVALID_INPUT', hint: 'The grantee must be another, non-zero account.' },
  InvalidExpiry: { code: 'INVALID_INPUT', hint: 'The expiry must be in the future.' },
  EmptyField: { code: 'INVALID_INPUT' },
  DuplicateContent: { code: 'INVALID_INPUT', hint: 'This exact content is already registered.' },
  GrantAlreadyRevoked: { code: 'INVALID_INPUT', hint: 'The grant is already revoked.' },
  RequestNotPending: {
    code: 'INVALID_INPUT',
    hint: 'The request was already approved, denied or withdrawn.',
  },
  RequestExpired: {
    code: 'ACCESS_DENIED',
    hint: 'The request expired; only a refund (withdraw) is possible.',
  },
  InvalidPublicKey: { code: 'INVALID_INPUT' },
  SignatureExpired: { code: 'INVALID_SIGNATURE' },
  InvalidSignature: { code: 'INVALID_SIGNATURE' },
  ERC20InsufficientBalance: { code: 'INSUFFICIENT_FUNDS', hint: 'Not enough AID.' },
  ERC20InsufficientAllowance: { code: 'INSUFFICIENT_FUNDS', hint: 'The AID allowance is too low.' },
  EnforcedPause: { code: 'UNAUTHORIZED', hint: 'The contract is paused.' },
};

/**
 * Turns a viem failure of a contract call or transaction into an AidocError with a stable code, naming the
 * contract's custom error (e.g. `AccessDenied`) in `data.contractError`.
 *
 * @example
 * ```ts
 * try { await publicClient.simulateContract(req); } catch (e) { throw contractErrorToAidocError(e, 'grant'); }
 * ```
 */
export function contractErrorToAidocError(error: unknown, action: string): AidocError {
  if (AidocError.is(error)) return error;
  if (error instanceof BaseError) {
    const reverted = error.walk((e) => e instanceof ContractFunctionRevertedError);
    if (reverted instanceof ContractFunctionRevertedError) {
      const name = reverted.data?.errorName ?? reverted.reason ?? 'unknown';
      const mapped = byContractError[name] ?? { code: 'EXECUTION_REVERTED' as const };
      const args = reverted.data?.args?.map((a) => (typeof a === 'bigint' ? a.toString() : a));
      return new AidocError(mapped.code, `${action} was refused by the contract: ${name}.`, {
        ...(mapped.hint ? { details: mapped.hint } : {}),
        cause: error,
        data: { contractError: name, ...(args ? { args } : {}) },
      });
    }
    const text = `${error.shortMessage} ${error.details ?? ''}`;
    if (/insufficient funds|enough funds/i.test(text)) {
      return new AidocError('INSUFFICIENT_FUNDS', `${action}: the account cannot pay for gas and value.`, {
        cause: error,
      });
    }
    if (/nonce too low/i.test(text))
      return new AidocError('NONCE_TOO_LOW', `${action}: nonce too low.`, { cause: error });
    if (/fetch failed|ECONNREFUSED|HTTP request failed|socket/i.test(text)) {
      return new AidocError('NETWORK', `${action}: the JSON-RPC endpoint is unreachable.`, { cause: error });
    }
    return new AidocError('INTERNAL', `${action} failed: ${error.shortMessage}`, { cause: error });
  }
  return new AidocError(
    'INTERNAL',
    `${action} failed: ${error instanceof Error ? error.message : String(error)}`,
    {
      cause: error,
    },
  );
}
