import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { AidocError } from '../errors';
import { type CursorStore, type MessageCursor, parseMessageCursor } from './MessageCursor';

/**
 * A cursor store in a JSON file, written atomically: the new cursor goes to a temporary file in the same
 * folder, is flushed to disk, then renamed over the old one, so a crash leaves the old or the new cursor.
 *
 * @example
 * ```ts
 * const listener = await aidoc.messaging.listen(dappId, handler, { cursor: fileCursorStore('./ocr.cursor.json') });
 * ```
 */
export function fileCursorStore(path: string): CursorStore & { readonly path: string } {
  if (typeof path !== 'string' || path.length === 0) {
    throw new AidocError('INVALID_INPUT', 'The cursor file path must be a non-empty string.');
  }
  const file = resolve(path);
  return {
    path: file,
    async load() {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw new AidocError('INTERNAL', `Cannot read the cursor file ${file}.`, { cause: error });
      }
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (cause) {
        throw new AidocError('INVALID_INPUT', `The cursor file ${file} is not JSON.`, { cause });
      }
      return parseMessageCursor(json, file);
    },
    async save(cursor: MessageCursor) {
      const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
      try {
        await mkdir(dirname(file), { recursive: true });
        const handle = await open(temporary, 'w');
        try {
          await handle.writeFile(`${JSON.stringify(cursor)}\n`);
          await handle.sync();
        } finally {
          await handle.close();
        }
        await rename(temporary, file);
      } catch (error) {
        await rm(temporary, { force: true });
        throw new AidocError('INTERNAL', `Cannot write the cursor file ${file}.`, { cause: error });
      }
    },
  };
}
