/** A pending shutdown request: the first signal received, and a way to stop listening. */
export interface ShutdownListener {
  /** Resolves with the first signal received. */
  signal: Promise<NodeJS.Signals>;
  /** Remove the signal handlers. */
  dispose: () => void;
}

/**
 * Listen for SIGINT/SIGTERM instead of dying on them, so a long-running command can shut down cleanly.
 * A repeated signal while shutting down calls `onRepeat` (e.g. to exit at once).
 *
 * @example
 * ```ts
 * const shutdown = listenForShutdown({ onRepeat: () => process.exit(1) });
 * await shutdown.signal;
 * await devnet.stop();
 * shutdown.dispose();
 * ```
 */
export function listenForShutdown(
  options: { signals?: NodeJS.Signals[]; onRepeat?: (signal: NodeJS.Signals) => void } = {},
): ShutdownListener {
  const signals = options.signals ?? ['SIGINT', 'SIGTERM'];
  let received = false;
  let resolveSignal: (signal: NodeJS.Signals) => void = () => {};
  const signal = new Promise<NodeJS.Signals>((resolve) => {
    resolveSignal = resolve;
  });
  const handler = (name: NodeJS.Signals) => {
    if (received) options.onRepeat?.(name);
    received = true;
    resolveSignal(name);
  };
  for (const name of signals) process.on(name, handler);
  return {
    signal,
    dispose: () => {
      for (const name of signals) process.off(name, handler);
    },
  };
}
