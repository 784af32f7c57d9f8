import type { OutputStream } from '../cliContext';
import { jsonLine } from '../output/jsonLine';
import type { ListenPresenter } from './ListenPresenter';
import { listenStartRecord, listenStoppedRecord, messageRecord } from './messagingRecords';

/**
 * Present `aidoc msg listen` as JSON lines: `{"event":"listening",…}`, one `{"event":"message",…}` per message
 * as it arrives, then `{"event":"stopped",…}`. Warnings go to stderr as `{"event":"warning",…}`.
 *
 * @example
 * ```ts
 * const presenter = presentListenJson(ctx.io);
 * ```
 */
export function presentListenJson(io: { stdout: OutputStream; stderr: OutputStream }): ListenPresenter {
  return {
    started: (start) => io.stdout.write(jsonLine(listenStartRecord(start))),
    message: (message) => io.stdout.write(jsonLine(messageRecord(message))),
    warning: (warning) => io.stderr.write(jsonLine({ event: 'warning', warning: warning.toJSON() })),
    stopping: () => {},
    async stopped(result) {
      if (result) io.stdout.write(jsonLine(listenStoppedRecord(result)));
    },
  };
}
