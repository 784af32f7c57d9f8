import type { ReceivedMessage } from '@aidoc/sdk';
import type { AidocError } from '@aidoc/sdk/errors';
import { type Instance, render } from 'ink';
import type { CliContext } from '../cliContext';
import type { MsgListenStart } from '../commands/msg/msgListen';
import { formatListenStart, formatListenStopped } from './formatMessaging';
import type { ListenPresenter } from './ListenPresenter';
import { MessageListenView } from './MessageListenView';

/** A one-to-many channel that holds what is emitted while nobody listens (before the view subscribes). */
function createTopic<T>() {
  const listeners = new Set<(value: T) => void>();
  const held: T[] = [];
  return {
    emit: (value: T) => {
      if (listeners.size === 0) held.push(value);
      for (const listener of listeners) listener(value);
    },
    subscribe: (listener: (value: T) => void) => {
      listeners.add(listener);
      for (const value of held.splice(0)) listener(value);
      return () => {
        listeners.delete(listener);
      };
    },
  };
}

/**
 * Present `aidoc msg listen` on a terminal with the ink {@link MessageListenView}; Ctrl+C reaches the process
 * as SIGINT (the view does not take over the keyboard).
 *
 * @example
 * ```ts
 * const presenter = presentListenInk(ctx);
 * ```
 */
export function presentListenInk(ctx: CliContext): ListenPresenter {
  const messages = createTopic<ReceivedMessage>();
  const warnings = createTopic<AidocError>();
  let instance: Instance | undefined;
  let start: MsgListenStart | undefined;
  const view = (status: 'listening' | 'stopping') =>
    start ? (
      <MessageListenView
        start={start}
        onMessage={messages.subscribe}
        onWarning={warnings.subscribe}
        status={status}
      />
    ) : null;
  return {
    started(started) {
      start = started;
      ctx.io.stdout.write(formatListenStart(started));
      instance = render(view('listening'), {
        stdout: ctx.io.stdout as NodeJS.WriteStream,
        stderr: ctx.io.stderr as NodeJS.WriteStream,
        exitOnCtrlC: false,
        patchConsole: false,
      });
    },
    message: messages.emit,
    warning: warnings.emit,
    stopping() {
      instance?.rerender(view('stopping'));
    },
    async stopped(result) {
      if (instance) {
        instance.unmount();
        await instance.waitUntilExit();
      }
      if (result) ctx.io.stdout.write(formatListenStopped(result));
    },
  };
}
