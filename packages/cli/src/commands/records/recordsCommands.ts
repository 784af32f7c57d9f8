import { readFile, stat, writeFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import type { ReadResult, RecordHistoryEvent, RecordInfo, UploadResult } from '@aidoc/sdk';
import { AidocError } from '@aidoc/sdk/errors';
import type { Address } from 'viem';
import { requireAccount } from '../../account/resolveAccount';
import { resolveAddress } from '../../account/resolveAddress';
import type { CliContext } from '../../cliContext';
import type { GlobalFlags } from '../../options/globalOptions';
import { connectAidoc } from '../connectAidoc';

/** Options of `aidoc records upload`. */
export interface RecordsUploadFlags extends GlobalFlags {
  category?: string;
  mediaType?: string;
  /** `--no-share`: do not re-issue category grants to include the new record. */
  share?: boolean;
}

/** What `aidoc records upload` registered. */
export interface RecordsUploadResult extends UploadResult {
  file: string;
  /** Plaintext size in bytes. */
  size: number;
  kind: 'fhir' | 'file';
}

const mediaTypes: Record<string, string> = {
  '.json': 'application/json',
  '.pdf': 'application/pdf',
  '.csv': 'text/csv',
  '.txt': 'text/plain',
  '.xml': 'application/xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.dcm': 'application/dicom',
  '.vcf': 'text/vcf',
  '.edf': 'application/edf',
};

/** Largest file tried as a FHIR resource when its extension is not `.json`. */
const sniffLimit = 16 * 1024 * 1024;

/**
 * Encrypt and upload a file as a record of `--account`: a FHIR R4 resource (JSON with a `resourceType`;
 * category from the resource unless `--category`), or any other file with `--category` (media type from
 * `--media-type` or the extension). `onProgress` reports bytes sent to the content store.
 *
 * @example
 * ```ts
 * const { recordId } = await recordsUpload('heart-rate.json', { account: 'dev:1' }, ctx);
 * ```
 */
export async function recordsUpload(
  file: string,
  flags: RecordsUploadFlags,
  ctx: CliContext,
  options: { onProgress?: (sent: number, total: number) => void } = {},
): Promise<RecordsUploadResult> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(file);
  } catch (cause) {
    throw new AidocError('INVALID_INPUT', `Cannot read ${file}.`, { cause });
  }
  if (!info.isFile()) throw new AidocError('INVALID_INPUT', `${file} is not a file.`);
  const account = await requireAccount(flags, ctx, 'Uploading a record');
  const data = new Uint8Array(await readFile(file));
  const resource = flags.mediaType === undefined ? asFhirResource(file, data) : undefined;
  const aidoc = await connectAidoc(flags, ctx, account);
  const uploadOptions = {
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(flags.share === false ? { shareWithCategoryGrantees: false } : {}),
  };
  if (resource !== undefined) {
    const result = await aidoc.records.upload(
      { resource, ...(flags.category !== undefined ? { category: flags.category } : {}) },
      uploadOptions,
    );
    return { ...result, file, size: data.length, kind: 'fhir' };
  }
  if (flags.category === undefined) {
    throw new AidocError('INVALID_INPUT', `${basename(file)} is not a FHIR resource: pass --category.`, {
      details:
        'A FHIR resource is a JSON file with a "resourceType". Any other file needs a category (e.g. --category genome) and optionally --media-type.',
    });
  }
  const mediaType = flags.mediaType ?? mediaTypes[extname(file).toLowerCase()] ?? 'application/octet-stream';
  const result = await aidoc.records.upload({ data, mediaType, category: flags.category }, uploadOptions);
  return { ...result, file, size: data.length, kind: 'file' };
}

function asFhirResource(file: string, data: Uint8Array): unknown {
  const isJsonName = extname(file).toLowerCase() === '.json';
  if (!isJsonName && (data.length > sniffLimit || data[0] !== 0x7b) /* { */) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(data));
  } catch {
    return undefined;
  }
  const isResource =
    typeof parsed === 'object' &&
    parsed !== null &&
    typeof (parsed as { resourceType?: unknown }).resourceType === 'string';
  return isResource ? parsed : undefined;
}

/** Options of `aidoc records list`. */
export interface RecordsListFlags extends GlobalFlags {
  /** Address, keystore name or dev:N. */
  owner?: string;
  category?: string;
  since?: Date;
  until?: Date;
  all?: boolean;
}

/** Records of one owner. */
export interface RecordsListResult {
  owner: Address;
  records: RecordInfo[];
}

/**
 * List an owner's records (default `--account`), by category and creation time; deactivated ones with `--all`.
 *
 * @example
 * ```ts
 * const { records } = await recordsList({ account: 'dev:1', category: 'vital-signs' }, ctx);
 * ```
 */
export async function recordsList(flags: RecordsListFlags, ctx: CliContext): Promise<RecordsListResult> {
  const account = flags.owner ? undefined : await requireAccount(flags, ctx, 'Listing your records');
  const aidoc = await connectAidoc(flags, ctx, account);
  const owner = flags.owner ? await resolveAddress(flags.owner, flags, ctx) : account!.address;
  const records = await aidoc.records.list({
    owner,
    ...(flags.category !== undefined ? { category: flags.category } : {}),
    ...(flags.since !== undefined ? { since: flags.since } : {}),
    ...(flags.until !== undefined ? { until: flags.until } : {}),
    ...(flags.all ? { includeInactive: true } : {}),
  });
  return { owner, records };
}

/** Options of `aidoc records read`. */
export interface RecordsReadFlags extends GlobalFlags {
  out?: string;
  logAccess?: boolean;
}

/** A decrypted, verified record; with `--out`, the file the plaintext went to. */
export interface RecordsReadResult extends ReadResult {
  out?: string;
}

/**
 * Read, decrypt and verify a record as `--account` (its owner, or a grantee with a live grant); with `out`,
 * write the plaintext to that file (mode 0600). Refusals are `ACCESS_DENIED` / `DECRYPTION_FAILED` errors.
 *
 * @example
 * ```ts
 * const { resource, via } = await recordsRead(1n, { account: 'dev:2' }, ctx);
 * ```
 */
export async function recordsRead(
  recordId: bigint,
  flags: RecordsReadFlags,
  ctx: CliContext,
): Promise<RecordsReadResult> {
  const account = await requireAccount(flags, ctx, 'Reading a record');
  const aidoc = await connectAidoc(flags, ctx, account);
  const result = await aidoc.records.read(recordId, flags.logAccess ? { logAccess: true } : {});
  if (flags.out === undefined) return result;
  await writeFile(flags.out, result.data, { mode: 0o600 });
  return { ...result, out: flags.out };
}

/** A record's audit trail. */
export interface RecordsHistoryResult {
  record: RecordInfo;
  events: RecordHistoryEvent[];
}

/**
 * Every on-chain event about a record, oldest first: registered, granted, requested, approved, read, revoked,
 * rotated… Anyone may read it; no account needed.
 *
 * @example
 * ```ts
 * const { events } = await recordsHistory(1n, {}, ctx);
 * ```
 */
export async function recordsHistory(
  recordId: bigint,
  flags: GlobalFlags,
  ctx: CliContext,
): Promise<RecordsHistoryResult> {
  const aidoc = await connectAidoc(flags, ctx, undefined);
  const [record, events] = await Promise.all([aidoc.records.get(recordId), aidoc.audit.history(recordId)]);
  return { record, events };
}
