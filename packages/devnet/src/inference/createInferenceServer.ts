import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AidocError } from '@aidoc/sdk/errors';
import { CID } from 'multiformats/cid';
import type { Address } from 'viem';
import type { ContentStore } from '../content/ContentStore';
import { readFileContent } from '../content/readFileContent';
import type { DevnetLogEvent } from '../types';
import { type CachedModel, createModelCache } from './createModelCache';
import type { OutputTensor } from './createOnnxWorker';
import { createOnnxWorker } from './createOnnxWorker';
import { createRegistryResolver, type ResolvedModel } from './createRegistryResolver';
import { emptyInferenceStats, type InferenceStats } from './InferenceStats';
import { encodeBinaryTensorData } from './oipBinaryTensorCodec';
import { encodeTensorData } from './oipTensorCodec';
import type { TensorSignature } from './readModelSignature';
import { validateInferRequest } from './validateInferRequest';

/** Options for {@link createInferenceServer}. */
export interface InferenceServerOptions {
  /** Interface to bind. Default `127.0.0.1`. */
  host?: string;
  /** Port; 0 picks a free one. Default 9000. */
  port?: number;
  /** EIP-1193 provider of the chain holding the ModelRegistry (the devnet's in-process provider). */
  provider: { request(args: { method: string; params?: unknown }): Promise<unknown> };
  /** ModelRegistry address. */
  registry: Address;
  /** Where ONNX files are read by CID. */
  content: ContentStore;
  /** Structured log sink. */
  logger?: ((event: DevnetLogEvent) => void) | undefined;
  /** Memory cap of loaded sessions, counted as ONNX file bytes. Default 512 MiB. */
  maxLoadedBytes?: number;
  /** Largest ONNX file the server loads. Default 256 MiB. */
  maxModelBytes?: number;
  /** Largest request body. Default 16 MiB (larger bodies get 413). */
  maxBodyBytes?: number;
  /**
   * Most rows stacked into one run of a batchable model. Default 256: while a run is on the worker thread,
   * the requests that arrive queue up and go together in the next one.
   */
  maxBatchSize?: number;
  /** Most input bytes stacked into one run (a larger request runs alone). Default 16 MiB. */
  maxBatchBytes?: number;
  /** How long a queued request waits for others to batch with; 0 = the next event-loop turn. Default 0. */
  maxQueueDelayMs?: number;
  /** onnxruntime intra-op threads per session. Default: onnxruntime's choice. */
  intraOpNumThreads?: number;
}

/** A running OIP v2 inference server. */
export interface InferenceServer {
  /** Base URL, `http://host:port` (endpoints under `/v2/`). */
  url: string;
  port: number;
  /** A snapshot of the server's counters. */
  stats(): InferenceStats;
  /** Stops listening, drops connections and releases every session. Idempotent. */
  close(): Promise<void>;
}

const SERVER_NAME = 'aidoc-devnet-inference';
const SERVER_VERSION = '0.1.0';
const ROUTE = /^\/v2\/models\/([^/]+)(?:\/versions\/([^/]+))?(?:\/(ready|infer))?$/;

/** An OIP error: HTTP status and the `{ "error": message }` body. */
class OipError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/**
 * Where the JSON ends in an infer request body: the `Inference-Header-Content-Length` header of the binary
 * tensor data extension (the rest of the body is binary tensor data), or the whole body without it.
 */
function jsonLengthOf(header: string | string[] | undefined, bodyLength: number): number {
  if (header === undefined) return bodyLength;
  const text = Array.isArray(header) ? header.join(', ') : header.trim();
  if (!/^\d+$/.test(text))
    throw new OipError(400, `Inference-Header-Content-Length must be a non-negative integer, got "${text}"`);
  const length = Number(text);
  if (length > bodyLength)
    throw new OipError(
      400,
      `Inference-Header-Content-Length is ${text} bytes, longer than the ${bodyLength}-byte request body`,
    );
  return length;
}

/**
 * Sends an infer response: plain JSON, or (when some outputs are binary) the JSON followed by the binary
 * outputs in order, with `Inference-Header-Content-Length` giving the JSON's length.
 */
function sendInferResponse(
  res: ServerResponse,
  head: Record<string, unknown>,
  outputs: readonly OutputTensor[],
  datatypes: readonly TensorSignature[],
  binaryOutputs: readonly string[],
): void {
  const binary: Uint8Array[] = [];
  const entries = outputs.map((o) => {
    const entry = {
      name: o.name,
      datatype: datatypes.find((s) => s.name === o.name)?.datatype,
      shape: o.dims,
    };
    if (!binaryOutputs.includes(o.name))
      return {
        ...entry,
        data: encodeTensorData({ type: o.ortType as 'float32', data: o.data as Float32Array }),
      };
    const bytes = encodeBinaryTensorData({ type: o.ortType, data: o.data });
    binary.push(bytes);
    return { ...entry, parameters: { binary_data_size: bytes.byteLength } };
  });
  const body = { ...head, outputs: entries };
  if (binary.length === 0) {
    send(res, 200, body);
    return;
  }
  const json = Buffer.from(JSON.stringify(body), 'utf8');
  res.writeHead(200, {
    'Content-Type': 'application/octet-stream',
    'Inference-Header-Content-Length': json.byteLength,
    'Content-Length': binary.reduce((n, b) => n + b.byteLength, json.byteLength),
  });
  res.cork();
  res.write(json);
  for (const bytes of binary) res.write(bytes);
  res.end();
  res.uncork();
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    return Promise.reject(
      new OipError(413, `request body of ${declared} bytes exceeds the limit of ${limit} bytes`),
    );
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new OipError(413, `request body exceeds the limit of ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new OipError(400, `malformed URL segment "${segment}"`);
  }
}

function tensorMetadata(s: TensorSignature) {
  return { name: s.name, datatype: s.datatype, shape: s.shape.map((d) => (typeof d === 'number' ? d : -1)) };
}

/**
 * Starts an Open Inference Protocol v2 REST server (the KServe / Triton API) that resolves `name@version`
 * through the on-chain ModelRegistry, reads the ONNX file from the content store by CID, loads it once into
 * an onnxruntime-node session on a worker thread (LRU under a memory cap) and batches concurrent requests to a
 * model whose inputs share a dynamic first dimension. Speaks the binary tensor data extension (Triton's `binary_tensor_data`:
 * `Inference-Header-Content-Length`, `binary_data_size`, `binary_data`, `binary_data_output`). Errors use OIP's
 * `{ "error": "..." }` body.
 *
 * @example
 * ```ts
 * const inference = await createInferenceServer({
 *   port: 0, provider: devnet.provider, registry: devnet.contracts.ModelRegistry, content: devnet.content,
 * });
 * await fetch(`${inference.url}/v2/models/wdbc-classifier/versions/1.0.0/infer`, { method: 'POST', body });
 * await inference.close();
 * ```
 */
export async function createInferenceServer(options: InferenceServerOptions): Promise<InferenceServer> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 9000;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new AidocError(
      'INVALID_INPUT',
      `inference port must be an integer from 0 to 65535, got ${String(port)}`,
    );
  const limits = {
    maxBodyBytes: 1,
    maxModelBytes: 1,
    maxLoadedBytes: 1,
    maxBatchSize: 1,
    maxBatchBytes: 1,
    maxQueueDelayMs: 0,
    intraOpNumThreads: 1,
  } as const;
  for (const [name, min] of Object.entries(limits)) {
    const value = options[name as keyof typeof limits];
    if (value !== undefined && (!Number.isSafeInteger(value) || value < min))
      throw new AidocError(
        'INVALID_INPUT',
        `inference ${name} must be an integer of at least ${min}, got ${String(value)}`,
      );
  }
  const log = options.logger ?? (() => {});
  const maxBodyBytes = options.maxBodyBytes ?? 16 * 2 ** 20;
  const maxModelBytes = options.maxModelBytes ?? 256 * 2 ** 20;
  const stats = emptyInferenceStats();
  const resolver = createRegistryResolver(options.provider, options.registry);
  // Sessions run on their own thread: a slow model never stalls the devnet's JSON-RPC or consensus.
  const onnx = createOnnxWorker(
    options.intraOpNumThreads !== undefined ? { intraOpNumThreads: options.intraOpNumThreads } : {},
  );
  const cache = createModelCache({
    maxLoadedBytes: options.maxLoadedBytes ?? 512 * 2 ** 20,
    batching: {
      maxBatchSize: options.maxBatchSize ?? 256,
      maxBatchBytes: options.maxBatchBytes ?? 16 * 2 ** 20,
      maxQueueDelayMs: options.maxQueueDelayMs ?? 0,
    },
    stats,
    load: (bytes) => onnx.load(bytes),
    onEvent: (msg, fields) => log({ level: 'info', msg: `inference: ${msg}`, ...fields }),
  });

  async function resolve(name: string, version: string | undefined, cached = false): Promise<ResolvedModel> {
    const found = await resolver.resolve(name, version, { cached });
    if ('missing' in found) {
      throw new OipError(
        404,
        found.missing === 'model'
          ? `unknown model "${name}"`
          : `unknown version "${version ?? ''}" of model "${name}"`,
      );
    }
    return found;
  }

  async function readModelFile(model: ResolvedModel): Promise<Uint8Array> {
    let cid: CID;
    try {
      cid = CID.parse(model.cid);
    } catch {
      throw new OipError(500, `the registry entry of ${model.name}@${model.version} has an invalid CID`);
    }
    const parts: Uint8Array[] = [];
    let size = 0;
    try {
      for await (const part of readFileContent(options.content, cid)) {
        size += part.byteLength;
        if (size > maxModelBytes)
          throw new OipError(
            500,
            `${model.name}@${model.version} is larger than the ${maxModelBytes}-byte model limit`,
          );
        parts.push(part);
      }
    } catch (error) {
      if (error instanceof OipError) throw error;
      throw new OipError(
        500,
        `the ONNX file of ${model.name}@${model.version} (${model.cid}) is not in this devnet's content store`,
      );
    }
    return Buffer.concat(parts);
  }

  async function load(model: ResolvedModel): Promise<CachedModel> {
    if (model.cid === '') {
      throw new OipError(
        404,
        `${model.name}@${model.version} is an AI-API model served at ${model.endpoint}; send inference requests there`,
      );
    }
    try {
      return await cache.get(model.cid, () => readModelFile(model));
    } catch (error) {
      if (error instanceof OipError) throw error;
      throw new OipError(500, `${model.name}@${model.version} failed to load: ${(error as Error).message}`);
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://inference');
    const path = url.pathname.replace(/\/+$/, '');
    const method = req.method ?? 'GET';
    const expect = (allowed: string) => {
      if (method !== allowed) throw new OipError(405, `${method} is not allowed on ${path}; use ${allowed}`);
    };
    if (path === '/v2') {
      expect('GET');
      return send(res, 200, {
        name: SERVER_NAME,
        version: SERVER_VERSION,
        extensions: ['binary_tensor_data'],
      });
    }
    if (path === '/v2/health/live' || path === '/v2/health/ready') {
      expect('GET');
      return send(res, 200, path.endsWith('live') ? { live: true } : { ready: true });
    }
    const match = ROUTE.exec(path);
    if (!match) throw new OipError(404, `no such endpoint: ${method} ${path}`);
    const name = decodeSegment(match[1] as string);
    const version = match[2] !== undefined ? decodeSegment(match[2]) : undefined;
    const action = match[3];
    if (action === 'infer') {
      expect('POST');
      // Inference needs only the version's CID, which never changes: no chain read once it is known.
      const model = await resolve(name, version, true);
      const raw = await readBody(req, maxBodyBytes);
      // Binary tensor data extension: the first N bytes are the JSON, the rest binary tensor data.
      const jsonLength = jsonLengthOf(req.headers['inference-header-content-length'], raw.byteLength);
      let body: unknown;
      try {
        body = JSON.parse(raw.toString('utf8', 0, jsonLength));
      } catch (error) {
        throw new OipError(400, `malformed JSON in the request body: ${(error as Error).message}`);
      }
      const loaded = await load(model);
      const request = validateInferRequest(
        body,
        loaded.model.inputs,
        loaded.model.outputs,
        raw.subarray(jsonLength),
      );
      if (typeof request === 'string') throw new OipError(400, request);
      let outputs: Awaited<ReturnType<typeof loaded.runner.run>>;
      try {
        outputs = await loaded.runner.run(request);
      } catch (error) {
        throw new OipError(500, `inference failed: ${(error as Error).message}`);
      }
      stats.inferences++;
      return sendInferResponse(
        res,
        {
          model_name: model.name,
          model_version: model.version,
          ...(request.id !== undefined ? { id: request.id } : {}),
        },
        outputs,
        loaded.model.outputs,
        request.binaryOutputs,
      );
    }
    expect('GET');
    const model = await resolve(name, version);
    if (action === 'ready') {
      await load(model);
      return send(res, 200, { name: model.name, version: model.version, ready: true });
    }
    const loaded = await load(model);
    return send(res, 200, {
      name: model.name,
      versions: model.versions,
      platform: 'onnxruntime_onnx',
      inputs: loaded.model.inputs.map(tensorMetadata),
      outputs: loaded.model.outputs.map(tensorMetadata),
    });
  }

  const server = createServer((req, res) => {
    stats.requests++;
    handle(req, res).catch((error: unknown) => {
      stats.errors++;
      const status = error instanceof OipError ? error.status : 500;
      const message =
        error instanceof OipError ? error.message : `internal error: ${(error as Error)?.message}`;
      log({
        level: status >= 500 ? 'warn' : 'debug',
        msg: 'inference error',
        status,
        error: message,
        url: req.url,
      });
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (status === 413) res.setHeader('Connection', 'close');
      send(res, status, { error: message });
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((done, fail) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      fail(
        error.code === 'EADDRINUSE'
          ? new AidocError('PORT_IN_USE', `inference port ${port} is in use`, {
              details: 'Pass --inference-port 0 for a free port, or stop the other server.',
              cause: error,
            })
          : error,
      ),
    );
    server.listen(port, host, () => done());
  });
  const bound = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${bound}`;
  log({ level: 'info', msg: 'inference server listening', url });
  let closed: Promise<void> | undefined;
  return {
    url,
    port: bound,
    stats: () => ({ ...stats }),
    close() {
      closed ??= (async () => {
        await new Promise<void>((done) => {
          server.close(() => done());
          server.closeAllConnections();
        });
        await cache.close();
        await onnx.close();
      })();
      return closed;
    },
  };
}
