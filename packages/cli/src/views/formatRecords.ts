import type { RecordInfo } from '@aidoc/sdk';
import { formatUnits } from 'viem';
import type {
  RecordsHistoryResult,
  RecordsListResult,
  RecordsReadResult,
  RecordsUploadResult,
} from '../commands/records/recordsCommands';
import { formatFields, formatTable } from './formatFields';
import { shortHex } from './shortHex';

const ms = (value: number) => `${value.toFixed(0)} ms`;

/**
 * Text for `aidoc records upload`: the record id, CID, transaction, reward and time per stage.
 *
 * @example
 * ```ts
 * process.stdout.write(formatRecordsUpload(result));
 * ```
 */
export function formatRecordsUpload(result: RecordsUploadResult): string {
  return formatFields(`Uploaded ${result.file} as record ${result.recordId}`, [
    ['schema', result.schema],
    ['category', result.category],
    ['size', `${result.size} bytes`],
    ['cid', result.cid],
    ['tx', result.txHash],
    ['reward', `${formatUnits(result.reward, 18)} AID`],
    [
      're-granted',
      result.regranted.length > 0
        ? result.regranted.map((r) => `grant ${r.grantId} to ${r.grantee}`).join(', ')
        : undefined,
    ],
    [
      'time',
      `crypto ${ms(result.timings.cryptoMs)}, content ${ms(result.timings.contentMs)}, chain ${ms(result.timings.chainMs)}`,
    ],
  ]);
}

function recordRow(r: RecordInfo): string[] {
  return [
    String(r.recordId),
    r.category,
    r.schema,
    `v${r.version}${r.active ? '' : ' (inactive)'}`,
    r.createdAt.toISOString(),
    r.cid,
  ];
}

/**
 * Text for `aidoc records list`: one line per record.
 *
 * @example
 * ```ts
 * process.stdout.write(formatRecordsList(result));
 * ```
 */
export function formatRecordsList(result: RecordsListResult): string {
  if (result.records.length === 0) return `No records of ${result.owner} match.\n`;
  return formatTable(
    ['id', 'category', 'schema', 'version', 'created', 'cid'],
    result.records.map(recordRow),
  );
}

/**
 * The summary line of `aidoc records read` (printed to stderr when the plaintext goes to stdout).
 *
 * @example
 * ```ts
 * process.stderr.write(formatRecordsReadSummary(result));
 * ```
 */
export function formatRecordsReadSummary(result: RecordsReadResult): string {
  const via = result.via === 'owner' ? 'as its owner' : `through grant ${result.via}`;
  const where = result.out !== undefined ? `, plaintext written to ${result.out}` : '';
  const logged = result.accessLogTx !== undefined ? `; access logged in ${shortHex(result.accessLogTx)}` : '';
  return `Record ${result.record.recordId} (${result.record.schema}, ${result.record.category}, v${result.record.version}) read ${via}${where}${logged}.\n`;
}

/**
 * Text for `aidoc records history`: the record, then one line per event, oldest first.
 *
 * @example
 * ```ts
 * process.stdout.write(formatRecordsHistory(result));
 * ```
 */
export function formatRecordsHistory(result: RecordsHistoryResult): string {
  const r = result.record;
  const head = `Record ${r.recordId} of ${r.owner} (${r.schema}, ${r.category}, v${r.version}${r.active ? '' : ', inactive'})\n\n`;
  if (result.events.length === 0) return `${head}No events.\n`;
  return (
    head +
    formatTable(
      ['block', 'time', 'event', 'by', 'with', 'ref', 'purpose'],
      result.events.map((e) => [
        String(e.blockNumber),
        e.timestamp.toISOString(),
        e.type + (e.version !== undefined ? ` v${e.version}` : ''),
        e.actor ? shortHex(e.actor, 4) : '',
        e.counterparty ? shortHex(e.counterparty, 4) : '',
        [
          e.grantId !== undefined ? `grant ${e.grantId}` : '',
          e.requestId !== undefined ? `request ${e.requestId}` : '',
        ]
          .filter(Boolean)
          .join(', '),
        e.purpose ?? '',
      ]),
    )
  );
}
