import { chmod, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { type Address, getAddress } from 'viem';
import { z } from 'zod';
import { AidocError } from '../errors';
import { decryptKeystore, type EncryptKeystoreOptions, encryptKeystore, parseKeystore } from './keystore';
import type { WalletAccount } from './walletAccount';

/** One keystore file in a {@link KeystoreDirectory}. */
export interface KeystoreEntry {
  /** The name used to select it (`--account NAME`): the file name without `.json`. */
  name: string;
  /** The address the file declares (`cast wallet new` writes none: then it is known only after decrypting). */
  address?: Address;
  /** Absolute path of the file. */
  path: string;
}

/** A folder of Web3 Secret Storage v3 keystores (directory 0700, files 0600). */
export interface KeystoreDirectory {
  /** The folder. */
  readonly dir: string;
  /**
   * Lists keystores (any `*.json` v3 file, including geth's `UTC--…` files and `cast wallet new` output).
   *
   * @example
   * ```ts
   * for (const k of await keystores.list()) console.log(k.name, k.address);
   * ```
   */
  list(): Promise<KeystoreEntry[]>;
  /**
   * Encrypts `account` with `password` and saves it as `<name>.json`; refuses to overwrite.
   *
   * @example
   * ```ts
   * await keystores.save('alice', account, password);
   * ```
   */
  save(
    name: string,
    account: WalletAccount,
    password: string,
    options?: EncryptKeystoreOptions,
  ): Promise<KeystoreEntry>;
  /**
   * Copies an existing v3 keystore (from geth, `cast wallet new`, MetaMask…) into the folder as `<name>.json`,
   * unchanged and without decrypting it; refuses to overwrite.
   *
   * @example
   * ```ts
   * await keystores.importKeystore('geth-key', await readFile('UTC--…', 'utf8'));
   * ```
   */
  importKeystore(name: string, keystore: string | object): Promise<KeystoreEntry>;
  /**
   * Decrypts a keystore selected by name or address.
   *
   * @example
   * ```ts
   * const alice = await keystores.load('alice', password);
   * ```
   */
  load(nameOrAddress: string, password: string): Promise<WalletAccount>;
  /**
   * Finds a keystore by name or address without decrypting it.
   *
   * @example
   * ```ts
   * const entry = await keystores.find('alice');
   * ```
   */
  find(nameOrAddress: string): Promise<KeystoreEntry | undefined>;
  /**
   * Deletes a keystore file.
   *
   * @example
   * ```ts
   * await keystores.remove('alice');
   * ```
   */
  remove(nameOrAddress: string): Promise<void>;
}

const nameSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9_][A-Za-z0-9._-]{0,63}$/,
    'letters, digits, ".", "_" or "-" (at most 64, not starting with "." or "-")',
  );

/**
 * The default keystore folder: `$AIDOC_KEYSTORE_DIR` if set, otherwise `~/.aidoc/keystores`.
 *
 * @example
 * ```ts
 * defaultKeystoreDir(); // "/home/me/.aidoc/keystores"
 * ```
 */
export function defaultKeystoreDir(): string {
  return process.env.AIDOC_KEYSTORE_DIR || join(homedir(), '.aidoc', 'keystores');
}

/**
 * Opens (creating on first write) a keystore folder; default `~/.aidoc/keystores`.
 *
 * @example
 * ```ts
 * const keystores = createKeystoreDirectory();
 * await keystores.save('alice', walletAccountFromMnemonic(phrase), password);
 * const alice = await keystores.load('alice', password);
 * ```
 */
export function createKeystoreDirectory(options: { dir?: string } = {}): KeystoreDirectory {
  const parsed = z.object({ dir: z.string().min(1).optional() }).safeParse(options);
  if (!parsed.success) throw new AidocError('INVALID_INPUT', 'Invalid keystore directory options.');
  const dir = options.dir ?? defaultKeystoreDir();

  async function ensureDir(): Promise<void> {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await chmod(dir, 0o700);
  }

  async function list(): Promise<KeystoreEntry[]> {
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new AidocError('INTERNAL', `Cannot read the keystore folder ${dir}.`, { cause });
    }
    const entries: KeystoreEntry[] = [];
    for (const file of names.sort()) {
      const path = join(dir, file);
      try {
        if (!(await stat(path)).isFile()) continue;
        const json = JSON.parse(await readFile(path, 'utf8')) as { version?: unknown; address?: unknown };
        if (json.version !== 3 || typeof json !== 'object') continue;
        const name = file.replace(/\.json$/, '');
        if (typeof json.address === 'string') {
          const address = getAddress(json.address.startsWith('0x') ? json.address : `0x${json.address}`);
          entries.push({ name, address, path });
        } else {
          entries.push({ name, path });
        }
      } catch {
        // not a keystore: skip
      }
    }
    return entries;
  }

  async function find(nameOrAddress: string): Promise<KeystoreEntry | undefined> {
    if (typeof nameOrAddress !== 'string' || nameOrAddress.length === 0) {
      throw new AidocError('INVALID_INPUT', 'Pass a keystore name or address.');
    }
    const all = (await list()).filter((e) => !e.path.endsWith('.tmp'));
    const lower = nameOrAddress.toLowerCase();
    return all.find((e) => e.name === nameOrAddress) ?? all.find((e) => e.address?.toLowerCase() === lower);
  }

  async function freshPath(name: string): Promise<string> {
    const checked = nameSchema.safeParse(name);
    if (!checked.success) {
      throw new AidocError('INVALID_INPUT', `Invalid keystore name "${String(name)}".`, {
        details: checked.error.issues[0]?.message,
      });
    }
    await ensureDir();
    const path = join(dir, `${name}.json`);
    const existing = await find(name);
    if (existing?.name === name || (await stat(path).catch(() => undefined))) {
      throw new AidocError('INVALID_INPUT', `A keystore named "${name}" already exists.`, {
        details: 'Pick another name or remove the existing one first.',
      });
    }
    return path;
  }

  async function writeSecretFile(path: string, json: unknown): Promise<void> {
    const tmp = `${path}.${process.pid}.tmp`;
    await writeFile(tmp, `${JSON.stringify(json)}\n`, { mode: 0o600, flag: 'wx' });
    await chmod(tmp, 0o600);
    await rename(tmp, path);
  }

  return {
    dir,
    list,
    find,
    async save(name, account, password, encryptOptions) {
      const path = await freshPath(name);
      const json = await encryptKeystore(account, password, encryptOptions);
      await writeSecretFile(path, json);
      return { name, address: account.address, path };
    },
    async importKeystore(name, keystore) {
      const json = parseKeystore(keystore);
      const path = await freshPath(name);
      await writeSecretFile(path, json);
      const declared = typeof json.address === 'string' ? json.address : undefined;
      return declared
        ? { name, address: getAddress(declared.startsWith('0x') ? declared : `0x${declared}`), path }
        : { name, path };
    },
    async load(nameOrAddress, password) {
      const entry = await find(nameOrAddress);
      if (!entry) {
        throw new AidocError('NOT_FOUND', `No keystore "${nameOrAddress}" in ${dir}.`, {
          details: 'List keystores with `aidoc wallet list`, or import one with `aidoc wallet import`.',
        });
      }
      return decryptKeystore(await readFile(entry.path, 'utf8'), password);
    },
    async remove(nameOrAddress) {
      const entry = await find(nameOrAddress);
      if (!entry) throw new AidocError('NOT_FOUND', `No keystore "${nameOrAddress}" in ${dir}.`);
      await rm(entry.path);
    },
  };
}
