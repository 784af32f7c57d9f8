import type { DevnetLogEvent } from '@aidoc/devnet';

/** Passes devnet log events to one subscriber, keeping those that arrive before it subscribes. */
export interface LogRelay {
  /** The devnet's `logger`: accepts one event. */
  push: (event: DevnetLogEvent) => void;
  /** Receive the buffered events, then every new one; returns an unsubscribe function. */
  subscribe: (listener: (event: DevnetLogEvent) => void) => () => void;
}

const levels = { debug: 0, info: 1, warn: 2, error: 3 } as const;

/**
 * Create a {@link LogRelay} that drops events below `minLevel` and buffers the rest until someone listens
 * (so the `--json` ready line can come first even when the devnet logs while starting).
 *
 * @example
 * ```ts
 * const logs = createLogRelay({ minLevel: 'info' });
 * const devnet = await startDevnet({ logger: logs.push });
 * logs.subscribe((event) => console.log(event.msg));
 * ```
 */
export function createLogRelay(options: {
  minLevel: DevnetLogEvent['level'];
  maxBuffered?: number;
}): LogRelay {
  const maxBuffered = options.maxBuffered ?? 1000;
  let buffer: DevnetLogEvent[] = [];
  let listener: ((event: DevnetLogEvent) => void) | undefined;
  return {
    push(event) {
      if ((levels[event.level] ?? levels.info) < levels[options.minLevel]) return;
      if (listener) listener(event);
      else if (buffer.push(event) > maxBuffered) buffer.shift();
    },
    subscribe(next) {
      listener = next;
      const pending = buffer;
      buffer = [];
      for (const event of pending) next(event);
      return () => {
        if (listener === next) listener = undefined;
      };
    },
  };
}
