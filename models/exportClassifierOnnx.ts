/**
 * Exports a {@link TrainedClassifier} to ONNX: standardisation (Sub, Div) folded into the graph so callers
 * send raw measurements, then MatMul + Add (+ Relu) layers, Softmax probabilities and an ArgMax label.
 */
import { encodeOnnxModel, type OnnxInitializer, type OnnxNode } from './onnx/encodeOnnxModel';
import type { TrainedClassifier } from './trainClassifier';

/** Names and documentation of the exported graph. */
export interface ClassifierExportOptions {
  graphName: string;
  /** Name of the FP32 `[batch, features]` input. */
  inputName: string;
  docString: string;
  metadata?: Record<string, string>;
}

/**
 * Encodes the classifier as ONNX bytes with input `[batch, features]` (dynamic batch) and outputs
 * `probabilities` (FP32 `[batch, classes]`) and `label` (INT64 `[batch]`).
 *
 * @example
 * ```ts
 * const bytes = exportClassifierOnnx(model, { graphName: 'wdbc', inputName: 'features', docString: '…' });
 * ```
 */
export function exportClassifierOnnx(model: TrainedClassifier, options: ClassifierExportOptions): Uint8Array {
  const features = model.mean.length;
  const classes = model.layers[model.layers.length - 1]?.outputs ?? 0;
  const initializers: OnnxInitializer[] = [
    { name: 'mean', dims: [features], data: Float32Array.from(model.mean) },
    { name: 'std', dims: [features], data: Float32Array.from(model.std) },
  ];
  const nodes: OnnxNode[] = [
    { opType: 'Sub', inputs: [options.inputName, 'mean'], outputs: ['centred'] },
    { opType: 'Div', inputs: ['centred', 'std'], outputs: ['a0'] },
  ];
  model.layers.forEach((layer, l) => {
    initializers.push(
      { name: `W${l}`, dims: [layer.inputs, layer.outputs], data: Float32Array.from(layer.weights) },
      { name: `b${l}`, dims: [layer.outputs], data: Float32Array.from(layer.bias) },
    );
    const last = l === model.layers.length - 1;
    nodes.push(
      { opType: 'MatMul', inputs: [`a${l}`, `W${l}`], outputs: [`z${l}`] },
      { opType: 'Add', inputs: [`z${l}`, `b${l}`], outputs: [last ? 'logits' : `h${l}`] },
    );
    if (!last) nodes.push({ opType: 'Relu', inputs: [`h${l}`], outputs: [`a${l + 1}`] });
  });
  nodes.push(
    {
      opType: 'Softmax',
      inputs: ['logits'],
      outputs: ['probabilities'],
      attributes: [{ name: 'axis', int: 1 }],
    },
    {
      opType: 'ArgMax',
      inputs: ['logits'],
      outputs: ['label'],
      attributes: [
        { name: 'axis', int: 1 },
        { name: 'keepdims', int: 0 },
      ],
    },
  );
  return encodeOnnxModel({
    graphName: options.graphName,
    docString: options.docString,
    inputs: [{ name: options.inputName, elemType: 'FLOAT', shape: ['batch', features] }],
    outputs: [
      { name: 'probabilities', elemType: 'FLOAT', shape: ['batch', classes] },
      { name: 'label', elemType: 'INT64', shape: ['batch'] },
    ],
    nodes,
    initializers,
    ...(options.metadata ? { metadata: options.metadata } : {}),
  });
}
