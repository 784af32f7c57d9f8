import { resolve } from 'node:path';
import { expect, it } from 'vitest';
import { runGuideCode } from './runGuideCode';

it('docs/guides/models.md runs as written: publish, list, info, priced infer, rate, any-OIP client, binary tensors', async () => {
  const model = resolve(__dirname, '../../../models/wdbc-classifier.onnx');
  const lines = await runGuideCode('docs/guides/models.md', {
    replace: [["'models/wdbc-classifier.onnx'", JSON.stringify(model)]],
  });
  // publish: the CID and the input signature read from the ONNX file.
  expect(lines[0]).toMatch(
    /^Qm[1-9A-HJ-NP-Za-km-z]{44} \[\{"name":"features","datatype":"FP32","shape":\[-1,30\]/,
  );
  // info: one version, the price, no rating yet, the outputs.
  expect(lines[1]).toMatch(/^\["1\.0\.0"\] "100000000000000000n" \{"count":0\} \[\{"name":"probabilities"/);
  // infer: the first WDBC record is malignant (label 0), and the priced call was paid.
  expect(lines[2]).toBe('{"0":"0n"}');
  expect(lines[3]).toMatch(/^\{"callId":"1n","price":"100000000000000000n","txHash":"0x[0-9a-f]{64}"\}$/);
  // binary tensors: the same probabilities as the JSON call.
  const [binary, json] = (lines[4] as string).split(' ');
  expect(binary).toBe(json);
  expect(JSON.parse(binary as string)).toHaveProperty('1');
  expect(lines).toHaveLength(5);
}, 120_000);
