/**
 * A minimal ONNX (protobuf) writer: enough of `onnx.proto` to express small inference graphs (typed inputs
 * and outputs with static or symbolic dimensions, nodes with attributes, initializers). Field numbers follow
 * https://github.com/onnx/onnx/blob/main/onnx/onnx.proto. Written by hand, with no dependency, so the
 * training scripts in `models/` run with nothing but `tsx`.
 */

/** ONNX `TensorProto.DataType` values for the element types this writer supports. */
export const onnxElemType = {
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  INT32: 6,
  INT64: 7,
  STRING: 8,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
} as const;

/** One of the element types in {@link onnxElemType}. */
export type OnnxElemType = keyof typeof onnxElemType;

/** A graph input or output: name, element type and shape (numbers are fixed, strings are symbolic dims). */
export interface OnnxValueInfo {
  name: string;
  elemType: OnnxElemType;
  shape: ReadonlyArray<number | string>;
}

/** A node attribute; exactly one value field is set. */
export interface OnnxAttribute {
  name: string;
  int?: number;
  float?: number;
  ints?: readonly number[];
  string?: string;
}

/** A graph node. */
export interface OnnxNode {
  opType: string;
  inputs: readonly string[];
  outputs: readonly string[];
  name?: string;
  attributes?: readonly OnnxAttribute[];
}

/** A constant tensor stored in the graph (weights). */
export interface OnnxInitializer {
  name: string;
  dims: readonly number[];
  data: Float32Array | BigInt64Array;
}

/** A whole model. */
export interface OnnxModelSpec {
  graphName: string;
  inputs: readonly OnnxValueInfo[];
  outputs: readonly OnnxValueInfo[];
  nodes: readonly OnnxNode[];
  initializers?: readonly OnnxInitializer[];
  /** Default opset version of the `ai.onnx` domain. Default 17. */
  opset?: number;
  producerName?: string;
  producerVersion?: string;
  docString?: string;
  /** `metadata_props` key/value pairs. */
  metadata?: Record<string, string>;
}

/** Protobuf wire writer: varints, length-delimited fields and fixed32 floats. */
class ProtoWriter {
  private readonly parts: Uint8Array[] = [];
  private length = 0;

  private push(bytes: Uint8Array): void {
    this.parts.push(bytes);
    this.length += bytes.byteLength;
  }

  private varint(value: bigint): void {
    let v = BigInt.asUintN(64, value);
    const out: number[] = [];
    do {
      let byte = Number(v & 0x7fn);
      v >>= 7n;
      if (v !== 0n) byte |= 0x80;
      out.push(byte);
    } while (v !== 0n);
    this.push(Uint8Array.from(out));
  }

  private tag(field: number, wireType: number): void {
    this.varint(BigInt((field << 3) | wireType));
  }

  int(field: number, value: number | bigint): this {
    this.tag(field, 0);
    this.varint(BigInt(value));
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.tag(field, 2);
    this.varint(BigInt(value.byteLength));
    this.push(value);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  message(field: number, build: (w: ProtoWriter) => void): this {
    const inner = new ProtoWriter();
    build(inner);
    return this.bytes(field, inner.finish());
  }

  float(field: number, value: number): this {
    this.tag(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    this.push(b);
    return this;
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const p of this.parts) {
      out.set(p, at);
      at += p.byteLength;
    }
    return out;
  }
}

function writeValueInfo(w: ProtoWriter, v: OnnxValueInfo): void {
  w.string(1, v.name);
  w.message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.int(1, onnxElemType[v.elemType]);
      tensor.message(2, (shape) => {
        for (const d of v.shape) {
          shape.message(1, (dim) => {
            if (typeof d === 'number') dim.int(1, d);
            else dim.string(2, d);
          });
        }
      });
    }),
  );
}

function writeAttribute(w: ProtoWriter, a: OnnxAttribute): void {
  w.string(1, a.name);
  if (a.float !== undefined) w.float(2, a.float).int(20, 1);
  else if (a.int !== undefined) w.int(3, a.int).int(20, 2);
  else if (a.string !== undefined) w.string(4, a.string).int(20, 3);
  else if (a.ints !== undefined) {
    for (const i of a.ints) w.int(8, i);
    w.int(20, 7);
  } else throw new Error(`attribute ${a.name} has no value`);
}

function writeInitializer(w: ProtoWriter, t: OnnxInitializer): void {
  for (const d of t.dims) w.int(1, d);
  w.int(2, t.data instanceof Float32Array ? onnxElemType.FLOAT : onnxElemType.INT64);
  w.string(8, t.name);
  // raw_data is little-endian; copy so the bytes do not depend on the platform's endianness.
  const raw = new Uint8Array(t.data.length * t.data.BYTES_PER_ELEMENT);
  const view = new DataView(raw.buffer);
  t.data.forEach((v: number | bigint, i: number) => {
    if (typeof v === 'bigint') view.setBigInt64(i * 8, v, true);
    else view.setFloat32(i * 4, v, true);
  });
  w.bytes(9, raw);
}

/**
 * Encodes an ONNX model (IR version 8, `ai.onnx` opset 17 by default) to protobuf bytes that onnxruntime loads.
 *
 * @example
 * ```ts
 * const bytes = encodeOnnxModel({
 *   graphName: 'double',
 *   inputs: [{ name: 'x', elemType: 'FLOAT', shape: ['batch', 2] }],
 *   outputs: [{ name: 'y', elemType: 'FLOAT', shape: ['batch', 2] }],
 *   nodes: [{ opType: 'Add', inputs: ['x', 'x'], outputs: ['y'] }],
 * });
 * ```
 */
export function encodeOnnxModel(spec: OnnxModelSpec): Uint8Array {
  const w = new ProtoWriter();
  w.int(1, 8); // ir_version
  w.string(2, spec.producerName ?? 'aidoc-models');
  w.string(3, spec.producerVersion ?? '0.1.0');
  if (spec.docString !== undefined) w.string(6, spec.docString);
  w.message(7, (g) => {
    spec.nodes.forEach((n, i) => {
      g.message(1, (node) => {
        for (const input of n.inputs) node.string(1, input);
        for (const output of n.outputs) node.string(2, output);
        node.string(3, n.name ?? `${n.opType.toLowerCase()}_${i}`);
        node.string(4, n.opType);
        for (const a of n.attributes ?? []) node.message(5, (attr) => writeAttribute(attr, a));
      });
    });
    g.string(2, spec.graphName);
    for (const t of spec.initializers ?? []) g.message(5, (init) => writeInitializer(init, t));
    for (const v of spec.inputs) g.message(11, (info) => writeValueInfo(info, v));
    for (const v of spec.outputs) g.message(12, (info) => writeValueInfo(info, v));
  });
  w.message(8, (op) => op.string(1, '').int(2, spec.opset ?? 17));
  for (const [key, value] of Object.entries(spec.metadata ?? {})) {
    w.message(14, (entry) => entry.string(1, key).string(2, value));
  }
  return w.finish();
}
