import { type AidocClient, createAidoc, type WalletAccount } from '@aidoc/sdk';
import type { CliContext } from '../cliContext';
import { type GlobalFlags, resolveEndpoints } from '../options/globalOptions';

/**
 * Connect an AIDOC client to the chain and content store the global options name, signing as `signer`
 * (read-only without one). Contract addresses come from `aidoc_contracts` or the deployments file.
 *
 * @example
 * ```ts
 * const aidoc = await connectAidoc(flags, ctx, await requireAccount(flags, ctx, 'Uploading'));
 * ```
 */
export function connectAidoc(
  flags: GlobalFlags,
  ctx: CliContext,
  signer: WalletAccount | undefined,
): Promise<AidocClient> {
  const { rpc, ipfs } = resolveEndpoints(flags, ctx.io.env);
  return createAidoc({
    rpc,
    ipfs,
    ...(signer ? { signer } : {}),
    ...(flags.deployments !== undefined ? { deployments: flags.deployments } : {}),
  });
}
