import type { Finality, MessageListener, ReceivedMessage } from '@aidoc/sdk';
import type { AidocError } from '@aidoc/sdk/errors';
import { requireAccount } from '../../account/resolveAccount';
import type { CliContext } from '../../cliContext';
import type { GlobalFlags } from '../../options/globalOptions';
import { connectAidoc } from '../connectAidoc';

/** Options of `aidoc msg listen`. */
export interface MsgListenFlags extends GlobalFlags {
  /** Cursor file: where the listener resumes, saved after each handled message. */
  cursor: string;
  /** Stop after this many messages. */
  max?: number;
  /** Deliver only messages in finalized blocks. */
  finalized?: boolean;
}

/** The listener as it starts. */
export interface MsgListenStart {
  dappId: bigint;
  name: string;
  cursor: string;
  finality: Finality;
  /** Per sending DApp, the last sequence number already handled (empty on a fresh cursor). */
  channels: Record<string, string>;
  max: number | undefined;
}

/** How a listen session ended. */
export interface MsgListenResult {
  dappId: bigint;
  name: string;
  cursor: string;
  /** Messages handled (and saved in the cursor) in this session. */
  delivered: number;
  stoppedBy: 'max' | 'signal';
  /** The cursor's channels as last saved. */
  channels: Record<string, string>;
}

/** What {@link msgListen} calls while it runs. */
export interface MsgListenHooks {
  /** Once, when the listener has started. */
  onStart?: (start: MsgListenStart) => void;
  /** For each message, in channel order; the cursor is saved after it returns. A throw stops the listener. */
  onMessage: (message: ReceivedMessage, delivered: number) => void | Promise<void>;
  /** A dropped connection or failed scan that is being retried. */
  onWarning?: (warning: AidocError) => void;
  /** Resolves when the session should stop (a signal); the message being handled finishes first. */
  stop?: Promise<unknown>;
}

/**
 * Listen for messages to one of `--account`'s DApps from a cursor file: each message goes to
 * `hooks.onMessage` once, in channel order, and the cursor is saved after it. Runs until `--max` messages or
 * until `hooks.stop` resolves; rejects when the listener fails (e.g. `onMessage` throws).
 *
 * @example
 * ```ts
 * const { delivered } = await msgListen('lab-interpreter', { cursor: 'c.json', max: 2, account: 'dev:2' }, ctx, {
 *   onMessage: (m) => console.log(m.sequence, m.payload),
 * });
 * ```
 */
export async function msgListen(
  dapp: string,
  flags: MsgListenFlags,
  ctx: CliContext,
  hooks: MsgListenHooks,
): Promise<MsgListenResult> {
  const account = await requireAccount(flags, ctx, 'Listening for messages');
  const aidoc = await connectAidoc(flags, ctx, account);
  const info = await aidoc.messaging.get(dapp);
  const finality: Finality = flags.finalized ? 'finalized' : 'latest';
  let delivered = 0;
  let reachedMax!: () => void;
  const maxReached = new Promise<'max'>((resolve) => {
    reachedMax = () => resolve('max');
  });
  let started: MessageListener | undefined;
  let stopping: Promise<void> | undefined;
  const stop = (listener: MessageListener) => {
    stopping ??= listener.stop();
    return stopping;
  };
  const listener = await aidoc.messaging.listen(
    info.dappId,
    async (message) => {
      await hooks.onMessage(message, delivered + 1);
      delivered++;
      if (flags.max !== undefined && delivered >= flags.max) {
        reachedMax();
        // no further delivery; the SDK saves this message's cursor when the handler returns. Not awaited:
        // stop() waits for this very handler.
        if (started) void stop(started);
      }
    },
    {
      cursor: flags.cursor,
      finality,
      ...(hooks.onWarning ? { onWarning: hooks.onWarning } : {}),
    },
  );
  started = listener;
  hooks.onStart?.({
    dappId: info.dappId,
    name: info.name,
    cursor: flags.cursor,
    finality,
    channels: listener.cursor().channels,
    max: flags.max,
  });
  let stoppedBy: 'max' | 'signal';
  try {
    stoppedBy = await Promise.race([
      maxReached.then(() => 'max' as const),
      (hooks.stop ?? new Promise<never>(() => {})).then(() => 'signal' as const),
      listener.done.then(() => 'signal' as const),
    ]);
  } finally {
    await stop(listener);
  }
  await listener.done;
  return {
    dappId: info.dappId,
    name: info.name,
    cursor: flags.cursor,
    delivered,
    stoppedBy,
    channels: listener.cursor().channels,
  };
}
