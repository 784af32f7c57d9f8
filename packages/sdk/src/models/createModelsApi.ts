import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { aidTokenAbi, modelRegistryAbi } from '@aidoc/contracts';
import { type Address, type Hash, type Hex, isAddress, isAddressEqual, parseEventLogs } from 'viem';
import { z } from 'zod';
import type { AidocContext } from '../client/AidocContext';
import { requireSigner } from '../client/requireSigner';
import {
  PLACEHOLDER_CID,
  sendContractTransaction,
  simulateContractCall,
} from '../client/sendContractTransaction';
import { AidocError } from '../errors';
import { createInferenceClient, type InferResponse } from './createInferenceClient';
import { describeOnnxModel, type ModelTensorSpec } from './describeOnnxModel';
import type { InferInput } from './InferTensor';
import type { ModelInfo, ModelListing, ModelMetadata, ModelVersionInfo } from './ModelInfo';
import { modelErrorToAidocError } from './modelErrorToAidocError';
import { MODEL_NAME_PATTERN, MODEL_VERSION_PATTERN, parseModelRef } from './parseModelRef';

/** What to publish: an ONNX file (path or bytes), or the OIP endpoint of an AI-API model. */
export type ModelSource = string | Uint8Array | { endpoint: string };

/** Options for {@link ModelsApi.publish}. */
export interface PublishModelOptions {
  name: string;
  version: string;
  /** What the model does, e.g. `ecg-classification` (list and search filter on it). */
  task: string;
  /** Price per call in AID wei. Default 0 (free). */
  price?: bigint;
  /** Your own metadata fields (description, dataset, metrics, licence…), stored in the metadata JSON. */
  metadata?: Record<string, unknown>;
  /** For an endpoint: its inputs and outputs, if you want them in the metadata (files are read by onnxruntime). */
  signature?: { inputs: ModelTensorSpec[]; outputs: ModelTensorSpec[] };
}

/** The result of {@link ModelsApi.publish}. */
export interface PublishModelResult {
  name: string;
  version: string;
  modelId: bigint;
  versionId: bigint;
  /** CID of the ONNX file ('' for an endpoint). */
  cid: string;
  metadataCid: string;
  metadata: ModelMetadata;
  txHash: Hash;
}

/** Filters for {@link ModelsApi.list}. */
export interface ListModelsOptions {
  /** Only this task. */
  task?: string;
  /** Only names containing this text (case-insensitive). */
  search?: string;
  /** Only this publisher's models. */
  publisher?: Address;
  /** Every version instead of the latest of each model. Default false. */
  allVersions?: boolean;
  /** Include unlisted and delisted models. Default false. */
  includeUnlisted?: boolean;
}

/** Options for {@link ModelsApi.infer}. */
export interface InferOptions {
  /** OIP server base URL; default: the AI-API model's endpoint, else the client's `inferenceUrl`. */
  inferenceUrl?: string;
  /**
   * Pay for the call through `ModelRegistry.payForCall` (approving the price in AID first), which returns the
   * call id that a rating needs. Default: true when the version has a price, false when it is free.
   */
  pay?: boolean;
  /** Output names to return (default: all). */
  outputs?: readonly string[];
  /** Request id, echoed by the server. */
  id?: string;
  /** Tensors as raw bytes (the binary tensor data extension of Triton and the devnet); see `InferRequestOptions`. */
  binary?: boolean;
  signal?: AbortSignal;
}

/** A paid call. */
export interface ModelPayment {
  callId: bigint;
  /** AID wei paid to the publisher. */
  price: bigint;
  txHash: Hash;
}

/** The result of {@link ModelsApi.infer}. */
export interface InferResult extends InferResponse {
  model: ModelVersionInfo;
  /** Present when the call was paid (see `InferOptions.pay`). */
  payment: ModelPayment | undefined;
}

/** Models: publish to the ModelRegistry and IPFS, list, inspect, infer over OIP, pay per call and rate. */
export interface ModelsApi {
  /**
   * Publishes a new immutable version: an ONNX file is loaded with onnxruntime to validate it and read its
   * inputs and outputs, then stored in IPFS with a metadata JSON and registered; an AI-API model registers its
   * OIP endpoint instead. A version that exists is refused (INVALID_INPUT) before anything is stored.
   *
   * @example
   * ```ts
   * await aidoc.models.publish('wdbc-classifier.onnx', { name: 'wdbc-classifier', version: '1.0.0', task: 'breast-cancer-diagnosis', price: parseEther('0.1') });
   * ```
   */
  publish(source: ModelSource, options: PublishModelOptions): Promise<PublishModelResult>;
  /**
   * Lists models (latest version of each by default), optionally by task, name text or publisher.
   *
   * @example
   * ```ts
   * const ecgModels = await aidoc.models.list({ task: 'ecg-classification' });
   * ```
   */
  list(options?: ListModelsOptions): Promise<ModelVersionInfo[]>;
  /**
   * A model version (`name@version`, or `name` for the latest) with its versions, rating and metadata JSON.
   *
   * @example
   * ```ts
   * const { inputs } = (await aidoc.models.info('wdbc-classifier@1.0.0')).metadata!;
   * ```
   */
  info(ref: string): Promise<ModelInfo>;
  /**
   * Whether `name@version` (or any version of `name`) is registered.
   *
   * @example
   * ```ts
   * if (!(await aidoc.models.exists('wdbc-classifier@1.0.0'))) await aidoc.models.publish(file, opts);
   * ```
   */
  exists(ref: string): Promise<boolean>;
  /**
   * Runs inference over the Open Inference Protocol and, when the version has a price, pays it through the
   * registry (the call id is in `payment`). Inputs are checked first; a failed inference charges nothing.
   *
   * @example
   * ```ts
   * const { outputs, payment } = await aidoc.models.infer('wdbc-classifier@1.0.0', [
   *   { name: 'features', shape: [1, 30], data: new Float32Array(row) },
   * ]);
   * ```
   */
  infer(ref: string, inputs: readonly InferInput[], options?: InferOptions): Promise<InferResult>;
  /**
   * Pays for one call of a version (approving AID as needed) and returns the call id, without inferring.
   *
   * @example
   * ```ts
   * const { callId } = await aidoc.models.payForCall('wdbc-classifier@1.0.0');
   * ```
   */
  payForCall(ref: string): Promise<ModelPayment>;
  /**
   * Rates a call you paid for, once, 1 (worst) to 5 (best), with an optional comment stored in IPFS.
   *
   * @example
   * ```ts
   * await aidoc.models.rate(payment.callId, 5, { comment: 'Matches our cardiologist' });
   * ```
   */
  rate(
    callId: bigint | number,
    score: number,
    options?: { comment?: string },
  ): Promise<{ txHash: Hash; commentCid: string }>;
}

/** Options for {@link createModelsApi}. */
export interface ModelsApiOptions {
  /** Default OIP server for `infer` (the devnet prints it as `inference`). */
  inferenceUrl?: string;
}

const listings: readonly ModelListing[] = ['listed', 'unlisted', 'delisted'];
const TASK_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$/;
const MAX_MODEL_BYTES = 2 ** 31 - 1;

const publishSchema = z
  .object({
    name: z.string().regex(MODEL_NAME_PATTERN, 'letters, digits, ".", "_" and "-" (up to 128)'),
    version: z.string().regex(MODEL_VERSION_PATTERN, 'a version label such as 1.0.0'),
    task: z.string().regex(TASK_PATTERN, 'a task such as ecg-classification'),
    price: z.bigint().nonnegative().optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
    signature: z.object({ inputs: z.array(z.unknown()), outputs: z.array(z.unknown()) }).optional(),
  })
  .strict();

function invalid(what: string, error: z.ZodError): AidocError {
  return new AidocError('INVALID_INPUT', `Invalid ${what}.`, {
    details: error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '),
  });
}

/** Builds the models API over a client context. Internal: use `createAidoc(...).models`. */
export function createModelsApi(ctx: AidocContext, apiOptions: ModelsApiOptions = {}): ModelsApi {
  function registry(): Address {
    const address = ctx.contracts.ModelRegistry;
    if (!address)
      throw new AidocError('NOT_FOUND', 'No ModelRegistry address is known for this chain.', {
        details: 'Add ModelRegistry to the deployments (aidoc.deployments.json or the deployments option).',
      });
    return address;
  }

  async function read<T>(functionName: string, args: unknown[], action: string): Promise<T> {
    try {
      return (await ctx.publicClient.readContract({
        address: registry(),
        abi: modelRegistryAbi,
        functionName,
        args,
      } as never)) as T;
    } catch (error) {
      throw modelErrorToAidocError(error, action);
    }
  }

  async function modelRecord(modelId: bigint) {
    const m = await read<{
      publisher: Address;
      listing: number;
      ratingCount: bigint;
      ratingSum: bigint;
      name: string;
    }>('getModel', [modelId], `Reading model ${modelId}`);
    return { ...m, listing: listings[m.listing] ?? 'delisted' };
  }

  async function versionRecord(versionId: bigint) {
    return read<{
      modelId: bigint;
      publishedAt: bigint;
      pricePerCall: bigint;
      version: string;
      cid: string;
      endpoint: string;
      task: string;
      metadataCid: string;
    }>('getVersion', [versionId], `Reading model version ${versionId}`);
  }

  /** Resolves `name[@version]` to ids; NOT_FOUND when unknown. */
  async function resolve(
    ref: string,
  ): Promise<{ name: string; modelId: bigint; versionId: bigint; versionIds: readonly bigint[] }> {
    const { name, version } = parseModelRef(ref);
    const modelId = await read<bigint>('modelIdOf', [name], `Looking up model ${name}`);
    if (modelId === 0n) throw new AidocError('NOT_FOUND', `No model named "${name}" is registered.`);
    const versionIds = await read<readonly bigint[]>('versionsOf', [modelId], `Listing versions of ${name}`);
    const versionId =
      version === undefined
        ? versionIds[versionIds.length - 1]
        : await read<bigint>('versionIdOf', [modelId, version], `Looking up ${ref}`);
    if (versionId === undefined || versionId === 0n)
      throw new AidocError('NOT_FOUND', `Model "${name}" has no version "${version ?? ''}".`);
    return { name, modelId, versionId, versionIds };
  }

  async function versionInfo(
    modelId: bigint,
    versionId: bigint,
    name?: string,
  ): Promise<ModelVersionInfo & { publishedAt: Date; rating: ModelInfo['rating'] }> {
    const [m, v] = await Promise.all([modelRecord(modelId), versionRecord(versionId)]);
    return {
      name: name ?? m.name,
      version: v.version,
      modelId,
      versionId,
      publisher: m.publisher,
      task: v.task,
      cid: v.cid,
      endpoint: v.endpoint,
      metadataCid: v.metadataCid,
      price: v.pricePerCall,
      listing: m.listing,
      publishedAt: new Date(Number(v.publishedAt) * 1000),
      rating: {
        count: Number(m.ratingCount),
        average: m.ratingCount > 0n ? Number(m.ratingSum) / Number(m.ratingCount) : undefined,
      },
    };
  }

  async function fetchMetadata(cid: string): Promise<ModelMetadata | undefined> {
    if (cid === '') return undefined;
    try {
      const json = JSON.parse(new TextDecoder().decode(await ctx.content.catBytes(cid))) as ModelMetadata;
      return json?.schema === 'aidoc.model/1' ? json : undefined;
    } catch {
      return undefined;
    }
  }

  async function loadSource(source: ModelSource): Promise<Uint8Array | { endpoint: string }> {
    if (source instanceof Uint8Array) return source;
    if (typeof source === 'string') {
      try {
        return await readFile(source);
      } catch (cause) {
        throw new AidocError('NOT_FOUND', `Cannot read the model file ${source}.`, { cause });
      }
    }
    if (typeof source === 'object' && source !== null && typeof source.endpoint === 'string') {
      if (!/^https?:\/\/[^\s]+$/.test(source.endpoint))
        throw new AidocError('INVALID_INPUT', 'An AI-API model endpoint must be an http(s):// URL.');
      return { endpoint: source.endpoint.replace(/\/+$/, '') };
    }
    throw new AidocError('INVALID_INPUT', 'A model source is a file path, the file bytes, or { endpoint }.');
  }

  async function pay(info: ModelVersionInfo): Promise<ModelPayment> {
    const action = `Paying for a call of ${info.name}@${info.version}`;
    const { address } = requireSigner(ctx, action);
    if (info.price > 0n) {
      const allowance = await ctx.publicClient.readContract({
        address: ctx.contracts.AidToken,
        abi: aidTokenAbi,
        functionName: 'allowance',
        args: [address, registry()],
      });
      if (allowance < info.price) {
        await sendContractTransaction(ctx, `${action}: approving AID`, {
          address: ctx.contracts.AidToken,
          abi: aidTokenAbi,
          functionName: 'approve',
          args: [registry(), info.price],
        }).catch((error: unknown) => {
          throw modelErrorToAidocError(error, action);
        });
      }
    }
    let sent: Awaited<ReturnType<typeof sendContractTransaction>>;
    try {
      sent = await sendContractTransaction(ctx, action, {
        address: registry(),
        abi: modelRegistryAbi,
        functionName: 'payForCall',
        args: [info.versionId],
      });
    } catch (error) {
      throw modelErrorToAidocError(error, action);
    }
    const paid = parseEventLogs({ abi: modelRegistryAbi, logs: sent.receipt.logs, eventName: 'CallPaid' })[0];
    if (!paid) throw new AidocError('INTERNAL', `${action}: no CallPaid event in the receipt.`);
    return { callId: paid.args.callId, price: paid.args.price, txHash: sent.hash };
  }

  /** Checks that a paid call can go through before inferring, so a refusal never follows a used inference. */
  async function checkCanPay(info: ModelVersionInfo): Promise<void> {
    const action = `Paying for ${info.name}@${info.version}`;
    const { address } = requireSigner(ctx, action);
    if (info.listing !== 'listed')
      throw new AidocError('ACCESS_DENIED', `${info.name} is ${info.listing}: calls cannot be paid.`);
    if (info.price === 0n) return;
    const balance = await ctx.publicClient.readContract({
      address: ctx.contracts.AidToken,
      abi: aidTokenAbi,
      functionName: 'balanceOf',
      args: [address],
    });
    if (balance < info.price)
      throw new AidocError(
        'INSUFFICIENT_FUNDS',
        `${action}: the price is ${info.price} AID wei, the balance ${balance}.`,
      );
  }

  function checkAgainstMetadata(metadata: ModelMetadata | undefined, inputs: readonly InferInput[]): void {
    if (!metadata || metadata.inputs.length === 0) return;
    for (const input of inputs) {
      const spec = metadata.inputs.find((s) => s.name === input?.name);
      if (!spec)
        throw new AidocError('INVALID_INPUT', `The model has no input "${input?.name}".`, {
          details: `Its inputs: ${metadata.inputs.map((s) => `${s.name} ${s.datatype}[${s.shape.join(',')}]`).join('; ')}.`,
        });
      if (input.datatype !== undefined && input.datatype !== spec.datatype)
        throw new AidocError(
          'INVALID_INPUT',
          `Input "${spec.name}" is ${spec.datatype}, not ${input.datatype}.`,
        );
      if (
        Array.isArray(input.shape) &&
        (input.shape.length !== spec.shape.length ||
          spec.shape.some((d, i) => d >= 0 && d !== input.shape[i]))
      )
        throw new AidocError(
          'INVALID_INPUT',
          `Input "${spec.name}" has shape [${input.shape.join(',')}]; the model expects [${spec.shape.join(',')}] (-1 = any).`,
        );
    }
  }

  return {
    async publish(source, options) {
      const parsed = publishSchema.safeParse(options);
      if (!parsed.success) throw invalid('publish options', parsed.error);
      const { name, version, task } = parsed.data;
      const price = parsed.data.price ?? 0n;
      const action = `Publishing ${name}@${version}`;
      requireSigner(ctx, action);
      const loaded = await loadSource(source);
      let metadata: ModelMetadata;
      if (loaded instanceof Uint8Array) {
        if (loaded.byteLength === 0 || loaded.byteLength > MAX_MODEL_BYTES)
          throw new AidocError('INVALID_INPUT', `${action}: the file is empty or larger than 2 GiB.`);
        const described = await describeOnnxModel(loaded);
        metadata = {
          schema: 'aidoc.model/1',
          name,
          version,
          task,
          format: 'onnx',
          file: {
            size: loaded.byteLength,
            sha256: `0x${createHash('sha256').update(loaded).digest('hex')}` as Hex,
          },
          inputs: described.inputs,
          outputs: described.outputs,
          metadata: parsed.data.metadata ?? {},
        };
      } else {
        metadata = {
          schema: 'aidoc.model/1',
          name,
          version,
          task,
          format: 'oip-endpoint',
          endpoint: loaded.endpoint,
          inputs: (options.signature?.inputs ?? []) as ModelTensorSpec[],
          outputs: (options.signature?.outputs ?? []) as ModelTensorSpec[],
          metadata: parsed.data.metadata ?? {},
        };
      }
      // Refusals (existing version, another publisher's name, a delisted model) before anything is stored.
      const modelId = await read<bigint>('modelIdOf', [name], action);
      if (modelId !== 0n && (await read<bigint>('versionIdOf', [modelId, version], action)) !== 0n) {
        throw new AidocError('ALREADY_KNOWN', `${name}@${version} is already published.`, {
          details: 'Versions are immutable: publish the new model under a new version label.',
          data: { contractError: 'VersionExists', modelId: modelId.toString() },
        });
      }
      const isFile = loaded instanceof Uint8Array;
      const params = (cid: string, metadataCid: string) => ({
        name,
        version,
        cid: isFile ? cid : '',
        endpoint: isFile ? '' : (loaded as { endpoint: string }).endpoint,
        task,
        metadataCid,
        pricePerCall: price,
      });
      await simulateContractCall(ctx, action, {
        address: registry(),
        abi: modelRegistryAbi,
        functionName: 'publish',
        args: [params(PLACEHOLDER_CID, PLACEHOLDER_CID)],
      }).catch((error: unknown) => {
        throw modelErrorToAidocError(error, action);
      });
      const stored: string[] = [];
      try {
        const cid = isFile ? (await ctx.content.add(loaded)).cid : '';
        if (cid) stored.push(cid);
        const metadataCid = (await ctx.content.add(JSON.stringify(metadata))).cid;
        stored.push(metadataCid);
        const sent = await sendContractTransaction(ctx, action, {
          address: registry(),
          abi: modelRegistryAbi,
          functionName: 'publish',
          args: [params(cid, metadataCid)],
        });
        const event = parseEventLogs({
          abi: modelRegistryAbi,
          logs: sent.receipt.logs,
          eventName: 'VersionPublished',
        })[0];
        if (!event) throw new AidocError('INTERNAL', `${action}: no VersionPublished event in the receipt.`);
        return {
          name,
          version,
          modelId: event.args.modelId,
          versionId: event.args.versionId,
          cid,
          metadataCid,
          metadata,
          txHash: sent.hash,
        };
      } catch (error) {
        // No half state: content stored for a version that was not registered is unpinned.
        await Promise.allSettled(stored.map((cid) => ctx.content.unpin(cid)));
        throw modelErrorToAidocError(error, action);
      }
    },

    async list(options = {}) {
      const checked = z
        .object({
          task: z.string().optional(),
          search: z.string().optional(),
          publisher: z
            .string()
            .refine((a) => isAddress(a), 'an address')
            .optional(),
          allVersions: z.boolean().optional(),
          includeUnlisted: z.boolean().optional(),
        })
        .strict()
        .safeParse(options);
      if (!checked.success) throw invalid('list options', checked.error);
      let events: Awaited<
        ReturnType<typeof ctx.publicClient.getContractEvents<typeof modelRegistryAbi, 'VersionPublished'>>
      >;
      try {
        events = await ctx.publicClient.getContractEvents({
          address: registry(),
          abi: modelRegistryAbi,
          eventName: 'VersionPublished',
          fromBlock: ctx.fromBlock,
        });
      } catch (error) {
        throw modelErrorToAidocError(error, 'Listing models');
      }
      const models = new Map<bigint, Awaited<ReturnType<typeof modelRecord>>>();
      await Promise.all(
        [...new Set(events.map((e) => e.args.modelId as bigint))].map(async (id) =>
          models.set(id, await modelRecord(id)),
        ),
      );
      const all: ModelVersionInfo[] = events.map((e) => {
        const p = e.args.params as {
          name: string;
          version: string;
          cid: string;
          endpoint: string;
          task: string;
          metadataCid: string;
          pricePerCall: bigint;
        };
        const m = models.get(e.args.modelId as bigint) as Awaited<ReturnType<typeof modelRecord>>;
        return {
          name: p.name,
          version: p.version,
          modelId: e.args.modelId as bigint,
          versionId: e.args.versionId as bigint,
          publisher: m.publisher,
          task: p.task,
          cid: p.cid,
          endpoint: p.endpoint,
          metadataCid: p.metadataCid,
          price: p.pricePerCall,
          listing: m.listing,
        };
      });
      const { task, search, publisher, allVersions, includeUnlisted } = checked.data;
      const latest = new Map<bigint, ModelVersionInfo>();
      for (const v of all) latest.set(v.modelId, v); // events are in publication order
      return (allVersions ? all : [...latest.values()]).filter(
        (v) =>
          (task === undefined || v.task === task) &&
          (search === undefined || v.name.toLowerCase().includes(search.toLowerCase())) &&
          (publisher === undefined || isAddressEqual(v.publisher, publisher as Address)) &&
          (includeUnlisted || v.listing === 'listed'),
      );
    },

    async info(ref) {
      const { name, modelId, versionId, versionIds } = await resolve(ref);
      const [info, labels] = await Promise.all([
        versionInfo(modelId, versionId, name),
        Promise.all(versionIds.map(async (id) => (await versionRecord(id)).version)),
      ]);
      return { ...info, versions: labels, metadata: await fetchMetadata(info.metadataCid) };
    },

    async exists(ref) {
      try {
        await resolve(ref);
        return true;
      } catch (error) {
        if (AidocError.is(error, 'NOT_FOUND') && !/ModelRegistry/.test(error.shortMessage)) return false;
        throw error;
      }
    },

    async infer(ref, inputs, options = {}) {
      const { modelId, versionId, name } = await resolve(ref);
      const info = await versionInfo(modelId, versionId, name);
      if (!Array.isArray(inputs) || inputs.length === 0)
        throw new AidocError('INVALID_INPUT', 'infer needs at least one input tensor.');
      const url = options.inferenceUrl ?? (info.endpoint || apiOptions.inferenceUrl);
      if (!url)
        throw new AidocError('INVALID_INPUT', `No inference server for ${name}@${info.version}.`, {
          details: 'Pass inferenceUrl (the devnet prints it as "inference") to infer or to createAidoc.',
        });
      const shouldPay = options.pay ?? info.price > 0n;
      checkAgainstMetadata(await fetchMetadata(info.metadataCid), inputs);
      if (shouldPay) await checkCanPay(info);
      const response = await createInferenceClient({ url }).infer(name, info.version, inputs, {
        ...(options.outputs ? { outputs: options.outputs } : {}),
        ...(options.id !== undefined ? { id: options.id } : {}),
        ...(options.binary ? { binary: true } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
      const { publishedAt: _p, rating: _r, ...model } = info;
      return { ...response, model, payment: shouldPay ? await pay(info) : undefined };
    },

    async payForCall(ref) {
      const { modelId, versionId, name } = await resolve(ref);
      const info = await versionInfo(modelId, versionId, name);
      await checkCanPay(info);
      return pay(info);
    },

    async rate(callId, score, options = {}) {
      const id = z.union([z.bigint().positive(), z.number().int().positive()]).safeParse(callId);
      if (!id.success) throw invalid('call id', id.error);
      if (!Number.isInteger(score) || score < 1 || score > 5)
        throw new AidocError('INVALID_INPUT', `A score is an integer from 1 to 5, got ${String(score)}.`);
      if (options.comment !== undefined && typeof options.comment !== 'string')
        throw new AidocError('INVALID_INPUT', 'A comment is a string.');
      const action = `Rating call ${String(callId)}`;
      requireSigner(ctx, action);
      const args = [BigInt(id.data), score] as const;
      await simulateContractCall(ctx, action, {
        address: registry(),
        abi: modelRegistryAbi,
        functionName: 'rate',
        args: [...args, options.comment ? PLACEHOLDER_CID : ''],
      }).catch((error: unknown) => {
        throw modelErrorToAidocError(error, action);
      });
      const commentCid = options.comment
        ? (
            await ctx.content.add(
              JSON.stringify({
                schema: 'aidoc.model-rating/1',
                callId: String(callId),
                score,
                comment: options.comment,
              }),
            )
          ).cid
        : '';
      try {
        const sent = await sendContractTransaction(ctx, action, {
          address: registry(),
          abi: modelRegistryAbi,
          functionName: 'rate',
          args: [...args, commentCid],
        });
        return { txHash: sent.hash, commentCid };
      } catch (error) {
        if (commentCid) await ctx.content.unpin(commentCid).catch(() => {});
        throw modelErrorToAidocError(error, action);
      }
    },
  };
}
