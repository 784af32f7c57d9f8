import { z } from 'zod';
import { AidocError } from '../errors';

/**
 * Where a listener stands: every message to `dappId` in blocks before `block` was handled, and per sending
 * DApp, the last sequence number handled. Decimal strings, so it is plain JSON.
 */
export interface MessageCursor {
  version: 1;
  /** The receiving DApp this cursor belongs to. */
  dappId: string;
  /** First block that may still hold an unhandled message. */
  block: string;
  /** Last handled sequence number per sending DApp id. */
  channels: Record<string, string>;
}

/** Durable storage for a {@link MessageCursor}: a file ({@link fileCursorStore}) or anything a DApp provides. */
export interface CursorStore {
  /** The saved cursor, or undefined when none was saved yet. */
  load(): Promise<MessageCursor | undefined>;
  /** Saves the cursor; must be atomic (a crash leaves the old or the new cursor, never a torn one). */
  save(cursor: MessageCursor): Promise<void>;
}

const decimal = z.string().regex(/^\d+$/);
const cursorSchema = z
  .object({
    version: z.literal(1),
    dappId: decimal,
    block: decimal,
    channels: z.record(decimal, decimal),
  })
  .strict();

/**
 * Checks that a value is a {@link MessageCursor}; throws `INVALID_INPUT` naming the problem otherwise.
 *
 * @example
 * ```ts
 * const cursor = parseMessageCursor(JSON.parse(text), 'cursor.json');
 * ```
 */
export function parseMessageCursor(value: unknown, source: string): MessageCursor {
  const parsed = cursorSchema.safeParse(value);
  if (!parsed.success) {
    throw new AidocError('INVALID_INPUT', `${source} is not a message cursor.`, {
      details: parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '),
    });
  }
  return parsed.data as MessageCursor;
}

/**
 * A cursor store in memory: survives a listener restart in the same process, not a process restart.
 *
 * @example
 * ```ts
 * const cursor = memoryCursorStore();
 * const listener = await aidoc.messaging.listen(dappId, handler, { cursor });
 * ```
 */
export function memoryCursorStore(
  initial?: MessageCursor,
): CursorStore & { current(): MessageCursor | undefined } {
  let saved = initial ? structuredClone(initial) : undefined;
  return {
    async load() {
      return saved ? structuredClone(saved) : undefined;
    },
    async save(cursor) {
      saved = structuredClone(cursor);
    },
    current() {
      return saved ? structuredClone(saved) : undefined;
    },
  };
}
