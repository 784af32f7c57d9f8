import { type CliContext, wantsJson } from '../../cliContext';
import { createLogRelay } from '../../output/createLogRelay';
import { ExitCode } from '../../output/exitCodeFor';
import { listenForShutdown } from '../../runtime/listenForShutdown';
import type { DevnetPresenter } from '../../views/DevnetPresenter';
import { presentDevnetJson } from '../../views/presentDevnetJson';
import { devnetUp } from './up';
import { type DevnetUpFlags, toDevnetOptions } from './upOptions';

/**
 * Run `aidoc devnet up`: start the devnet, present it (ink on a terminal, JSON lines otherwise), and on
 * SIGINT/SIGTERM stop it cleanly. Resolves once the devnet has stopped.
 *
 * @example
 * ```ts
 * await runDevnetUp({ port: 0, json: true }, createCliContext(io));
 * ```
 */
export async function runDevnetUp(flags: DevnetUpFlags, ctx: CliContext): Promise<void> {
  const json = wantsJson(ctx, flags);
  const logs = createLogRelay({ minLevel: ctx.debug ? 'debug' : 'info' });
  if (!json) ctx.io.stderr.write('Starting the AIDOC devnet…\n');
  const session = await devnetUp({ ...toDevnetOptions(flags), logger: logs.push });
  // A second Ctrl+C while stopping gives up on a clean stop.
  const shutdown = listenForShutdown({ onRepeat: () => process.exit(ExitCode.failure) });
  try {
    let presenter: DevnetPresenter;
    if (json) {
      presenter = presentDevnetJson(session, logs, ctx.io.stdout);
    } else {
      const { presentDevnetInk } = await import('../../views/presentDevnetInk');
      presenter = presentDevnetInk(session, logs, ctx);
    }
    const signal = await shutdown.signal;
    presenter.stopping(signal);
    await session.devnet.stop();
    await presenter.stopped(signal);
  } finally {
    await session.devnet.stop();
    shutdown.dispose();
  }
}
