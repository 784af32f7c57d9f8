import { z } from 'zod';
import type { AidocErrorCode } from '../errors';
import { AidocError } from '../errors';
import {
  decodeBinaryInferOutput,
  decodeInferOutput,
  encodeBinaryInferInput,
  encodeInferInput,
  type InferInput,
  type InferOutput,
  type OipDatatype,
} from './InferTensor';

/** An input or output as an OIP server describes it (-1 marks a dynamic dimension). */
export interface OipTensorMetadata {
  name: string;
  datatype: OipDatatype;
  shape: number[];
}

/** OIP v2 model metadata. */
export interface OipModelMetadata {
  name: string;
  versions?: string[];
  platform: string;
  inputs: OipTensorMetadata[];
  outputs: OipTensorMetadata[];
}

/** Options of one inference request. */
export interface InferRequestOptions {
  /** Request id, echoed by the server. */
  id?: string;
  /** Output names to return (default: all). */
  outputs?: readonly string[];
  /**
   * Send inputs and ask for outputs as raw little-endian bytes (the binary tensor data extension of Triton and
   * the devnet; `GET /v2` lists it as `binary_tensor_data`) instead of JSON numbers: far less work on both
   * sides for large tensors. Servers without the extension (KServe's Python runtime, MLServer) refuse it.
   * Default false.
   */
  binary?: boolean;
  signal?: AbortSignal;
}

/** An OIP v2 inference response, outputs decoded. */
export interface InferResponse {
  modelName: string;
  modelVersion: string | undefined;
  id: string | undefined;
  outputs: InferOutput[];
}

/** A client of any Open Inference Protocol v2 REST server (the devnet, Triton, KServe, Seldon MLServer). */
export interface InferenceClient {
  readonly url: string;
  /**
   * Whether the server is live (`GET /v2/health/live`).
   *
   * @example
   * ```ts
   * if (await inference.live()) console.log('up');
   * ```
   */
  live(): Promise<boolean>;
  /**
   * Whether the server is ready (`GET /v2/health/ready`).
   *
   * @example
   * ```ts
   * await inference.ready();
   * ```
   */
  ready(): Promise<boolean>;
  /**
   * Whether a model (version) is ready to serve (`GET /v2/models/{name}[/versions/{v}]/ready`); false when unknown.
   *
   * @example
   * ```ts
   * await inference.modelReady('wdbc-classifier', '1.0.0');
   * ```
   */
  modelReady(name: string, version?: string): Promise<boolean>;
  /**
   * A model's metadata: inputs and outputs with datatypes and shapes.
   *
   * @example
   * ```ts
   * const { inputs } = await inference.metadata('wdbc-classifier', '1.0.0');
   * ```
   */
  metadata(name: string, version?: string): Promise<OipModelMetadata>;
  /**
   * Runs inference (`POST /v2/models/{name}[/versions/{v}]/infer`) with typed tensors in and out.
   *
   * @example
   * ```ts
   * const { outputs } = await inference.infer('wdbc-classifier', '1.0.0', [
   *   { name: 'features', shape: [1, 30], data: new Float32Array(row) },
   * ]);
   * ```
   */
  infer(
    name: string,
    version: string | undefined,
    inputs: readonly InferInput[],
    options?: InferRequestOptions,
  ): Promise<InferResponse>;
}

/** Options for {@link createInferenceClient}. */
export interface InferenceClientOptions {
  /** Base URL of the OIP server, e.g. `http://127.0.0.1:9000` (the devnet's `inference` URL). */
  url: string;
  /** Extra headers (e.g. `Authorization` for a hosted endpoint). */
  headers?: Record<string, string>;
  /** Per-request timeout in milliseconds. Default 60000. */
  timeoutMs?: number;
}

const optionsSchema = z
  .object({
    url: z.string().regex(/^https?:\/\/[^\s]+$/, 'an http(s):// URL'),
    headers: z.record(z.string(), z.string()).optional(),
    timeoutMs: z.number().int().positive().optional(),
  })
  .strict();

function statusCode(status: number): AidocErrorCode {
  if (status === 400 || status === 422) return 'INVALID_INPUT';
  if (status === 404) return 'NOT_FOUND';
  if (status === 413) return 'LIMIT_EXCEEDED';
  if (status === 401 || status === 403) return 'UNAUTHORIZED';
  if (status === 501 || status === 405) return 'UNSUPPORTED';
  return 'INTERNAL';
}

/**
 * Creates a client of an Open Inference Protocol v2 REST server over `fetch` (undici in Node). The same code
 * runs against the devnet's inference server and a production Triton or KServe deployment.
 *
 * @example
 * ```ts
 * const inference = createInferenceClient({ url: 'http://127.0.0.1:9000' });
 * const { outputs } = await inference.infer('ecg200-classifier', '1.0.0', [
 *   { name: 'heartbeat', shape: [1, 96], data: new Float32Array(beat) },
 * ]);
 * ```
 */
export function createInferenceClient(options: InferenceClientOptions): InferenceClient {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    throw new AidocError('INVALID_INPUT', 'Invalid inference client options.', {
      details: parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '),
    });
  }
  const base = options.url.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 60_000;

  function modelPath(name: string, version: string | undefined): string {
    if (typeof name !== 'string' || name === '')
      throw new AidocError('INVALID_INPUT', 'A model name is required.');
    return `/v2/models/${encodeURIComponent(name)}${version !== undefined ? `/versions/${encodeURIComponent(version)}` : ''}`;
  }

  /** The JSON part of a binary tensor data body is announced in this header (Triton's extension). */
  const HEADER_LENGTH = 'inference-header-content-length';

  async function call(
    method: 'GET' | 'POST',
    path: string,
    body?: { json: unknown; binary?: readonly Uint8Array[] },
    signal?: AbortSignal,
  ): Promise<{ status: number; json: unknown; binary: Uint8Array | undefined }> {
    const timeout = AbortSignal.timeout(timeoutMs);
    let payload: string | Uint8Array | undefined;
    const headers: Record<string, string> = {};
    if (body?.binary) {
      const head = new TextEncoder().encode(JSON.stringify(body.json));
      const bytes = new Uint8Array(body.binary.reduce((n, b) => n + b.byteLength, head.byteLength));
      bytes.set(head, 0);
      let at = head.byteLength;
      for (const b of body.binary) {
        bytes.set(b, at);
        at += b.byteLength;
      }
      payload = bytes;
      headers['Content-Type'] = 'application/octet-stream';
      headers['Inference-Header-Content-Length'] = String(head.byteLength);
    } else if (body !== undefined) {
      payload = JSON.stringify(body.json);
      headers['Content-Type'] = 'application/json';
    }
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, {
        method,
        headers: { ...headers, ...options.headers },
        ...(payload !== undefined ? { body: payload } : {}),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (error) {
      if (timeout.aborted)
        throw new AidocError('TIMEOUT', `${method} ${path}: no answer within ${timeoutMs} ms.`, {
          cause: error,
        });
      throw new AidocError('NETWORK', `${method} ${path}: the inference server at ${base} is unreachable.`, {
        details:
          'Check the URL (the devnet prints it as "inference"; Triton and KServe listen on 8000 or 8080).',
        cause: error,
      });
    }
    const raw = new Uint8Array(await response.arrayBuffer());
    const announced = response.headers.get(HEADER_LENGTH);
    const jsonLength = announced === null ? raw.byteLength : Number(announced);
    if (!Number.isSafeInteger(jsonLength) || jsonLength < 0 || jsonLength > raw.byteLength)
      throw new AidocError('INTERNAL', `${method} ${path}: the server sent a bad ${HEADER_LENGTH} header.`);
    const text = new TextDecoder().decode(raw.subarray(0, jsonLength));
    let json: unknown;
    try {
      json = text === '' ? {} : JSON.parse(text);
    } catch {
      json = { error: text.slice(0, 500) };
    }
    return {
      status: response.status,
      json,
      binary: announced === null ? undefined : raw.subarray(jsonLength),
    };
  }

  /** The outputs of an infer response, JSON ones decoded in place and binary ones cut from `binary` in order. */
  function decodeOutputs(path: string, outputs: unknown[], binary: Uint8Array | undefined): InferOutput[] {
    let at = 0;
    const decoded = outputs.map((output) => {
      const size = (output as { parameters?: { binary_data_size?: unknown } })?.parameters?.binary_data_size;
      if (size === undefined) return decodeInferOutput(output);
      if (
        typeof size !== 'number' ||
        !Number.isSafeInteger(size) ||
        size < 0 ||
        !binary ||
        at + size > binary.byteLength
      )
        throw new AidocError('INTERNAL', `POST ${path}: a binary output does not fit the response body.`);
      const slice = binary.subarray(at, at + size);
      at += size;
      return decodeBinaryInferOutput(output, slice);
    });
    if (binary && at !== binary.byteLength)
      throw new AidocError(
        'INTERNAL',
        `POST ${path}: the response has ${binary.byteLength - at} unclaimed bytes.`,
      );
    return decoded;
  }

  function fail(method: string, path: string, status: number, json: unknown): AidocError {
    const message = (json as { error?: unknown })?.error;
    return new AidocError(
      statusCode(status),
      `${method} ${path} failed (${status}): ${typeof message === 'string' ? message : 'no error message'}`,
      { data: { status, ...(typeof message === 'string' ? { error: message } : {}) } },
    );
  }

  async function healthy(path: string): Promise<boolean> {
    const { status } = await call('GET', path);
    return status === 200;
  }

  return {
    url: base,
    live: () => healthy('/v2/health/live'),
    ready: () => healthy('/v2/health/ready'),
    async modelReady(name, version) {
      const path = `${modelPath(name, version)}/ready`;
      const { status } = await call('GET', path);
      return status === 200;
    },
    async metadata(name, version) {
      const path = modelPath(name, version);
      const { status, json } = await call('GET', path);
      if (status !== 200) throw fail('GET', path, status, json);
      return json as OipModelMetadata;
    },
    async infer(name, version, inputs, requestOptions = {}) {
      if (!Array.isArray(inputs) || inputs.length === 0)
        throw new AidocError('INVALID_INPUT', 'infer needs at least one input tensor.');
      const path = `${modelPath(name, version)}/infer`;
      const binary = requestOptions.binary === true;
      const encoded = binary ? inputs.map(encodeBinaryInferInput) : undefined;
      const json = {
        ...(requestOptions.id !== undefined ? { id: requestOptions.id } : {}),
        inputs: encoded ? encoded.map((e) => e.json) : inputs.map(encodeInferInput),
        ...(requestOptions.outputs
          ? {
              outputs: requestOptions.outputs.map((n) =>
                binary ? { name: n, parameters: { binary_data: true } } : { name: n },
              ),
            }
          : {}),
        ...(binary ? { parameters: { binary_data_output: true } } : {}),
      };
      const reply = await call(
        'POST',
        path,
        { json, ...(encoded ? { binary: encoded.map((e) => e.bytes) } : {}) },
        requestOptions.signal,
      );
      if (reply.status !== 200) throw fail('POST', path, reply.status, reply.json);
      const r = reply.json as {
        model_name?: unknown;
        model_version?: unknown;
        id?: unknown;
        outputs?: unknown;
      };
      if (!Array.isArray(r.outputs))
        throw new AidocError('INTERNAL', `POST ${path}: the response has no outputs array.`);
      return {
        modelName: typeof r.model_name === 'string' ? r.model_name : name,
        modelVersion: typeof r.model_version === 'string' ? r.model_version : version,
        id: typeof r.id === 'string' ? r.id : undefined,
        outputs: decodeOutputs(path, r.outputs, reply.binary),
      };
    },
  };
}
