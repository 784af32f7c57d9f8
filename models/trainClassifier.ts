/**
 * A small, dependency-free classifier trainer: feature standardisation, then softmax regression or a
 * one-hidden-layer ReLU MLP, trained full-batch with Adam on cross-entropy plus L2, from a fixed seed.
 */
import { mulberry32 } from './loadReferenceDatasets';

/** Training settings. */
export interface TrainOptions {
  classes: number;
  /** Hidden units; 0 = softmax (multinomial logistic) regression. */
  hidden: number;
  epochs: number;
  learningRate: number;
  l2: number;
  seed: number;
}

/** A dense layer: `weights` is row-major [inputs][outputs]. */
export interface DenseLayer {
  inputs: number;
  outputs: number;
  weights: Float64Array;
  bias: Float64Array;
}

/** A trained classifier: standardisation constants and the dense layers (ReLU between them). */
export interface TrainedClassifier {
  mean: Float64Array;
  std: Float64Array;
  layers: DenseLayer[];
}

function standardisation(x: number[][]): { mean: Float64Array; std: Float64Array } {
  const d = x[0]?.length ?? 0;
  const mean = new Float64Array(d);
  const std = new Float64Array(d);
  for (const row of x)
    row.forEach((v, j) => {
      mean[j] = (mean[j] as number) + v / x.length;
    });
  for (const row of x)
    row.forEach((v, j) => {
      std[j] = (std[j] as number) + (v - (mean[j] as number)) ** 2 / x.length;
    });
  std.forEach((v, j) => {
    std[j] = v > 1e-12 ? Math.sqrt(v) : 1;
  });
  return { mean, std };
}

function dense(inputs: number, outputs: number, random: () => number): DenseLayer {
  const limit = Math.sqrt(6 / (inputs + outputs)); // Glorot uniform
  const weights = new Float64Array(inputs * outputs).map(() => (random() * 2 - 1) * limit);
  return { inputs, outputs, weights, bias: new Float64Array(outputs) };
}

/** Forward pass of one layer for a batch (rows of `input`), optionally followed by ReLU. */
function forwardLayer(layer: DenseLayer, input: Float64Array[], relu: boolean): Float64Array[] {
  return input.map((row) => {
    const out = Float64Array.from(layer.bias);
    for (let i = 0; i < layer.inputs; i++) {
      const v = row[i] as number;
      if (v === 0) continue;
      const base = i * layer.outputs;
      for (let o = 0; o < layer.outputs; o++)
        out[o] = (out[o] as number) + v * (layer.weights[base + o] as number);
    }
    if (relu)
      out.forEach((v, o) => {
        out[o] = v > 0 ? v : 0;
      });
    return out;
  });
}

function softmax(logits: Float64Array): Float64Array {
  const max = Math.max(...logits);
  const exp = logits.map((v) => Math.exp(v - max));
  const sum = exp.reduce((a, b) => a + b, 0);
  return exp.map((v) => v / sum);
}

/**
 * Class probabilities for raw (unstandardised) rows, in float64: the reference the ONNX export is checked against.
 *
 * @example
 * ```ts
 * const probabilities = predictClassifier(model, test.x);
 * ```
 */
export function predictClassifier(model: TrainedClassifier, x: number[][]): Float64Array[] {
  let a: Float64Array[] = x.map((row) =>
    Float64Array.from(row, (v, j) => (v - (model.mean[j] as number)) / (model.std[j] as number)),
  );
  model.layers.forEach((layer, l) => {
    a = forwardLayer(layer, a, l < model.layers.length - 1);
  });
  return a.map(softmax);
}

/**
 * Trains a classifier deterministically (same data and options give the same weights, bit for bit).
 *
 * @example
 * ```ts
 * const model = trainClassifier(train.x, train.y, { classes: 2, hidden: 0, epochs: 400, learningRate: 0.05, l2: 1e-3, seed: 1 });
 * ```
 */
export function trainClassifier(x: number[][], y: number[], options: TrainOptions): TrainedClassifier {
  const random = mulberry32(options.seed);
  const { mean, std } = standardisation(x);
  const inputs = x.map((row) =>
    Float64Array.from(row, (v, j) => (v - (mean[j] as number)) / (std[j] as number)),
  );
  const d = mean.length;
  const layers =
    options.hidden > 0
      ? [dense(d, options.hidden, random), dense(options.hidden, options.classes, random)]
      : [dense(d, options.classes, random)];
  // Adam state per parameter array.
  const params = layers.flatMap((l) => [l.weights, l.bias]);
  const m = params.map((p) => new Float64Array(p.length));
  const v = params.map((p) => new Float64Array(p.length));
  const beta1 = 0.9;
  const beta2 = 0.999;
  const n = inputs.length;
  for (let epoch = 1; epoch <= options.epochs; epoch++) {
    // Forward, keeping activations.
    const activations: Float64Array[][] = [inputs];
    layers.forEach((layer, l) => {
      activations.push(forwardLayer(layer, activations[l] as Float64Array[], l < layers.length - 1));
    });
    // Gradient of mean cross-entropy w.r.t. the logits: softmax - onehot, over n.
    let delta = (activations[layers.length] as Float64Array[]).map((logits, r) => {
      const p = softmax(logits);
      p[y[r] as number] = (p[y[r] as number] as number) - 1;
      return p.map((g) => g / n);
    });
    const grads: Float64Array[] = new Array(params.length);
    for (let l = layers.length - 1; l >= 0; l--) {
      const layer = layers[l] as DenseLayer;
      const input = activations[l] as Float64Array[];
      const gw = new Float64Array(layer.weights.length);
      const gb = new Float64Array(layer.bias.length);
      input.forEach((row, r) => {
        const dr = delta[r] as Float64Array;
        for (let i = 0; i < layer.inputs; i++) {
          const a = row[i] as number;
          if (a === 0) continue;
          for (let o = 0; o < layer.outputs; o++)
            gw[i * layer.outputs + o] = (gw[i * layer.outputs + o] as number) + a * (dr[o] as number);
        }
        dr.forEach((g, o) => {
          gb[o] = (gb[o] as number) + g;
        });
      });
      gw.forEach((g, k) => {
        gw[k] = g + options.l2 * (layer.weights[k] as number);
      });
      grads[2 * l] = gw;
      grads[2 * l + 1] = gb;
      if (l > 0) {
        // Back through this layer's weights and the previous layer's ReLU.
        delta = input.map((row, r) => {
          const dr = delta[r] as Float64Array;
          const out = new Float64Array(layer.inputs);
          for (let i = 0; i < layer.inputs; i++) {
            if ((row[i] as number) <= 0) continue;
            let s = 0;
            for (let o = 0; o < layer.outputs; o++)
              s += (layer.weights[i * layer.outputs + o] as number) * (dr[o] as number);
            out[i] = s;
          }
          return out;
        });
      }
    }
    params.forEach((p, k) => {
      const g = grads[k] as Float64Array;
      const mk = m[k] as Float64Array;
      const vk = v[k] as Float64Array;
      for (let i = 0; i < p.length; i++) {
        mk[i] = beta1 * (mk[i] as number) + (1 - beta1) * (g[i] as number);
        vk[i] = beta2 * (vk[i] as number) + (1 - beta2) * (g[i] as number) ** 2;
        const mHat = (mk[i] as number) / (1 - beta1 ** epoch);
        const vHat = (vk[i] as number) / (1 - beta2 ** epoch);
        p[i] = (p[i] as number) - (options.learningRate * mHat) / (Math.sqrt(vHat) + 1e-8);
      }
    });
  }
  return { mean, std, layers };
}
