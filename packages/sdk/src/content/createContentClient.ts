import { create, type KuboRPCClient } from 'kubo-rpc-client';
import { CID } from 'multiformats/cid';
import { z } from 'zod';
import { AidocError } from '../errors';

/** Bytes to add: a byte array, a string (UTF-8), or a stream of byte chunks (a large file, read lazily). */
export type ContentInput = Uint8Array | string | Iterable<Uint8Array> | AsyncIterable<Uint8Array>;

/** Options for {@link ContentClient.add}, with Kubo's meanings and defaults. */
export interface ContentAddOptions {
  /** 0 (Kubo's default) or 1. CIDv1 implies raw leaves unless `rawLeaves` is set. */
  cidVersion?: 0 | 1;
  /** Store leaves as raw blocks. */
  rawLeaves?: boolean;
  /** Chunk size in bytes (Kubo `--chunker=size-N`). Default 262144. */
  chunkSize?: number;
  /** Trickle DAG layout instead of balanced. */
  trickle?: boolean;
  /** Compute the CID without storing. */
  onlyHash?: boolean;
  /** Pin the result (default true). */
  pin?: boolean;
  /** Called with the number of bytes read so far, as the server reports it. */
  onProgress?: (bytes: number) => void;
  /** Abort the upload. */
  signal?: AbortSignal;
}

/** The result of {@link ContentClient.add}. */
export interface ContentAddResult {
  /** The root CID, as Kubo prints it (CIDv0 `Qm…` or CIDv1 base32). */
  cid: string;
  /** Cumulative DAG size in bytes (Kubo's `Size`). */
  size: number;
}

/** Content-addressed storage over the Kubo RPC API: the devnet, a Kubo node or an IPFS Cluster proxy. */
export interface ContentClient {
  /** Adds bytes and returns the root CID (identical to `ipfs add` with the same options). */
  add(data: ContentInput, options?: ContentAddOptions): Promise<ContentAddResult>;
  /** Streams a file's bytes (optionally a range). */
  cat(
    cid: string,
    options?: { offset?: number; length?: number; signal?: AbortSignal },
  ): AsyncIterable<Uint8Array>;
  /** Reads a whole file into memory: for small content only (records, key bundles); use `cat` for large files. */
  catBytes(cid: string, options?: { signal?: AbortSignal }): Promise<Uint8Array>;
  /** Pins a CID (recursively by default) so garbage collection keeps it. */
  pin(cid: string, options?: { recursive?: boolean; signal?: AbortSignal }): Promise<void>;
  /** Removes a pin. */
  unpin(cid: string, options?: { recursive?: boolean; signal?: AbortSignal }): Promise<void>;
}

/** Options for {@link createContentClient}. */
export interface ContentClientOptions {
  /** Kubo RPC base URL, e.g. `http://127.0.0.1:5001` (the devnet's `ipfs` URL). */
  url: string;
  /** Extra request headers (e.g. an `Authorization` header for a cluster proxy). */
  headers?: Record<string, string>;
  /** Request timeout in milliseconds. Default: none. */
  timeoutMs?: number;
}

const optionsSchema = z.object({
  url: z.string().url(),
  headers: z.record(z.string(), z.string()).optional(),
  timeoutMs: z.number().int().positive().optional(),
});

const addSchema = z.object({
  cidVersion: z.union([z.literal(0), z.literal(1)]).optional(),
  rawLeaves: z.boolean().optional(),
  chunkSize: z.number().int().min(1).max(1_048_576).optional(),
  trickle: z.boolean().optional(),
  onlyHash: z.boolean().optional(),
  pin: z.boolean().optional(),
});

function parseCid(cid: string): CID {
  try {
    return CID.parse(cid.replace(/^\/ipfs\//, '').split('/')[0] ?? '');
  } catch (cause) {
    throw new AidocError('INVALID_INPUT', `Not a CID: "${cid}".`, {
      details: 'Pass a CIDv0 (Qm…) or CIDv1 (bafy…/bafk…) string.',
      cause,
    });
  }
}

/** Turns a kubo-rpc-client failure into an AidocError with a stable code. */
function toAidocError(error: unknown, action: string): AidocError {
  if (AidocError.is(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  const status = (error as { response?: { status?: number } }).response?.status;
  if (/could not find|not found|no link named|not pinned/i.test(message)) {
    return new AidocError('NOT_FOUND', `${action}: ${message}`, { cause: error });
  }
  if (status === 400) return new AidocError('INVALID_PARAMS', `${action}: ${message}`, { cause: error });
  if (status === undefined || (error as { name?: string }).name === 'TypeError') {
    return new AidocError('NETWORK', `${action}: the IPFS API is unreachable (${message}).`, {
      details: 'Check the URL (the devnet prints it as "ipfs"; Kubo listens on port 5001).',
      cause: error,
    });
  }
  if ((error as { name?: string }).name === 'TimeoutError') {
    return new AidocError('TIMEOUT', `${action}: the IPFS API did not answer in time.`, { cause: error });
  }
  return new AidocError('INTERNAL', `${action}: ${message}`, { cause: error });
}

/**
 * Creates a content client over `kubo-rpc-client`: the same code adds, reads and pins content on the AIDOC
 * devnet and on a real Kubo node, with identical CIDs.
 *
 * @example
 * ```ts
 * const content = createContentClient({ url: devnet.ipfsUrl });
 * const { cid } = await content.add('hello world'); // Qmf412jQZiuVUtdgnB36FXFX7xg5V6KEbSJ4dpQuhkLyfD
 * const bytes = await content.catBytes(cid);
 * ```
 */
export function createContentClient(options: ContentClientOptions): ContentClient {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    throw new AidocError('INVALID_INPUT', 'Invalid content client options.', {
      details: parsed.error.message,
    });
  }
  const kubo: KuboRPCClient = create({
    url: options.url,
    ...(options.headers ? { headers: options.headers } : {}),
    ...(options.timeoutMs ? { timeout: options.timeoutMs } : {}),
  });

  return {
    async add(data, addOptions = {}) {
      const checked = addSchema.safeParse(addOptions);
      if (!checked.success) {
        throw new AidocError('INVALID_INPUT', 'Invalid add options.', { details: checked.error.message });
      }
      const content = typeof data === 'string' ? new TextEncoder().encode(data) : data;
      try {
        const result = await kubo.add(content, {
          ...(addOptions.cidVersion !== undefined ? { cidVersion: addOptions.cidVersion } : {}),
          ...(addOptions.rawLeaves !== undefined ? { rawLeaves: addOptions.rawLeaves } : {}),
          ...(addOptions.chunkSize !== undefined ? { chunker: `size-${addOptions.chunkSize}` } : {}),
          ...(addOptions.trickle !== undefined ? { trickle: addOptions.trickle } : {}),
          ...(addOptions.onlyHash !== undefined ? { onlyHash: addOptions.onlyHash } : {}),
          ...(addOptions.pin !== undefined ? { pin: addOptions.pin } : {}),
          ...(addOptions.onProgress ? { progress: (bytes: number) => addOptions.onProgress?.(bytes) } : {}),
          ...(addOptions.signal ? { signal: addOptions.signal } : {}),
        });
        return { cid: result.cid.toString(), size: result.size };
      } catch (error) {
        throw toAidocError(error, 'add failed');
      }
    },
    async *cat(cid, catOptions = {}) {
      const path = parseCid(cid);
      try {
        yield* kubo.cat(cid.startsWith('/ipfs/') || cid.includes('/') ? cid : path, {
          ...(catOptions.offset !== undefined ? { offset: catOptions.offset } : {}),
          ...(catOptions.length !== undefined ? { length: catOptions.length } : {}),
          ...(catOptions.signal ? { signal: catOptions.signal } : {}),
        });
      } catch (error) {
        throw toAidocError(error, `cat ${cid} failed`);
      }
    },
    async catBytes(cid, catOptions = {}) {
      const parts: Uint8Array[] = [];
      let length = 0;
      for await (const part of this.cat(cid, catOptions)) {
        parts.push(part);
        length += part.byteLength;
      }
      const out = new Uint8Array(length);
      let at = 0;
      for (const part of parts) {
        out.set(part, at);
        at += part.byteLength;
      }
      return out;
    },
    async pin(cid, pinOptions = {}) {
      const parsedCid = parseCid(cid);
      try {
        await kubo.pin.add(parsedCid, {
          recursive: pinOptions.recursive ?? true,
          ...(pinOptions.signal ? { signal: pinOptions.signal } : {}),
        });
      } catch (error) {
        throw toAidocError(error, `pin ${cid} failed`);
      }
    },
    async unpin(cid, pinOptions = {}) {
      const parsedCid = parseCid(cid);
      try {
        await kubo.pin.rm(parsedCid, {
          recursive: pinOptions.recursive ?? true,
          ...(pinOptions.signal ? { signal: pinOptions.signal } : {}),
        });
      } catch (error) {
        throw toAidocError(error, `unpin ${cid} failed`);
      }
    },
  };
}
