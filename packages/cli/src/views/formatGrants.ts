import type { GrantResult, RotateResult } from '@aidoc/sdk';
import { formatUnits } from 'viem';
import type {
  AccessApproveResult,
  AccessCloseResult,
  AccessListResult,
  AccessRequestResult,
} from '../commands/access/accessCommands';
import type { GrantListResult, GrantRevokeResult } from '../commands/grant/grantCommands';
import { formatFields, formatTable } from './formatFields';

/** `604800n` → `7d`, `43200n` → `12h`, `90n` → `90s`; other values in seconds. */
function formatSeconds(seconds: bigint): string {
  for (const [unit, size] of [
    ['d', 86_400n],
    ['h', 3600n],
    ['m', 60n],
  ] as const) {
    if (seconds >= size && seconds % size === 0n) return `${seconds / size}${unit}`;
  }
  return `${seconds}s`;
}

const ids = (list: readonly bigint[]) => (list.length > 0 ? list.join(', ') : '(none yet)');

/**
 * Text for `aidoc grant create`.
 *
 * @example
 * ```ts
 * process.stdout.write(formatGrantCreate(result, '0x3C44…'));
 * ```
 */
export function formatGrantCreate(result: GrantResult, grantee: string): string {
  return formatFields(`Granted ${grantee} access (grant ${result.grantId})`, [
    ['records', ids(result.recordIds)],
    ['key bundle', result.keyBundleCid],
    ['tx', result.txHash],
  ]);
}

/**
 * Text for `aidoc grant revoke`, with what revocation cannot undo.
 *
 * @example
 * ```ts
 * process.stdout.write(formatGrantRevoke(result));
 * ```
 */
export function formatGrantRevoke(result: GrantRevokeResult): string {
  return (
    formatFields(`Revoked grant ${result.grantId}`, [['tx', result.txHash]]) +
    '\nNo key is released for it any more. What the grantee already read it keeps; run\n' +
    '`aidoc grant rotate RECORD` so that a key it kept does not open future versions.\n'
  );
}

/**
 * Text for `aidoc grant rotate`.
 *
 * @example
 * ```ts
 * process.stdout.write(formatGrantRotate(result));
 * ```
 */
export function formatGrantRotate(result: RotateResult): string {
  return formatFields(`Rotated the key of record ${result.recordId} (now version ${result.version})`, [
    ['cid', result.cid],
    ['tx', result.txHash],
    [
      're-granted',
      result.regranted.length > 0
        ? result.regranted.map((r) => `grant ${r.grantId} to ${r.grantee}`).join(', ')
        : 'nobody (no live grant covers it)',
    ],
  ]);
}

/**
 * Text for `aidoc grant list`.
 *
 * @example
 * ```ts
 * process.stdout.write(formatGrantList(result));
 * ```
 */
export function formatGrantList(result: GrantListResult): string {
  if (result.grants.length === 0) return `No grants ${result.direction} by ${result.account}.\n`;
  const other = result.direction === 'given' ? 'grantee' : 'owner';
  return formatTable(
    ['grant', other, 'scope', 'purpose', 'expires', 'status'],
    result.grants.map((g) => [
      String(g.grantId),
      result.direction === 'given' ? g.grantee : g.owner,
      g.scope.text,
      g.purpose,
      g.expiresAt.toISOString(),
      g.status,
    ]),
  );
}

/**
 * Text for `aidoc access request`.
 *
 * @example
 * ```ts
 * process.stdout.write(formatAccessRequest(result));
 * ```
 */
export function formatAccessRequest(result: AccessRequestResult): string {
  return formatFields(`Sent access request ${result.requestId} to ${result.owner}`, [
    ['offer', `${formatUnits(result.offer, 18)} AID (in escrow)`],
    ['approve tx', result.approveTxHash],
    ['tx', result.txHash],
  ]);
}

/**
 * Text for `aidoc access approve`.
 *
 * @example
 * ```ts
 * process.stdout.write(formatAccessApprove(result));
 * ```
 */
export function formatAccessApprove(result: AccessApproveResult): string {
  return formatFields(`Approved request ${result.requestId}: grant ${result.grantId}`, [
    ['records', ids(result.recordIds)],
    ['paid', `${formatUnits(result.paid, 18)} AID`],
    ['key bundle', result.keyBundleCid],
    ['tx', result.txHash],
  ]);
}

/**
 * Text for `aidoc access deny` and `aidoc access withdraw`.
 *
 * @example
 * ```ts
 * process.stdout.write(formatAccessClose(result, 'Denied'));
 * ```
 */
export function formatAccessClose(result: AccessCloseResult, verb: string): string {
  return formatFields(`${verb} request ${result.requestId}`, [
    ['refunded', `${formatUnits(result.refunded, 18)} AID`],
    ['tx', result.txHash],
  ]);
}

/**
 * Text for `aidoc access list`.
 *
 * @example
 * ```ts
 * process.stdout.write(formatAccessList(result));
 * ```
 */
export function formatAccessList(result: AccessListResult): string {
  if (result.requests.length === 0)
    return `No matching ${result.direction} requests for ${result.account}.\n`;
  const other = result.direction === 'incoming' ? 'requester' : 'owner';
  return formatTable(
    ['request', other, 'scope', 'purpose', 'offer AID', 'access', 'expires', 'status'],
    result.requests.map((r) => [
      String(r.requestId),
      result.direction === 'incoming' ? r.requester : r.owner,
      r.scope.text,
      r.purpose,
      formatUnits(r.offer, 18),
      formatSeconds(r.grantDuration),
      r.expiresAt.toISOString(),
      r.status + (r.grantId !== undefined ? ` (grant ${r.grantId})` : ''),
    ]),
  );
}
