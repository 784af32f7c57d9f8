import type { CliContext } from '../../cliContext';
import { printResult } from '../../output/printResult';
import {
  formatModelInfer,
  formatModelInfo,
  formatModelList,
  formatModelPublish,
  formatModelRate,
} from '../../views/formatModels';
import type { ModelFlags } from './connectModelsClient';
import {
  type ModelInferFlags,
  type ModelListFlags,
  type ModelPublishFlags,
  type ModelRateFlags,
  modelInfer,
  modelInfo,
  modelList,
  modelPublish,
  modelRate,
} from './modelCommands';

/**
 * Run `aidoc model publish [file]`, with a note on stderr while the file is validated and stored.
 *
 * @example
 * ```ts
 * await runModelPublish('wdbc.onnx', { name: 'my-wdbc', version: '1.0.0', task: 'breast-cancer-diagnosis' }, ctx);
 * ```
 */
export async function runModelPublish(
  file: string | undefined,
  flags: ModelPublishFlags,
  ctx: CliContext,
): Promise<void> {
  if (ctx.io.stderr.isTTY === true) ctx.io.stderr.write(`Publishing ${flags.name}@${flags.version}…\n`);
  printResult(ctx, flags, await modelPublish(file, flags, ctx), formatModelPublish);
}

/**
 * Run `aidoc model list`.
 *
 * @example
 * ```ts
 * await runModelList({ task: 'ecg-classification' }, ctx);
 * ```
 */
export async function runModelList(flags: ModelListFlags, ctx: CliContext): Promise<void> {
  printResult(ctx, flags, await modelList(flags, ctx), formatModelList);
}

/**
 * Run `aidoc model info <name[@version]>`.
 *
 * @example
 * ```ts
 * await runModelInfo('wdbc-classifier', {}, ctx);
 * ```
 */
export async function runModelInfo(ref: string, flags: ModelFlags, ctx: CliContext): Promise<void> {
  printResult(ctx, flags, await modelInfo(ref, flags, ctx), formatModelInfo);
}

/**
 * Run `aidoc model infer <name[@version]> --input <file|->`.
 *
 * @example
 * ```ts
 * await runModelInfer('wdbc-classifier@1.0.0', { input: 'request.json' }, ctx);
 * ```
 */
export async function runModelInfer(ref: string, flags: ModelInferFlags, ctx: CliContext): Promise<void> {
  printResult(ctx, flags, await modelInfer(ref, flags, ctx), formatModelInfer);
}

/**
 * Run `aidoc model rate <callId> <score>`.
 *
 * @example
 * ```ts
 * await runModelRate(1n, 5, { account: 'dev:1' }, ctx);
 * ```
 */
export async function runModelRate(
  callId: bigint,
  score: number,
  flags: ModelRateFlags,
  ctx: CliContext,
): Promise<void> {
  printResult(ctx, flags, await modelRate(callId, score, flags, ctx), formatModelRate);
}
