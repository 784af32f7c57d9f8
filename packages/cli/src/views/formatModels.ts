import type { ModelInfo, ModelTensorSpec, ModelVersionInfo } from '@aidoc/sdk';
import { formatUnits } from 'viem';
import type {
  JsonTensor,
  ModelInferResult,
  ModelPublishResult,
  ModelRateResult,
} from '../commands/model/modelCommands';
import { formatFields, formatTable } from './formatFields';

const aid = (wei: bigint) => (wei === 0n ? 'free' : `${formatUnits(wei, 18)} AID per call`);

const tensorSpec = (t: ModelTensorSpec) => `${t.name} ${t.datatype} [${t.shape.join(', ')}]`;

/**
 * Text for `aidoc model publish`: the version, CIDs, signature and transaction.
 *
 * @example
 * ```ts
 * process.stdout.write(formatModelPublish(result));
 * ```
 */
export function formatModelPublish(result: ModelPublishResult): string {
  return formatFields(`Published ${result.name}@${result.version}`, [
    ['task', result.task],
    ['price', aid(result.price)],
    ['model id', String(result.modelId)],
    ['version id', String(result.versionId)],
    ['file', 'file' in result.source ? result.source.file : undefined],
    ['endpoint', 'endpoint' in result.source ? result.source.endpoint : undefined],
    ['cid', result.cid || undefined],
    ['metadata', result.metadataCid],
    ['inputs', result.metadata.inputs.map(tensorSpec).join('; ') || undefined],
    ['outputs', result.metadata.outputs.map(tensorSpec).join('; ') || undefined],
    ['tx', result.txHash],
  ]);
}

/**
 * Text for `aidoc model list`: one line per model version.
 *
 * @example
 * ```ts
 * process.stdout.write(formatModelList(models));
 * ```
 */
export function formatModelList(models: ModelVersionInfo[]): string {
  if (models.length === 0) return 'No models (publish one with `aidoc model publish`).\n';
  return formatTable(
    ['name', 'version', 'task', 'price', 'source'],
    models.map((m) => [
      m.name,
      m.version,
      m.task,
      m.price === 0n ? 'free' : `${formatUnits(m.price, 18)} AID`,
      m.cid || m.endpoint,
    ]),
  );
}

/**
 * Text for `aidoc model info`: the registry entry, rating and the inputs and outputs from the metadata.
 *
 * @example
 * ```ts
 * process.stdout.write(formatModelInfo(info));
 * ```
 */
export function formatModelInfo(info: ModelInfo): string {
  const own = info.metadata?.metadata ?? {};
  const description = typeof own.description === 'string' ? own.description : undefined;
  return formatFields(`${info.name}@${info.version}`, [
    ['task', info.task],
    ['description', description],
    ['price', aid(info.price)],
    ['publisher', info.publisher],
    ['listing', info.listing],
    ['published', info.publishedAt.toISOString()],
    ['versions', info.versions.join(', ')],
    [
      'rating',
      info.rating.count === 0
        ? 'not rated yet'
        : `${(info.rating.average ?? 0).toFixed(2)} / 5 from ${info.rating.count} rating${info.rating.count === 1 ? '' : 's'}`,
    ],
    ['cid', info.cid || undefined],
    ['endpoint', info.endpoint || undefined],
    ['metadata', info.metadataCid],
    ['inputs', info.metadata ? info.metadata.inputs.map(tensorSpec).join('; ') || '-' : undefined],
    ['outputs', info.metadata ? info.metadata.outputs.map(tensorSpec).join('; ') || '-' : undefined],
  ]);
}

const shownValues = 16;

function tensorValues(t: JsonTensor): string {
  const shown = t.data
    .slice(0, shownValues)
    .map((v) => (typeof v === 'number' ? formatNumber(v) : String(v)));
  return `[${shown.join(', ')}${t.data.length > shownValues ? `, … ${t.data.length - shownValues} more` : ''}]`;
}

function formatNumber(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6)));
}

/**
 * Text for `aidoc model infer`: each output tensor (the first values), and the paid call id.
 *
 * @example
 * ```ts
 * process.stdout.write(formatModelInfer(result));
 * ```
 */
export function formatModelInfer(result: ModelInferResult): string {
  return formatFields(`${result.modelName}@${result.modelVersion ?? result.model.version}`, [
    ...result.outputs.map(
      (t) => [`${t.name} ${t.datatype} [${t.shape.join(', ')}]`, tensorValues(t)] as const,
    ),
    [
      'paid',
      result.payment
        ? `call ${result.payment.callId} (${formatUnits(result.payment.price, 18)} AID, tx ${result.payment.txHash})`
        : undefined,
    ],
  ]);
}

/**
 * Text for `aidoc model rate`.
 *
 * @example
 * ```ts
 * process.stdout.write(formatModelRate(result));
 * ```
 */
export function formatModelRate(result: ModelRateResult): string {
  return formatFields(`Rated call ${result.callId}: ${result.score}/5`, [
    ['comment', result.commentCid || undefined],
    ['tx', result.txHash],
  ]);
}
