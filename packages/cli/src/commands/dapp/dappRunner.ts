import type { CliContext } from '../../cliContext';
import type { GlobalFlags } from '../../options/globalOptions';
import { printResult } from '../../output/printResult';
import { formatDAppList, formatDAppRegister, formatDAppShow } from '../../views/formatMessaging';
import { type DAppRegisterFlags, dappList, dappRegister, dappShow } from './dappCommands';

/**
 * Run `aidoc dapp register`.
 *
 * @example
 * ```ts
 * await runDAppRegister({ name: 'lab-ocr', topics: ['lab-sheet.image'], account: 'dev:1' }, ctx);
 * ```
 */
export async function runDAppRegister(flags: DAppRegisterFlags, ctx: CliContext): Promise<void> {
  printResult(ctx, flags, await dappRegister(flags, ctx), formatDAppRegister);
}

/**
 * Run `aidoc dapp show <dapp>`.
 *
 * @example
 * ```ts
 * await runDAppShow('lab-ocr', {}, ctx);
 * ```
 */
export async function runDAppShow(
  dapp: string,
  flags: GlobalFlags & { accepts?: string[] },
  ctx: CliContext,
): Promise<void> {
  printResult(ctx, flags, await dappShow(dapp, flags, ctx), formatDAppShow);
}

/**
 * Run `aidoc dapp list`.
 *
 * @example
 * ```ts
 * await runDAppList({ account: 'dev:1' }, ctx);
 * ```
 */
export async function runDAppList(flags: GlobalFlags, ctx: CliContext): Promise<void> {
  printResult(ctx, flags, await dappList(flags, ctx), formatDAppList);
}
