/**
 * Held-out accuracy of an exported classifier, computed by onnxruntime-node on the ONNX bytes themselves
 * (what the README records and the accuracy test recomputes).
 */
import { createRequire } from 'node:module';
import type * as Ort from 'onnxruntime-node';

// models/ is not a workspace package: borrow the devnet's onnxruntime-node.
const requireFromDevnet = createRequire(new URL('../packages/devnet/package.json', import.meta.url));

/**
 * Runs the model on `x` (one batch) and counts rows whose `label` output equals `y`.
 *
 * @example
 * ```ts
 * const { correct, total } = await evaluateOnnxClassifier(bytes, 'features', test.x, test.y);
 * ```
 */
export async function evaluateOnnxClassifier(
  onnx: Uint8Array,
  inputName: string,
  x: number[][],
  y: number[],
): Promise<{ correct: number; total: number; accuracy: number }> {
  const ort = requireFromDevnet('onnxruntime-node') as typeof Ort;
  const session = await ort.InferenceSession.create(onnx);
  try {
    const features = x[0]?.length ?? 0;
    const input = new ort.Tensor('float32', Float32Array.from(x.flat()), [x.length, features]);
    const result = await session.run({ [inputName]: input });
    const labels = result.label?.data as BigInt64Array;
    let correct = 0;
    y.forEach((label, i) => {
      if (Number(labels[i]) === label) correct++;
    });
    return { correct, total: y.length, accuracy: correct / y.length };
  } finally {
    await session.release();
  }
}
