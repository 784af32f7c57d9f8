import { readFile } from 'node:fs/promises';
import type {
  InferOutput,
  ModelInfo,
  ModelPayment,
  ModelVersionInfo,
  OipDatatype,
  PublishModelResult,
} from '@aidoc/sdk';
import { AidocError } from '@aidoc/sdk/errors';
import { parseUnits } from 'viem';
import { requireAccount, resolveAccount } from '../../account/resolveAccount';
import type { CliContext } from '../../cliContext';
import { connectModelsClient, type ModelFlags } from './connectModelsClient';
import { readInferRequest } from './readInferRequest';

/** Options of `aidoc model publish`. */
export interface ModelPublishFlags extends ModelFlags {
  name: string;
  version: string;
  task: string;
  /** Price per call in AID (decimal, 18 decimals), e.g. `0.1`. */
  price?: string;
  /** JSON file of the publisher's own metadata fields. */
  metadata?: string;
  /** OIP endpoint of an AI-API model (instead of a file). */
  endpoint?: string;
}

/** What `aidoc model publish` registered. */
export interface ModelPublishResult extends PublishModelResult {
  task: string;
  /** Price per call in AID wei. */
  price: bigint;
  /** The published file, or the endpoint of an AI-API model. */
  source: { file: string } | { endpoint: string };
}

/**
 * Publish a model version as `--account`: an ONNX file (validated by onnxruntime, stored in IPFS) or, with
 * `--endpoint`, an AI-API model's OIP endpoint. An existing version is refused with `ALREADY_KNOWN`.
 *
 * @example
 * ```ts
 * await modelPublish('wdbc.onnx', { name: 'my-wdbc', version: '1.0.0', task: 'breast-cancer-diagnosis', account: 'dev:0' }, ctx);
 * ```
 */
export async function modelPublish(
  file: string | undefined,
  flags: ModelPublishFlags,
  ctx: CliContext,
): Promise<ModelPublishResult> {
  if ((file === undefined) === (flags.endpoint === undefined)) {
    throw new AidocError('INVALID_INPUT', 'Give either an ONNX file or --endpoint, not both or neither.', {
      details:
        'aidoc model publish model.onnx --name … publishes a file; --endpoint https://… an AI-API model.',
    });
  }
  const metadata = flags.metadata !== undefined ? await readMetadataFile(flags.metadata) : undefined;
  const price = flags.price !== undefined ? parseUnits(flags.price, 18) : 0n;
  const signer = await requireAccount(flags, ctx, 'Publishing a model');
  const aidoc = await connectModelsClient(flags, ctx, signer);
  const source = file !== undefined ? { file } : { endpoint: flags.endpoint as string };
  const result = await aidoc.models.publish(file ?? { endpoint: flags.endpoint as string }, {
    name: flags.name,
    version: flags.version,
    task: flags.task,
    price,
    ...(metadata !== undefined ? { metadata } : {}),
  });
  return { ...result, task: flags.task, price, source };
}

async function readMetadataFile(path: string): Promise<Record<string, unknown>> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (cause) {
    throw new AidocError('INVALID_INPUT', `Cannot read --metadata ${path} as JSON.`, { cause });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new AidocError('INVALID_INPUT', `--metadata ${path} must hold a JSON object.`, {
      details: 'For example {"description":"…","dataset":"…","licence":"Apache-2.0"}.',
    });
  }
  return parsed as Record<string, unknown>;
}

/** Options of `aidoc model list`. */
export interface ModelListFlags extends ModelFlags {
  task?: string;
  search?: string;
  allVersions?: boolean;
}

/**
 * List the registry's listed models: the latest version of each (every version with `--all-versions`),
 * optionally only one task or names containing `--search`.
 *
 * @example
 * ```ts
 * const models = await modelList({ task: 'ecg-classification' }, ctx);
 * ```
 */
export async function modelList(flags: ModelListFlags, ctx: CliContext): Promise<ModelVersionInfo[]> {
  const aidoc = await connectModelsClient(flags, ctx, undefined);
  return aidoc.models.list({
    ...(flags.task !== undefined ? { task: flags.task } : {}),
    ...(flags.search !== undefined ? { search: flags.search } : {}),
    ...(flags.allVersions ? { allVersions: true } : {}),
  });
}

/**
 * Describe a model version (`name@version`, or `name` for the latest): registry entry, versions, rating
 * and the metadata JSON with its inputs and outputs.
 *
 * @example
 * ```ts
 * const info = await modelInfo('wdbc-classifier@1.0.0', {}, ctx);
 * ```
 */
export async function modelInfo(ref: string, flags: ModelFlags, ctx: CliContext): Promise<ModelInfo> {
  const aidoc = await connectModelsClient(flags, ctx, undefined);
  return aidoc.models.info(ref);
}

/** Options of `aidoc model infer`. */
export interface ModelInferFlags extends ModelFlags {
  /** JSON file with an OIP v2 request, or `-` for stdin. */
  input: string;
  /** `--pay` / `--no-pay`; default: pay when the version has a price. */
  pay?: boolean;
  /** Tensors as raw bytes on the wire (the binary tensor data extension); the output is the same. */
  binary?: boolean;
}

/** An output tensor as plain JSON data: 64-bit integers as numbers when exact, else decimal strings. */
export interface JsonTensor {
  name: string;
  datatype: OipDatatype;
  shape: number[];
  data: (number | string | boolean)[];
}

/** What `aidoc model infer` returns. */
export interface ModelInferResult {
  model: ModelVersionInfo;
  modelName: string;
  modelVersion: string | undefined;
  id: string | undefined;
  outputs: JsonTensor[];
  /** The paid call (its `callId` is what `aidoc model rate` needs), when the call was paid. */
  payment: ModelPayment | undefined;
}

/**
 * Run inference on a model version over the Open Inference Protocol with the request read from `--input`,
 * paying its price from `--account` when it has one (or with `--pay`).
 *
 * @example
 * ```ts
 * const { outputs } = await modelInfer('wdbc-classifier@1.0.0', { input: 'request.json' }, ctx);
 * ```
 */
export async function modelInfer(
  ref: string,
  flags: ModelInferFlags,
  ctx: CliContext,
): Promise<ModelInferResult> {
  const request = await readInferRequest(flags.input);
  const signer =
    flags.pay === true
      ? await requireAccount(flags, ctx, 'Paying for a call')
      : await resolveAccount(flags, ctx);
  const aidoc = await connectModelsClient(flags, ctx, signer);
  const result = await aidoc.models.infer(ref, request.inputs, {
    ...(flags.pay !== undefined ? { pay: flags.pay } : {}),
    ...(request.id !== undefined ? { id: request.id } : {}),
    ...(request.outputs !== undefined ? { outputs: request.outputs } : {}),
    ...(flags.binary ? { binary: true } : {}),
  });
  return {
    model: result.model,
    modelName: result.modelName,
    modelVersion: result.modelVersion,
    id: result.id,
    outputs: result.outputs.map(toJsonTensor),
    payment: result.payment,
  };
}

function toJsonTensor(output: InferOutput): JsonTensor {
  const data = Array.from(output.data as ArrayLike<number | bigint | boolean | string>, (v) =>
    typeof v === 'bigint' ? (Number.isSafeInteger(Number(v)) ? Number(v) : v.toString()) : v,
  );
  return { name: output.name, datatype: output.datatype, shape: [...output.shape], data };
}

/** Options of `aidoc model rate`. */
export interface ModelRateFlags extends ModelFlags {
  comment?: string;
}

/** What `aidoc model rate` recorded. */
export interface ModelRateResult {
  callId: bigint;
  score: number;
  txHash: `0x${string}`;
  /** CID of the comment JSON ('' without a comment). */
  commentCid: string;
}

/**
 * Rate a call that `--account` paid for, once, from 1 to 5, with an optional comment stored in IPFS.
 *
 * @example
 * ```ts
 * await modelRate(1n, 5, { account: 'dev:1', comment: 'Agrees with pathology' }, ctx);
 * ```
 */
export async function modelRate(
  callId: bigint,
  score: number,
  flags: ModelRateFlags,
  ctx: CliContext,
): Promise<ModelRateResult> {
  const signer = await requireAccount(flags, ctx, 'Rating a call');
  const aidoc = await connectModelsClient(flags, ctx, signer);
  const { txHash, commentCid } = await aidoc.models.rate(
    callId,
    score,
    flags.comment !== undefined ? { comment: flags.comment } : {},
  );
  return { callId, score, txHash, commentCid };
}
