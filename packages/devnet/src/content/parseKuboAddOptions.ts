import { AidocError } from '@aidoc/sdk/errors';

/** `ipfs add` options, resolved with Kubo's defaults and implications. */
export interface KuboAddOptions {
  /** 0 (Kubo's default) or 1. A hash other than sha2-256 implies 1. */
  cidVersion: 0 | 1;
  /** Leaves as raw blocks. Default false, true when `cidVersion` is 1 unless set explicitly. */
  rawLeaves: boolean;
  /** Fixed chunk size in bytes (`chunker=size-N`). Default 262144. */
  chunkSize: number;
  /** Trickle layout instead of balanced. */
  trickle: boolean;
  /** Wrap the added entries in a directory (`-w`). */
  wrapWithDirectory: boolean;
  /** Compute CIDs without storing anything (`-n`). */
  onlyHash: boolean;
  /** Pin the result recursively. Default true. */
  pin: boolean;
  /** Emit progress events while reading. */
  progress: boolean;
}

/** Kubo's default chunker (`size-262144`) and its largest allowed chunk (`chunk.ChunkSizeLimit`). */
const DEFAULT_CHUNK_SIZE = 262_144;
const MAX_CHUNK_SIZE = 1_048_576;

/**
 * Reads a boolean option the way go-ipfs-cmds does over HTTP: `true`/`false` (and `1`/`0`, or an empty value
 * meaning true); anything else is a 400 error. Aliases are tried in order.
 *
 * @example
 * ```ts
 * readBoolOption(new URLSearchParams('pin=false'), ['pin']); // false
 * ```
 */
export function readBoolOption(params: URLSearchParams, names: string[]): boolean | undefined {
  for (const name of names) {
    const raw = params.get(name);
    if (raw === null) continue;
    const value = raw.toLowerCase();
    if (value === '' || value === 'true' || value === '1' || value === 't') return true;
    if (value === 'false' || value === '0' || value === 'f') return false;
    throw new AidocError(
      'INVALID_PARAMS',
      `Could not convert value "${raw}" to type "bool" (for option "-${name}")`,
    );
  }
  return undefined;
}

/**
 * Resolves the query parameters of `POST /api/v0/add` into {@link KuboAddOptions}, with Kubo's meanings,
 * aliases (`t`, `w`, `n`, `p`) and defaults. Throws `AidocError` for values Kubo would reject.
 *
 * @example
 * ```ts
 * parseKuboAddOptions(new URLSearchParams('cid-version=1')); // { cidVersion: 1, rawLeaves: true, ... }
 * ```
 */
export function parseKuboAddOptions(params: URLSearchParams): KuboAddOptions {
  const hash = params.get('hash') ?? 'sha2-256';
  if (hash !== 'sha2-256') {
    throw new AidocError(
      'UNSUPPORTED',
      `unsupported hash function "${hash}": this devnet supports sha2-256 only`,
    );
  }
  const rawVersion = params.get('cid-version');
  let cidVersion: 0 | 1 = 0;
  if (rawVersion !== null && rawVersion !== '') {
    if (!/^-?\d+$/.test(rawVersion)) {
      throw new AidocError(
        'INVALID_PARAMS',
        `Could not convert value "${rawVersion}" to type "int" (for option "-cid-version")`,
      );
    }
    if (rawVersion !== '0' && rawVersion !== '1') {
      throw new AidocError('INVALID_INPUT', `unknown CID version: ${rawVersion}`);
    }
    cidVersion = rawVersion === '1' ? 1 : 0;
  }
  const rawLeaves = readBoolOption(params, ['raw-leaves']) ?? cidVersion === 1;

  const chunker = params.get('chunker') ?? '';
  let chunkSize = DEFAULT_CHUNK_SIZE;
  if (chunker !== '' && chunker !== 'default') {
    const match = /^size-(\d+)$/.exec(chunker);
    if (!match) {
      throw new AidocError(
        'UNSUPPORTED',
        `unsupported chunker "${chunker}": this devnet supports size-N only`,
      );
    }
    chunkSize = Number(match[1]);
    if (chunkSize <= 0) throw new AidocError('INVALID_INPUT', 'chunker size must be greater than 0');
    if (chunkSize > MAX_CHUNK_SIZE) {
      throw new AidocError(
        'INVALID_INPUT',
        `chunker parameters may not exceed the maximum chunk size of ${MAX_CHUNK_SIZE}`,
      );
    }
  }
  if (readBoolOption(params, ['inline'])) {
    throw new AidocError('UNSUPPORTED', 'add --inline is not supported by this devnet');
  }

  return {
    cidVersion,
    rawLeaves,
    chunkSize,
    trickle: readBoolOption(params, ['trickle', 't']) ?? false,
    wrapWithDirectory: readBoolOption(params, ['wrap-with-directory', 'w']) ?? false,
    onlyHash: readBoolOption(params, ['only-hash', 'n']) ?? false,
    pin: readBoolOption(params, ['pin']) ?? true,
    progress: readBoolOption(params, ['progress', 'p']) ?? false,
  };
}
