import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { AidocError } from '../errors';

/** Where a wallet keeps which notifications its user has read (the chain holds no read state). */
export interface ReadStateStore {
  /** Ids of read notifications. */
  load(): Promise<Set<string>>;
  /** Replaces the set of read ids (atomically). */
  save(read: Set<string>): Promise<void>;
}

/**
 * Read marks in memory (lost when the process ends).
 *
 * @example
 * ```ts
 * const readState = memoryReadStateStore();
 * ```
 */
export function memoryReadStateStore(): ReadStateStore {
  let read = new Set<string>();
  return {
    async load() {
      return new Set(read);
    },
    async save(next) {
      read = new Set(next);
    },
  };
}

/**
 * Read marks in a JSON file (an array of ids), replaced atomically on each save.
 *
 * @example
 * ```ts
 * const readState = fileReadStateStore(`${os.homedir()}/.aidoc/notifications-read.json`);
 * ```
 */
export function fileReadStateStore(path: string): ReadStateStore & { readonly path: string } {
  if (typeof path !== 'string' || path.length === 0) {
    throw new AidocError('INVALID_INPUT', 'The read-state file path must be a non-empty string.');
  }
  const file = resolve(path);
  return {
    path: file,
    async load() {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Set();
        throw new AidocError('INTERNAL', `Cannot read ${file}.`, { cause: error });
      }
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (cause) {
        throw new AidocError('INVALID_INPUT', `${file} is not JSON.`, { cause });
      }
      if (!Array.isArray(json) || !json.every((x) => typeof x === 'string')) {
        throw new AidocError('INVALID_INPUT', `${file} is not a list of notification ids.`);
      }
      return new Set(json as string[]);
    },
    async save(read) {
      const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
      try {
        await mkdir(dirname(file), { recursive: true });
        const handle = await open(temporary, 'w');
        try {
          await handle.writeFile(`${JSON.stringify([...read].sort())}\n`);
          await handle.sync();
        } finally {
          await handle.close();
        }
        await rename(temporary, file);
      } catch (error) {
        await rm(temporary, { force: true });
        throw new AidocError('INTERNAL', `Cannot write ${file}.`, { cause: error });
      }
    },
  };
}
