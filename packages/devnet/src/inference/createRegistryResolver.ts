import { modelRegistryAbi } from '@aidoc/contracts';
import { type Address, createPublicClient, custom, type EIP1193Provider, type PublicClient } from 'viem';

/** A model version as the inference server serves it. */
export interface ResolvedModel {
  name: string;
  version: string;
  versionId: bigint;
  /** CID of the ONNX file ('' for an AI-API model). */
  cid: string;
  /** External OIP endpoint of an AI-API model ('' for an ONNX model). */
  endpoint: string;
  task: string;
  /** Every version label of the model, oldest first. */
  versions: string[];
}

/** Resolves `name[@version]` through the ModelRegistry; `undefined` means unknown. */
export interface RegistryResolver {
  /**
   * The version (latest when `version` is omitted), or why it could not be found. With `cached`, an explicit
   * version seen before is answered without reading the chain (versions are immutable), and its `versions`
   * list is the one read then, which may miss versions published since. The latest version is read again
   * only when the chain has a new block since it was last read.
   */
  resolve(
    name: string,
    version?: string,
    options?: { cached?: boolean },
  ): Promise<ResolvedModel | { missing: 'model' | 'version' }>;
}

/**
 * Builds a resolver that reads the ModelRegistry with `eth_call` through an EIP-1193 provider. Immutable
 * facts (a name's model id, a version's CID) are cached; "latest version" is cached per block (one
 * `eth_blockNumber` per lookup, the registry read again once a new block exists).
 *
 * @example
 * ```ts
 * const resolver = createRegistryResolver(devnet.provider, devnet.contracts.ModelRegistry);
 * const model = await resolver.resolve('wdbc-classifier', '1.0.0');
 * ```
 */
export function createRegistryResolver(
  provider: { request(args: { method: string; params?: unknown }): Promise<unknown> },
  registry: Address,
): RegistryResolver {
  const client: PublicClient = createPublicClient({ transport: custom(provider as EIP1193Provider) });
  const read = <T>(functionName: string, args: unknown[]): Promise<T> =>
    client.readContract({
      address: registry,
      abi: modelRegistryAbi,
      functionName,
      args,
    } as never) as Promise<T>;
  const modelIds = new Map<string, bigint>();
  const versionsById = new Map<bigint, Omit<ResolvedModel, 'versions' | 'name'>>();
  /** `name@version` already resolved: the answer, with the version list of that time. */
  const resolved = new Map<string, ResolvedModel>();
  /** Latest-version answers by name, read at block `latestBlock` or after; emptied when a block arrives. */
  const latest = new Map<string, Promise<ResolvedModel | { missing: 'model' | 'version' }>>();
  let latestBlock = '';

  async function versionLabels(modelId: bigint): Promise<{ ids: readonly bigint[]; labels: string[] }> {
    const ids = await read<readonly bigint[]>('versionsOf', [modelId]);
    const labels = await Promise.all(ids.map(async (id) => (await versionInfo(id)).version));
    return { ids, labels };
  }

  async function versionInfo(versionId: bigint) {
    let info = versionsById.get(versionId);
    if (!info) {
      const v = await read<{ version: string; cid: string; endpoint: string; task: string }>('getVersion', [
        versionId,
      ]);
      info = { version: v.version, versionId, cid: v.cid, endpoint: v.endpoint, task: v.task };
      versionsById.set(versionId, info);
    }
    return info;
  }

  async function resolveLatest(name: string): Promise<ResolvedModel | { missing: 'model' | 'version' }> {
    // Read the block number first: the registry reads below see that block or a later one, so the answer is
    // never older than the block it is kept for.
    const block = String(await provider.request({ method: 'eth_blockNumber' }));
    if (block !== latestBlock) {
      latest.clear();
      latestBlock = block;
    }
    const cached = latest.get(name);
    if (cached) return cached;
    const answer = resolveFromChain(name, undefined);
    latest.set(name, answer);
    // Unknown names are not kept (any client can send any name); failed reads are retried next time.
    const forget = () => {
      if (latest.get(name) === answer) latest.delete(name);
    };
    answer.then((found) => {
      if ('missing' in found && found.missing === 'model') forget();
    }, forget);
    return answer;
  }

  async function resolveFromChain(
    name: string,
    version: string | undefined,
  ): Promise<ResolvedModel | { missing: 'model' | 'version' }> {
    const key = version === undefined ? undefined : `${name}@${version}`;
    let modelId = modelIds.get(name);
    if (modelId === undefined) {
      modelId = await read<bigint>('modelIdOf', [name]);
      if (modelId === 0n) return { missing: 'model' };
      modelIds.set(name, modelId);
    }
    const { ids, labels } = await versionLabels(modelId);
    const index = version === undefined ? ids.length - 1 : labels.indexOf(version);
    const versionId = ids[index];
    if (index < 0 || versionId === undefined) return { missing: 'version' };
    const model = { ...(await versionInfo(versionId)), name, versions: labels };
    if (key !== undefined) resolved.set(key, model);
    return model;
  }

  return {
    async resolve(name, version, options) {
      if (version === undefined) return resolveLatest(name);
      const seen = resolved.get(`${name}@${version}`);
      if (seen && options?.cached) return seen;
      return resolveFromChain(name, version);
    },
  };
}
