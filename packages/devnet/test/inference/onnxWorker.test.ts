import { expect, it } from 'vitest';
import { encodeOnnxModel } from '../../../../models/onnx/encodeOnnxModel';
import { createOnnxWorker } from '../../src/inference/createOnnxWorker';

const doubler = encodeOnnxModel({
  graphName: 'doubler',
  inputs: [{ name: 'x', elemType: 'FLOAT', shape: ['batch', 2] }],
  outputs: [{ name: 'y', elemType: 'FLOAT', shape: ['batch', 2] }],
  nodes: [{ opType: 'Add', inputs: ['x', 'x'], outputs: ['y'] }],
});

it('loads, runs and releases sessions on the worker; a released session or a closed worker refuses', async () => {
  const onnx = createOnnxWorker();
  const model = await onnx.load(doubler);
  expect(model).toMatchObject({
    batchable: true,
    inputs: [{ name: 'x', datatype: 'FP32', ortType: 'float32', shape: ['batch', 2] }],
    outputs: [{ name: 'y', datatype: 'FP32', shape: ['batch', 2] }],
    alive: true,
  });
  // A view into a larger buffer is sent as just its own elements.
  const backing = new Float32Array([9, 1, 2, 3, 4, 9]);
  const [y] = await model.run(
    [{ name: 'x', ortType: 'float32', dims: [2, 2], values: backing.subarray(1, 5) }],
    ['y'],
  );
  expect(y).toMatchObject({ name: 'y', ortType: 'float32', dims: [2, 2] });
  expect([...(y?.data as Float32Array)]).toEqual([2, 4, 6, 8]);
  // onnxruntime's own refusal comes back as an error, and the session keeps working.
  await expect(
    model.run([{ name: 'x', ortType: 'float32', dims: [1, 3], values: new Float32Array(3) }], ['y']),
  ).rejects.toThrow(/dimension|shape|Got invalid/i);
  await model.release();
  expect(model.alive).toBe(false);
  await expect(
    model.run([{ name: 'x', ortType: 'float32', dims: [1, 2], values: new Float32Array(2) }], ['y']),
  ).rejects.toThrow(/released/);
  // A second model on the same worker, then the worker closes: its models are no longer alive.
  const other = await onnx.load(doubler);
  await onnx.close();
  expect(other.alive).toBe(false);
  await expect(onnx.load(doubler)).rejects.toThrow(/closed/);
});

it('refuses bytes that are not a model, and keeps serving', async () => {
  const onnx = createOnnxWorker();
  try {
    await expect(onnx.load(new TextEncoder().encode('not onnx'))).rejects.toThrow();
    const model = await onnx.load(doubler);
    const [y] = await model.run(
      [{ name: 'x', ortType: 'float32', dims: [1, 2], values: new Float32Array([1, 2]) }],
      ['y'],
    );
    expect([...(y?.data as Float32Array)]).toEqual([2, 4]);
  } finally {
    await onnx.close();
  }
});
