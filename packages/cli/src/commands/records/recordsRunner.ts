import { AidocError } from '@aidoc/sdk/errors';
import { type CliContext, wantsJson } from '../../cliContext';
import type { GlobalFlags } from '../../options/globalOptions';
import { createByteProgress } from '../../output/createByteProgress';
import { jsonLine } from '../../output/jsonLine';
import { printResult } from '../../output/printResult';
import {
  formatRecordsHistory,
  formatRecordsList,
  formatRecordsReadSummary,
  formatRecordsUpload,
} from '../../views/formatRecords';
import {
  type RecordsListFlags,
  type RecordsReadFlags,
  type RecordsUploadFlags,
  recordsHistory,
  recordsList,
  recordsRead,
  recordsUpload,
} from './recordsCommands';

/**
 * Run `aidoc records upload <file>`, with a progress line on stderr when it is a terminal.
 *
 * @example
 * ```ts
 * await runRecordsUpload('heart-rate.json', { account: 'dev:1' }, ctx);
 * ```
 */
export async function runRecordsUpload(
  file: string,
  flags: RecordsUploadFlags,
  ctx: CliContext,
): Promise<void> {
  const progress = ctx.io.stderr.isTTY === true ? createByteProgress(ctx.io.stderr, 'Uploading') : undefined;
  try {
    const result = await recordsUpload(file, flags, ctx, progress ? { onProgress: progress.update } : {});
    progress?.done();
    printResult(ctx, flags, result, formatRecordsUpload);
  } finally {
    progress?.done();
  }
}

/**
 * Run `aidoc records list`.
 *
 * @example
 * ```ts
 * await runRecordsList({ account: 'dev:1' }, ctx);
 * ```
 */
export async function runRecordsList(flags: RecordsListFlags, ctx: CliContext): Promise<void> {
  printResult(ctx, flags, await recordsList(flags, ctx), formatRecordsList);
}

const textual = /^(text\/|application\/(json|xml|fhir\+json)|fhir\+json)/;

/**
 * Run `aidoc records read <id>`. JSON: the record, how access was given, and the resource (FHIR) or the bytes
 * as `dataBase64`. Text: the plaintext on stdout (a FHIR resource pretty-printed) and a summary on stderr;
 * with `--out`, the plaintext goes to the file and the summary to stdout.
 *
 * @example
 * ```ts
 * await runRecordsRead(1n, { account: 'dev:2', out: 'obs.json' }, ctx);
 * ```
 */
export async function runRecordsRead(
  recordId: bigint,
  flags: RecordsReadFlags,
  ctx: CliContext,
): Promise<void> {
  const result = await recordsRead(recordId, flags, ctx);
  if (wantsJson(ctx, flags)) {
    const { data, resource, ...rest } = result;
    ctx.io.stdout.write(
      jsonLine({
        ...rest,
        ...(resource !== undefined ? { resource } : {}),
        ...(resource === undefined && flags.out === undefined
          ? { dataBase64: Buffer.from(data).toString('base64') }
          : {}),
      }),
    );
    return;
  }
  if (result.out !== undefined) {
    ctx.io.stdout.write(formatRecordsReadSummary(result));
    return;
  }
  if (result.resource !== undefined) {
    ctx.io.stdout.write(`${JSON.stringify(result.resource, null, 2)}\n`);
  } else if (textual.test(result.record.schema)) {
    ctx.io.stdout.write(new TextDecoder().decode(result.data));
  } else {
    throw new AidocError(
      'INVALID_INPUT',
      `Record ${recordId} is a binary file (${result.record.schema}): pass --out FILE to save it.`,
    );
  }
  ctx.io.stderr.write(formatRecordsReadSummary(result));
}

/**
 * Run `aidoc records history <id>`.
 *
 * @example
 * ```ts
 * await runRecordsHistory(1n, {}, ctx);
 * ```
 */
export async function runRecordsHistory(
  recordId: bigint,
  flags: GlobalFlags,
  ctx: CliContext,
): Promise<void> {
  printResult(ctx, flags, await recordsHistory(recordId, flags, ctx), formatRecordsHistory);
}
