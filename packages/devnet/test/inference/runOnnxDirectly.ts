import * as ort from 'onnxruntime-node';

/**
 * Runs a classifier ONNX file directly in onnxruntime-node (no server) on `rows` of one FP32 input and returns
 * its `probabilities` and `label` outputs: the reference the inference server's answers are compared with.
 *
 * @example
 * ```ts
 * const expected = await runOnnxDirectly(wdbcBytes, 'features', rows);
 * expect(served.probabilities).toEqual(expected.probabilities);
 * ```
 */
export async function runOnnxDirectly(
  bytes: Uint8Array,
  inputName: string,
  rows: number[][],
): Promise<{ probabilities: Float32Array; label: BigInt64Array }> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const out = await session.run({
      [inputName]: new ort.Tensor('float32', Float32Array.from(rows.flat()), [
        rows.length,
        rows[0]?.length ?? 0,
      ]),
    });
    return {
      probabilities: out.probabilities?.data as Float32Array,
      label: out.label?.data as BigInt64Array,
    };
  } finally {
    await session.release();
  }
}
