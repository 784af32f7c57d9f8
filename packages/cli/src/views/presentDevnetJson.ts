import type { OutputStream } from '../cliContext';
import type { DevnetSession } from '../commands/devnet/up';
import { createCoalescingWriter } from '../output/createCoalescingWriter';
import type { LogRelay } from '../output/createLogRelay';
import { jsonLine } from '../output/jsonLine';
import type { DevnetPresenter } from './DevnetPresenter';
import { blockRecord, devnetReadyRecord, logRecord } from './devnetRecords';

/**
 * Present a running devnet as JSON lines: first the ready document, then one line per block and per log
 * event, and `{"event":"stopped"}` at the end.
 *
 * @example
 * ```ts
 * const presenter = presentDevnetJson(session, logs, process.stdout);
 * ```
 */
export function presentDevnetJson(
  session: DevnetSession,
  logs: LogRelay,
  stdout: OutputStream,
): DevnetPresenter {
  stdout.write(jsonLine(devnetReadyRecord(session.info)));
  const out = createCoalescingWriter(stdout);
  const stopLogs = logs.subscribe((event) => out.write(jsonLine(logRecord(event))));
  const stopBlocks = session.devnet.onBlock((block) => out.write(jsonLine(blockRecord(block))));
  return {
    stopping() {
      stopBlocks();
    },
    async stopped(signal) {
      stopLogs();
      out.flush();
      stdout.write(jsonLine({ event: 'stopped', signal }));
    },
  };
}
