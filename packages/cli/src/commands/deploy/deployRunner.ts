import { type CliContext, wantsJson } from '../../cliContext';
import { jsonLine } from '../../output/jsonLine';
import { formatDeployResult, formatDeployStart, formatDeployStep } from '../../views/formatDeploy';
import { deployAidocSystem } from './deploy';
import type { DeployFlags } from './deployOptions';
import { resolveDeployerKey } from './resolveDeployerKey';

/**
 * Run `aidoc deploy`: pick the deployer key, deploy every system contract with progress per step on a
 * terminal (stderr), write the deployments file, print the addresses (text) or one JSON document.
 *
 * @example
 * ```ts
 * await runDeploy({ rpc: 'http://127.0.0.1:8545', out: 'aidoc.deployments.json', json: true }, ctx);
 * ```
 */
export async function runDeploy(flags: DeployFlags, ctx: CliContext): Promise<void> {
  const json = wantsJson(ctx, flags);
  const key = await resolveDeployerKey(flags, ctx);
  const progress = !json || ctx.io.stderr.isTTY === true;
  const result = await deployAidocSystem({
    rpc: flags.rpc,
    privateKey: key.privateKey,
    out: flags.out,
    ...(flags.governance !== undefined ? { governance: flags.governance } : {}),
    ...(progress
      ? {
          onStart: (info) => ctx.io.stderr.write(formatDeployStart({ ...info, rpc: flags.rpc })),
          onStep: (event) => ctx.io.stderr.write(formatDeployStep(event)),
        }
      : {}),
  });
  ctx.io.stdout.write(json ? jsonLine(result) : formatDeployResult(result));
}
