import { type CliContext, wantsJson } from '../../cliContext';
import { ExitCode } from '../../output/exitCodeFor';
import { printResult } from '../../output/printResult';
import { listenForShutdown } from '../../runtime/listenForShutdown';
import { formatMsgAck, formatMsgSend } from '../../views/formatMessaging';
import type { ListenPresenter } from '../../views/ListenPresenter';
import { presentListenJson } from '../../views/presentListenJson';
import { type MsgAckFlags, type MsgSendFlags, msgAck, msgSend } from './msgCommands';
import { type MsgListenFlags, type MsgListenResult, msgListen } from './msgListen';

/**
 * Run `aidoc msg send`.
 *
 * @example
 * ```ts
 * await runMsgSend({ to: 'lab-interpreter', topic: 'lab-sheet.values', data: { glucose: 7.9 }, account: 'dev:1' }, ctx);
 * ```
 */
export async function runMsgSend(flags: MsgSendFlags, ctx: CliContext): Promise<void> {
  printResult(ctx, flags, await msgSend(flags, ctx), formatMsgSend);
}

/**
 * Run `aidoc msg ack`.
 *
 * @example
 * ```ts
 * await runMsgAck({ from: 'lab-ocr', to: 'lab-interpreter', seq: 1n, account: 'dev:2' }, ctx);
 * ```
 */
export async function runMsgAck(flags: MsgAckFlags, ctx: CliContext): Promise<void> {
  printResult(ctx, flags, await msgAck(flags, ctx), formatMsgAck);
}

/**
 * Run `aidoc msg listen <dapp>`: print each message as it arrives (a live view on a terminal, JSON lines
 * otherwise) until `--max` messages or SIGINT/SIGTERM; the cursor is saved after each message. A second
 * signal while stopping exits at once.
 *
 * @example
 * ```ts
 * await runMsgListen('lab-interpreter', { cursor: '/tmp/c.json', max: 1, account: 'dev:2', json: true }, ctx);
 * ```
 */
export async function runMsgListen(dapp: string, flags: MsgListenFlags, ctx: CliContext): Promise<void> {
  let presenter: ListenPresenter;
  if (wantsJson(ctx, flags)) presenter = presentListenJson(ctx.io);
  else {
    const { presentListenInk } = await import('../../views/presentListenInk');
    presenter = presentListenInk(ctx);
  }
  const shutdown = listenForShutdown({ onRepeat: () => process.exit(ExitCode.failure) });
  let result: MsgListenResult | undefined;
  try {
    result = await msgListen(dapp, flags, ctx, {
      onStart: (start) => presenter.started(start),
      onMessage: (message) => presenter.message(message),
      onWarning: (warning) => presenter.warning(warning),
      stop: shutdown.signal.then(() => presenter.stopping()),
    });
  } finally {
    shutdown.dispose();
    await presenter.stopped(result);
  }
}
