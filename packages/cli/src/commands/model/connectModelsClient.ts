import { type AidocClient, createAidoc, type WalletAccount } from '@aidoc/sdk';
import type { CliContext } from '../../cliContext';
import { fromEnv, type GlobalFlags, resolveEndpoints } from '../../options/globalOptions';
import { parseInferenceUrl } from './modelOptionParsers';

/** Flags every `aidoc model` command accepts: the global ones and `--inference`. */
export interface ModelFlags extends GlobalFlags {
  /** Base URL of an Open Inference Protocol v2 server. */
  inference?: string;
}

/** Where `aidoc model infer` sends requests when neither `--inference` nor `$AIDOC_INFERENCE` is set. */
export const DEFAULT_INFERENCE_URL = 'http://127.0.0.1:9000';

/**
 * The OIP server to use: `--inference`, else `$AIDOC_INFERENCE`, else the local devnet's (port 9000).
 *
 * @example
 * ```ts
 * resolveInferenceUrl({}, {}); // 'http://127.0.0.1:9000'
 * ```
 */
export function resolveInferenceUrl(flags: ModelFlags, env: CliContext['io']['env']): string {
  return flags.inference ?? fromEnv(env, 'AIDOC_INFERENCE', parseInferenceUrl) ?? DEFAULT_INFERENCE_URL;
}

/**
 * Connect an AIDOC client for the model commands: chain, content store and inference server from the
 * flags or the environment, signing as `signer` (read-only without one).
 *
 * @example
 * ```ts
 * const aidoc = await connectModelsClient({ rpc: devnet.rpcUrl }, ctx, undefined);
 * const models = await aidoc.models.list();
 * ```
 */
export function connectModelsClient(
  flags: ModelFlags,
  ctx: CliContext,
  signer: WalletAccount | undefined,
): Promise<AidocClient> {
  const { rpc, ipfs } = resolveEndpoints(flags, ctx.io.env);
  return createAidoc({
    rpc,
    ipfs,
    inference: resolveInferenceUrl(flags, ctx.io.env),
    ...(signer ? { signer } : {}),
    ...(flags.deployments !== undefined ? { deployments: flags.deployments } : {}),
  });
}
