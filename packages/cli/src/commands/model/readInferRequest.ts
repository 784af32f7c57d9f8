import { readFile } from 'node:fs/promises';
import type { InferInput, OipDatatype } from '@aidoc/sdk';
import { AidocError } from '@aidoc/sdk/errors';

/** An OIP v2 inference request as the CLI reads it: input tensors, and optionally an id and output names. */
export interface InferRequest {
  inputs: InferInput[];
  id?: string;
  outputs?: string[];
}

/** Largest request read from a file or stdin (the devnet server refuses bodies over 16 MiB by default). */
const MAX_REQUEST_BYTES = 64 * 1024 * 1024;

const requestHelp =
  'An OIP v2 request is JSON: {"inputs":[{"name":"features","shape":[1,30],"datatype":"FP32","data":[…]}]} (data flat or nested, row-major).';

function bad(message: string, cause?: unknown): AidocError {
  return new AidocError('INVALID_INPUT', message, { details: requestHelp, ...(cause ? { cause } : {}) });
}

/**
 * Read an Open Inference Protocol v2 request (`{ inputs, id?, outputs? }`, or a bare array of inputs) from a
 * JSON file or from stdin (`-`) and turn it into SDK input tensors. INT64/UINT64 values given as decimal
 * strings become bigints; nested data is flattened.
 *
 * @example
 * ```ts
 * const { inputs } = await readInferRequest('request.json');
 * await aidoc.models.infer('wdbc-classifier@1.0.0', inputs);
 * ```
 */
export async function readInferRequest(
  source: string,
  stdin: AsyncIterable<Uint8Array | string> = process.stdin,
): Promise<InferRequest> {
  const where = source === '-' ? 'stdin' : source;
  let text: string;
  try {
    text = source === '-' ? await readAll(stdin) : await readSmallFile(source);
  } catch (cause) {
    if (AidocError.is(cause)) throw cause;
    throw new AidocError('INVALID_INPUT', `Cannot read the inference request from ${where}.`, { cause });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw bad(`The inference request in ${where} is not valid JSON.`, cause);
  }
  return toInferRequest(parsed, where);
}

async function readSmallFile(path: string): Promise<string> {
  const data = await readFile(path);
  if (data.byteLength > MAX_REQUEST_BYTES) throw tooLarge(path);
  return data.toString('utf8');
}

async function readAll(stream: AsyncIterable<Uint8Array | string>): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk);
    size += buffer.byteLength;
    if (size > MAX_REQUEST_BYTES) throw tooLarge('stdin');
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function tooLarge(where: string): AidocError {
  return new AidocError('LIMIT_EXCEEDED', `The inference request in ${where} is larger than 64 MiB.`, {
    details: 'Send fewer rows per request.',
  });
}

function toInferRequest(parsed: unknown, where: string): InferRequest {
  const body = Array.isArray(parsed) ? { inputs: parsed } : parsed;
  if (typeof body !== 'object' || body === null)
    throw bad(`The inference request in ${where} is not an object.`);
  const { inputs, id, outputs } = body as { inputs?: unknown; id?: unknown; outputs?: unknown };
  if (!Array.isArray(inputs) || inputs.length === 0) {
    throw bad(`The inference request in ${where} has no "inputs" array.`);
  }
  if (id !== undefined && typeof id !== 'string') throw bad('"id" must be a string.');
  let outputNames: string[] | undefined;
  if (outputs !== undefined) {
    if (!Array.isArray(outputs)) throw bad('"outputs" must be an array of { "name": … }.');
    outputNames = outputs.map((o, i) => {
      const name = typeof o === 'string' ? o : (o as { name?: unknown } | null)?.name;
      if (typeof name !== 'string' || name === '') throw bad(`outputs[${i}] needs a "name".`);
      return name;
    });
  }
  return {
    inputs: inputs.map(toInferInput),
    ...(id !== undefined ? { id } : {}),
    ...(outputNames ? { outputs: outputNames } : {}),
  };
}

function toInferInput(raw: unknown, index: number): InferInput {
  if (typeof raw !== 'object' || raw === null) throw bad(`inputs[${index}] is not an object.`);
  const { name, shape, datatype, data } = raw as Record<string, unknown>;
  if (typeof name !== 'string' || name === '') throw bad(`inputs[${index}] needs a "name".`);
  if (!Array.isArray(shape)) throw bad(`Input "${name}" needs a "shape" array.`);
  if (typeof datatype !== 'string') throw bad(`Input "${name}" needs a "datatype" such as FP32 or INT64.`);
  if (!Array.isArray(data)) throw bad(`Input "${name}" needs a "data" array.`);
  const flat = data.flat(Number.POSITIVE_INFINITY) as unknown[];
  const wide = datatype === 'INT64' || datatype === 'UINT64';
  const values = wide ? flat.map((v) => (typeof v === 'string' && /^-?\d+$/.test(v) ? BigInt(v) : v)) : flat;
  // The SDK checks the datatype, the shape against the data length and every value.
  return {
    name,
    shape: shape as number[],
    datatype: datatype as OipDatatype,
    data: values as InferInput['data'],
  };
}
