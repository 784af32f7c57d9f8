import { binaryElementSize, decodeBinaryTensorData } from './oipBinaryTensorCodec';
import { decodeTensorData, type TensorValues } from './oipTensorCodec';
import type { TensorSignature } from './readModelSignature';

/** One validated input, ready for onnxruntime. */
export interface ValidInput {
  name: string;
  ortType: string;
  dims: number[];
  values: TensorValues;
}

/** A validated OIP inference request. */
export interface ValidInferRequest {
  id: string | undefined;
  inputs: ValidInput[];
  /** Requested output names (all outputs when the request names none). */
  outputs: string[];
  /** The requested outputs to return as binary tensor data (a subset of `outputs`). */
  binaryOutputs: string[];
}

/** Largest tensor (elements) one request may carry. */
const MAX_ELEMENTS = 1 << 26;

/** A `parameters` object (absent = empty), or undefined when it is not a JSON object. */
function parametersOf(value: unknown): Record<string, unknown> | undefined {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  return value as Record<string, unknown>;
}

/**
 * Checks an OIP v2 inference request body against a model's signature (input names, datatypes, shapes, data
 * length, requested outputs) and decodes its tensors; returns an error message for the client otherwise.
 * `binary` is the binary tensor data that followed the JSON (binary tensor data extension): inputs with a
 * `binary_data_size` parameter take their bytes from it in order, and together they must use all of it.
 *
 * @example
 * ```ts
 * const checked = validateInferRequest(body, model.inputs, model.outputs, rawBody.subarray(headerLength));
 * if (typeof checked === 'string') return sendError(res, 400, checked);
 * ```
 */
export function validateInferRequest(
  body: unknown,
  inputs: readonly TensorSignature[],
  outputs: readonly TensorSignature[],
  binary: Uint8Array = new Uint8Array(0),
): ValidInferRequest | string {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return 'the request body must be a JSON object';
  const b = body as { id?: unknown; inputs?: unknown; outputs?: unknown; parameters?: unknown };
  if (b.id !== undefined && typeof b.id !== 'string') return '"id" must be a string';
  const parameters = parametersOf(b.parameters);
  if (!parameters) return '"parameters" must be an object';
  const binaryByDefault = parameters.binary_data_output ?? false;
  if (typeof binaryByDefault !== 'boolean') return '"parameters.binary_data_output" must be true or false';
  let binaryUsed = 0;
  if (!Array.isArray(b.inputs) || b.inputs.length === 0) return '"inputs" must be a non-empty array';
  const seen = new Set<string>();
  const valid: ValidInput[] = [];
  for (const [i, raw] of b.inputs.entries()) {
    if (typeof raw !== 'object' || raw === null) return `inputs[${i}] must be an object`;
    const t = raw as {
      name?: unknown;
      shape?: unknown;
      datatype?: unknown;
      data?: unknown;
      parameters?: unknown;
    };
    if (typeof t.name !== 'string') return `inputs[${i}].name must be a string`;
    const sig = inputs.find((s) => s.name === t.name);
    if (!sig)
      return `unexpected input "${t.name}"; the model's inputs are ${inputs.map((s) => `"${s.name}"`).join(', ')}`;
    if (seen.has(t.name)) return `input "${t.name}" is given twice`;
    seen.add(t.name);
    if (t.datatype !== sig.datatype)
      return `input "${t.name}" has datatype ${String(t.datatype)}, the model expects ${sig.datatype}`;
    if (!Array.isArray(t.shape) || !t.shape.every((d) => Number.isSafeInteger(d) && d >= 0))
      return `input "${t.name}": shape must be an array of non-negative integers`;
    const shape = t.shape as number[];
    if (sig.shape.length > 0 || shape.length > 0) {
      const fixedMismatch =
        shape.length !== sig.shape.length ||
        sig.shape.some((d, k) => typeof d === 'number' && d !== shape[k]);
      if (fixedMismatch)
        return `input "${t.name}" has shape [${shape.join(',')}], the model expects [${sig.shape.map((d) => (typeof d === 'number' ? d : -1)).join(',')}]`;
    }
    const count = shape.reduce((a, d) => a * d, 1);
    if (count > MAX_ELEMENTS) return `input "${t.name}" has more than ${MAX_ELEMENTS} elements`;
    const inputParameters = parametersOf(t.parameters);
    if (!inputParameters) return `input "${t.name}": "parameters" must be an object`;
    const size = inputParameters.binary_data_size;
    let values: TensorValues | string;
    if (size === undefined) values = decodeTensorData(t.datatype, t.data);
    else {
      if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0)
        return `input "${t.name}": binary_data_size must be a non-negative integer, got ${JSON.stringify(size)}`;
      if (t.data !== undefined)
        return `input "${t.name}" has both "data" and binary_data_size; send its values one way`;
      const elementSize = binaryElementSize(t.datatype);
      if (elementSize !== undefined && size !== count * elementSize)
        return `input "${t.name}": binary_data_size is ${size} bytes, its shape [${shape.join(',')}] of ${t.datatype} needs ${count * elementSize}`;
      if (binaryUsed + size > binary.byteLength)
        return `input "${t.name}": binary_data_size of ${size} bytes runs past the end of the ${binary.byteLength} bytes of binary data after the JSON`;
      values = decodeBinaryTensorData(t.datatype, binary.subarray(binaryUsed, binaryUsed + size), count);
      binaryUsed += size;
    }
    if (typeof values === 'string') return `input "${t.name}": ${values}`;
    if (values.length !== count)
      return `input "${t.name}" has ${values.length} data elements, its shape [${shape.join(',')}] needs ${count}`;
    valid.push({ name: t.name, ortType: sig.ortType, dims: shape, values });
  }
  if (binaryUsed !== binary.byteLength)
    return `${binary.byteLength} bytes of binary data follow the JSON, the inputs' binary_data_size add up to ${binaryUsed}`;
  const absent = inputs.filter((s) => !seen.has(s.name));
  if (absent.length > 0) return `missing input ${absent.map((s) => `"${s.name}"`).join(', ')}`;
  // Symbolic dimensions shared by several inputs must agree (e.g. the same batch size everywhere).
  const bound = new Map<string, number>();
  for (const v of valid) {
    const sig = inputs.find((s) => s.name === v.name) as TensorSignature;
    for (const [k, d] of sig.shape.entries()) {
      if (typeof d !== 'string' || d === '') continue;
      const at = bound.get(d);
      if (at !== undefined && at !== v.dims[k])
        return `dimension "${d}" is ${at} in one input and ${v.dims[k]} in "${v.name}"`;
      bound.set(d, v.dims[k] as number);
    }
  }
  let requested = outputs.map((o) => o.name);
  let binaryOutputs = binaryByDefault ? [...requested] : [];
  if (b.outputs !== undefined) {
    if (!Array.isArray(b.outputs)) return '"outputs" must be an array';
    requested = [];
    binaryOutputs = [];
    for (const [i, o] of b.outputs.entries()) {
      const entry = o as { name?: unknown; parameters?: unknown } | null;
      const name = entry?.name;
      if (typeof name !== 'string') return `outputs[${i}].name must be a string`;
      if (!outputs.some((s) => s.name === name))
        return `unknown output "${name}"; the model's outputs are ${outputs.map((s) => `"${s.name}"`).join(', ')}`;
      const outputParameters = parametersOf(entry?.parameters);
      if (!outputParameters) return `output "${name}": "parameters" must be an object`;
      const binaryData = outputParameters.binary_data ?? binaryByDefault;
      if (typeof binaryData !== 'boolean') return `output "${name}": binary_data must be true or false`;
      if (requested.includes(name)) continue;
      requested.push(name);
      if (binaryData) binaryOutputs.push(name);
    }
  }
  return { id: b.id as string | undefined, inputs: valid, outputs: requested, binaryOutputs };
}
