import type { IncomingMessage, ServerResponse } from 'node:http';
import { AidocError } from '@aidoc/sdk/errors';
import * as dagCbor from '@ipld/dag-cbor';
import * as dagJson from '@ipld/dag-json';
import * as dagPb from '@ipld/dag-pb';
import type { UnixFSEntry } from 'ipfs-unixfs-exporter';
import { exporter } from 'ipfs-unixfs-exporter';
import { CID } from 'multiformats/cid';
import { sha256 } from 'multiformats/hashes/sha2';
import tar from 'tar-stream';
import { addContent } from './addContent';
import { RAW_CODE } from './blockLinks';
import type { ContentStore, PinType } from './ContentStore';
import type { PeerIdentity } from './createPeerIdentity';
import { sendKuboJson, startKuboStream, writeWithBackpressure } from './kuboResponses';
import { parseIpfsPath } from './parseIpfsPath';
import { parseKuboAddOptions, readBoolOption } from './parseKuboAddOptions';
import { readFileContent, recycleFileChunk } from './readFileContent';
import { readMultipartEntries } from './readMultipartEntries';

/** What a command handler receives. */
export interface KuboCommandContext {
  req: IncomingMessage;
  res: ServerResponse;
  params: URLSearchParams;
  store: ContentStore;
  identity: PeerIdentity;
}

/** One Kubo RPC command: reads `params`/`req`, writes the whole response (errors are thrown). */
export type KuboCommand = (ctx: KuboCommandContext) => Promise<void>;

/** The Kubo version whose RPC behaviour this server follows. */
export const KUBO_API_VERSION = '0.38.0';
/** Kubo's default `Datastore.StorageMax` (10 GB), reported by `repo/stat`. */
const STORAGE_MAX = 10_000_000_000;
/** Kubo refuses blocks over 1 MiB in `block/put` unless `allow-big-block` (`SoftBlockLimit`). */
const SOFT_BLOCK_LIMIT = 1_048_576;

const CODECS: Record<string, number> = {
  raw: RAW_CODE,
  'dag-pb': dagPb.code,
  'dag-cbor': dagCbor.code,
  'dag-json': dagJson.code,
};

function requiredArgs(params: URLSearchParams, name: string): string[] {
  const args = params.getAll('arg');
  if (args.length === 0) throw new AidocError('INVALID_PARAMS', `argument "${name}" is required`);
  return args;
}

function parseCidArg(arg: string): CID {
  const path = parseIpfsPath(arg);
  if (path.rest !== '')
    throw new AidocError('INVALID_INPUT', `invalid path "${arg}": expected a CID without a sub-path`);
  return path.cid;
}

/** Blocks for ipfs-unixfs-exporter, which reads each block as a stream of chunks. */
function readable(store: ContentStore) {
  return {
    async *get(cid: CID) {
      yield await store.get(cid);
    },
  };
}

async function resolveEntry(store: ContentStore, arg: string): Promise<UnixFSEntry> {
  const path = parseIpfsPath(arg);
  try {
    return await exporter(path.exporterPath, readable(store));
  } catch (error) {
    if (AidocError.is(error)) throw error;
    const name = (error as Error).name;
    if (name === 'NotFoundError') {
      throw new AidocError('NOT_FOUND', `no link named "${path.rest.split('/').pop()}" under ${path.cid}`, {
        cause: error,
      });
    }
    throw new AidocError('INVALID_INPUT', (error as Error).message, { cause: error });
  }
}

function contentOf(
  store: ContentStore,
  entry: UnixFSEntry,
  options: { offset?: bigint; length?: bigint } = {},
): AsyncIterable<Uint8Array> {
  if (entry.type === 'directory') throw new AidocError('INVALID_INPUT', 'this dag node is a directory');
  if (entry.type === 'object') throw new AidocError('INVALID_INPUT', 'this dag node is not a UnixFS file');
  if (entry.type === 'identity')
    return entry.content({
      offset: Number(options.offset ?? 0n),
      ...(options.length !== undefined ? { length: Number(options.length) } : {}),
    });
  // Our own pull-based reader: the exporter's file reader does not apply backpressure.
  return readFileContent(store, entry.cid, options);
}

function sizeOf(entry: UnixFSEntry): bigint {
  return entry.type === 'object' || entry.type === 'directory' ? 0n : entry.size;
}

async function ndjson(res: ServerResponse, value: unknown): Promise<void> {
  await writeWithBackpressure(res, `${JSON.stringify(value)}\n`);
}

const add: KuboCommand = async ({ req, res, params, store }) => {
  const options = parseKuboAddOptions(params);
  // The multipart reader hands on views of the request body's own buffers: they can move to the worker.
  const events = addContent(store, readMultipartEntries(req), options, { owned: true });
  for await (const event of events) {
    if (!res.headersSent) startKuboStream(res, 'ndjson');
    if (event.type === 'progress') await ndjson(res, { Name: event.name, Bytes: event.bytes });
    else await ndjson(res, { Name: event.name, Hash: event.cid.toString(), Size: String(event.size) });
  }
  if (!res.headersSent) startKuboStream(res, 'ndjson');
  res.end();
};

const cat: KuboCommand = async ({ res, params, store }) => {
  const args = requiredArgs(params, 'ipfs-path');
  const offset = Number(params.get('offset') ?? 0);
  const lengthParam = params.get('length');
  const length = lengthParam === null ? -1 : Number(lengthParam);
  if (!Number.isSafeInteger(offset) || offset < 0)
    throw new AidocError('INVALID_INPUT', `cannot specify negative offset`);
  if (!Number.isSafeInteger(length) || length < -1)
    throw new AidocError('INVALID_INPUT', `cannot specify negative length`);
  const entries: UnixFSEntry[] = [];
  for (const arg of args) {
    const entry = await resolveEntry(store, arg);
    contentOf(store, entry); // throws for directories before any output
    entries.push(entry);
  }
  const total = entries.reduce((sum, e) => sum + sizeOf(e), 0n);
  startKuboStream(res, 'bytes', { contentLength: total });
  // Like Kubo, offset and length apply to the concatenation of all the arguments.
  let skip = BigInt(offset);
  let left = length === -1 ? -1n : BigInt(length);
  for (const entry of entries) {
    if (left === 0n) break;
    const size = sizeOf(entry);
    if (skip >= size) {
      skip -= size;
      continue;
    }
    const want = left === -1n ? size - skip : left < size - skip ? left : size - skip;
    for await (const chunk of contentOf(store, entry, { offset: skip, length: want })) {
      // Once the socket has taken a chunk, its block's buffer goes back to the store for the next reads.
      await writeWithBackpressure(res, chunk, () => recycleFileChunk(store, chunk));
    }
    if (left !== -1n) left -= want;
    skip = 0n;
  }
  res.end();
};

const get: KuboCommand = async ({ res, params, store }) => {
  const [arg = ''] = requiredArgs(params, 'ipfs-path');
  if (readBoolOption(params, ['compress', 'C'])) {
    throw new AidocError('UNSUPPORTED', 'get --compress is not supported by this devnet');
  }
  const root = await resolveEntry(store, arg);
  const path = parseIpfsPath(arg);
  const rootName =
    path.rest === '' ? path.cid.toString() : (path.rest.split('/').pop() ?? path.cid.toString());
  const pack = tar.pack();
  startKuboStream(res, 'bytes');
  const piping = (async () => {
    for await (const chunk of pack) await writeWithBackpressure(res, chunk as Uint8Array);
  })();
  const mtime = new Date(0);
  const writeEntry = async (entry: UnixFSEntry, name: string): Promise<void> => {
    if (entry.type === 'directory') {
      pack.entry({ name, type: 'directory', mode: entry.unixfs.mode ?? 0o755, mtime });
      for await (const child of entry.entries()) {
        await writeEntry(await exporter(child.cid, readable(store)), `${name}/${child.name}`);
      }
      return;
    }
    const size = Number(sizeOf(entry));
    const mode = entry.type === 'file' ? (entry.unixfs.mode ?? 0o644) : 0o644;
    await new Promise<void>((resolve, reject) => {
      const sink = pack.entry({ name, type: 'file', size, mode, mtime }, (error) =>
        error ? reject(error) : resolve(),
      );
      (async () => {
        for await (const chunk of contentOf(store, entry)) {
          if (!sink.write(chunk)) await new Promise<void>((r) => sink.once('drain', () => r()));
        }
        (sink as unknown as { end(): void }).end();
      })().catch(reject);
    });
  };
  try {
    await writeEntry(root, rootName);
    pack.finalize();
  } catch (error) {
    pack.destroy(error as Error);
    await piping.catch(() => {});
    throw error;
  }
  await piping;
  res.end();
};

const blockGet: KuboCommand = async ({ res, params, store }) => {
  const [arg = ''] = requiredArgs(params, 'cid');
  const bytes = await store.get(parseCidArg(arg));
  startKuboStream(res, 'bytes', { contentLength: bytes.byteLength });
  await writeWithBackpressure(res, bytes);
  res.end();
};

const blockStat: KuboCommand = async ({ res, params, store }) => {
  const [arg = ''] = requiredArgs(params, 'cid');
  const cid = parseCidArg(arg);
  const bytes = await store.get(cid);
  sendKuboJson(res, { Key: cid.toString(), Size: bytes.byteLength });
};

function blockPutCodec(params: URLSearchParams): { code: number; version: 0 | 1 } {
  const format = params.get('format');
  if (format !== null && format !== '') {
    // Legacy `--format`: v0/protobuf give CIDv0 dag-pb, cbor gives dag-cbor, others name a codec.
    if (format === 'v0' || format === 'protobuf') return { code: dagPb.code, version: 0 };
    const code = CODECS[format === 'cbor' ? 'dag-cbor' : format];
    if (code === undefined) throw new AidocError('UNSUPPORTED', `unsupported block format "${format}"`);
    return { code, version: 1 };
  }
  const name = params.get('cid-codec') || 'raw';
  const code = CODECS[name];
  if (code === undefined) throw new AidocError('UNSUPPORTED', `unsupported cid-codec "${name}"`);
  return { code, version: 1 };
}

const blockPut: KuboCommand = async ({ req, res, params, store }) => {
  const { code, version } = blockPutCodec(params);
  const mhtype = params.get('mhtype') || 'sha2-256';
  if (mhtype !== 'sha2-256')
    throw new AidocError('UNSUPPORTED', `unsupported mhtype "${mhtype}": sha2-256 only`);
  const allowBig = readBoolOption(params, ['allow-big-block']) ?? false;
  const pin = readBoolOption(params, ['pin']) ?? false;
  const results: Array<{ Key: string; Size: number }> = [];
  await store.withGcHeld(async () => {
    for await (const entry of readMultipartEntries(req)) {
      if (entry.content === undefined) continue;
      const chunks: Uint8Array[] = [];
      let size = 0;
      for await (const chunk of entry.content) {
        size += chunk.byteLength;
        if (size > SOFT_BLOCK_LIMIT && !allowBig) {
          throw new AidocError(
            'LIMIT_EXCEEDED',
            `produced block is over 1MiB: big blocks can't be exchanged with other peers. consider using UnixFS for automatic chunking of bigger files, or pass --allow-big-block to override`,
          );
        }
        chunks.push(chunk);
      }
      const bytes = Buffer.concat(chunks, size);
      const digest = await sha256.digest(bytes);
      const cid = version === 0 ? CID.createV0(digest) : CID.createV1(code, digest);
      await store.put(cid, new Uint8Array(bytes));
      if (pin) await store.pin(cid, { recursive: true });
      results.push({ Key: cid.toString(), Size: size });
    }
  });
  startKuboStream(res, 'ndjson');
  for (const result of results) await ndjson(res, result);
  res.end();
};

const pinAdd: KuboCommand = async ({ res, params, store }) => {
  const args = requiredArgs(params, 'ipfs-path');
  const recursive = readBoolOption(params, ['recursive', 'r']) ?? true;
  const pinned: string[] = [];
  for (const arg of args) {
    const cid = parseCidArg(arg);
    try {
      await store.pin(cid, { recursive });
    } catch (error) {
      if (AidocError.is(error))
        throw new AidocError(error.code, `pin: ${error.shortMessage}`, { cause: error });
      throw error;
    }
    pinned.push(cid.toString());
  }
  sendKuboJson(res, { Pins: pinned });
};

const pinRm: KuboCommand = async ({ res, params, store }) => {
  const args = requiredArgs(params, 'ipfs-path');
  const recursive = readBoolOption(params, ['recursive', 'r']) ?? true;
  const removed: string[] = [];
  for (const arg of args) {
    const cid = parseCidArg(arg);
    await store.unpin(cid, { recursive });
    removed.push(cid.toString());
  }
  sendKuboJson(res, { Pins: removed });
};

const PIN_TYPES = ['direct', 'indirect', 'recursive', 'all'] as const;

const pinLs: KuboCommand = async ({ res, params, store }) => {
  const type = (params.get('type') || 'all') as PinType | 'all';
  if (!PIN_TYPES.includes(type)) {
    throw new AidocError(
      'INVALID_INPUT',
      `invalid type '${type}', must be one of {direct, indirect, recursive, all}`,
    );
  }
  const stream = readBoolOption(params, ['stream', 's']) ?? false;
  const found: Array<{ cid: string; type: PinType }> = [];
  const args = params.getAll('arg');
  if (args.length > 0) {
    for (const arg of args) {
      const cid = parseCidArg(arg);
      const pinType = await store.pinTypeOf(cid);
      if (pinType === undefined || (type !== 'all' && type !== pinType)) {
        throw new AidocError('NOT_FOUND', `path '${arg}' is not pinned`);
      }
      found.push({ cid: cid.toString(), type: pinType });
    }
  } else if (stream) {
    startKuboStream(res, 'ndjson');
    for await (const pin of store.pins({ type }))
      await ndjson(res, { Cid: pin.cid.toString(), Name: '', Type: pin.type });
    res.end();
    return;
  } else {
    for await (const pin of store.pins({ type })) found.push({ cid: pin.cid.toString(), type: pin.type });
  }
  if (stream) {
    startKuboStream(res, 'ndjson');
    for (const pin of found) await ndjson(res, { Cid: pin.cid, Name: '', Type: pin.type });
    res.end();
    return;
  }
  sendKuboJson(res, { Keys: Object.fromEntries(found.map((p) => [p.cid, { Type: p.type, Name: '' }])) });
};

function decodeNode(cid: CID, bytes: Uint8Array): unknown {
  switch (cid.code) {
    case dagPb.code:
      return dagPb.decode(bytes);
    case dagCbor.code:
      return dagCbor.decode(bytes);
    case dagJson.code:
      return dagJson.decode(bytes);
    case RAW_CODE:
      return bytes;
    default:
      throw new AidocError(
        'UNSUPPORTED',
        `no decoder registered for multicodec code ${cid.code} (0x${cid.code.toString(16)})`,
      );
  }
}

const dagGet: KuboCommand = async ({ res, params, store }) => {
  const [arg = ''] = requiredArgs(params, 'ref');
  const path = parseIpfsPath(arg);
  let cid = path.cid;
  let node = decodeNode(cid, await store.get(cid));
  let atPbRoot = cid.code === dagPb.code;
  for (const segment of path.rest.split('/').filter((s) => s !== '')) {
    let next: unknown;
    if (atPbRoot && segment !== 'Links' && segment !== 'Data') {
      // dag-pb: a segment names a link, as in `ipfs dag get <dir>/<file>`.
      next = (node as dagPb.PBNode).Links.find((l) => l.Name === segment)?.Hash;
    } else if (node !== null && typeof node === 'object' && segment in (node as Record<string, unknown>)) {
      next = (node as Record<string, unknown>)[segment];
    }
    if (next === undefined) throw new AidocError('NOT_FOUND', `no link named "${segment}" under ${cid}`);
    const link = CID.asCID(next);
    if (link) {
      cid = link;
      node = decodeNode(cid, await store.get(cid));
      atPbRoot = cid.code === dagPb.code;
    } else {
      node = next;
      atPbRoot = false;
    }
  }
  const outputCodec = params.get('output-codec') || 'dag-json';
  let out: Uint8Array;
  if (outputCodec === 'dag-json') out = dagJson.encode(node);
  else if (outputCodec === 'dag-cbor') out = dagCbor.encode(node);
  else if (outputCodec === 'raw' && node instanceof Uint8Array) out = node;
  else throw new AidocError('UNSUPPORTED', `unsupported output-codec "${outputCodec}"`);
  startKuboStream(res, 'bytes');
  await writeWithBackpressure(res, out);
  res.end();
};

const repoGc: KuboCommand = async ({ res, store }) => {
  let started = false;
  for await (const cid of store.gc()) {
    if (!started) startKuboStream(res, 'ndjson');
    started = true;
    await ndjson(res, { Key: { '/': cid.toString() } });
  }
  if (!started) startKuboStream(res, 'ndjson');
  res.end();
};

const repoStat: KuboCommand = async ({ res, params, store }) => {
  const stat = await store.stat();
  if (readBoolOption(params, ['size-only'])) {
    sendKuboJson(res, { RepoSize: stat.repoSize, StorageMax: STORAGE_MAX });
    return;
  }
  sendKuboJson(res, {
    RepoSize: stat.repoSize,
    StorageMax: STORAGE_MAX,
    NumObjects: stat.numObjects,
    RepoPath: store.location,
    Version: 'fs-repo@16',
  });
};

const version: KuboCommand = async ({ res }) => {
  sendKuboJson(res, {
    Version: KUBO_API_VERSION,
    Commit: 'aidoc-devnet',
    Repo: '16',
    System: `${process.arch === 'x64' ? 'amd64' : process.arch}/${process.platform}`,
    Golang: `node${process.versions.node}`,
  });
};

const id: KuboCommand = async ({ res, params, identity }) => {
  const [peer] = params.getAll('arg');
  if (peer !== undefined && peer !== identity.id) {
    throw new AidocError('NOT_FOUND', `peer ${peer} not found: the devnet content store has no swarm`);
  }
  sendKuboJson(res, {
    ID: identity.id,
    PublicKey: identity.publicKey,
    Addresses: [],
    AgentVersion: `kubo/${KUBO_API_VERSION}/aidoc-devnet`,
    Protocols: [],
  });
};

/** The Kubo RPC commands this server implements, by path below `/api/v0/`. */
export const kuboRpcCommands: Record<string, KuboCommand> = {
  add,
  cat,
  get,
  'block/get': blockGet,
  'block/put': blockPut,
  'block/stat': blockStat,
  'pin/add': pinAdd,
  'pin/rm': pinRm,
  'pin/ls': pinLs,
  'dag/get': dagGet,
  'repo/gc': repoGc,
  'repo/stat': repoStat,
  version,
  id,
};
