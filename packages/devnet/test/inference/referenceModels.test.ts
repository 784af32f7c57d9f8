import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { referenceModelSpecs } from '../../../../models/referenceModelSpecs';
import { referenceModels } from '../../src/inference/referenceModels';

const modelsDir = new URL('../../../../models/', import.meta.url);

/** The `correct/total` the README's results table records for `name`. */
function readmeResult(name: string): { correct: number; total: number; percent: string } {
  const readme = readFileSync(new URL('README.md', modelsDir), 'utf8');
  const row = readme.split('\n').find((line) => line.startsWith(`| \`${name}\` |`));
  const match = row?.match(/\| (\d+)\/(\d+) \| ([\d.]+)% \|$/);
  if (!match) throw new Error(`no results row for ${name} in models/README.md`);
  return { correct: Number(match[1]), total: Number(match[2]), percent: match[3] as string };
}

describe('reference models', () => {
  for (const spec of referenceModelSpecs) {
    it(`${spec.name}: held-out accuracy recomputed with onnxruntime matches models/README.md`, async () => {
      const bytes = readFileSync(new URL(spec.file, modelsDir));
      const session = await ort.InferenceSession.create(bytes);
      const { test } = spec.load();
      const features = test.x[0]?.length ?? 0;
      const result = await session.run({
        [spec.inputName]: new ort.Tensor('float32', Float32Array.from(test.x.flat()), [
          test.x.length,
          features,
        ]),
      });
      const labels = result.label?.data as BigInt64Array;
      const probabilities = result.probabilities?.data as Float32Array;
      const correct = test.y.filter((y, i) => Number(labels[i]) === y).length;
      const recorded = readmeResult(spec.name);
      expect({ correct, total: test.y.length }).toEqual({ correct: recorded.correct, total: recorded.total });
      expect(((correct / test.y.length) * 100).toFixed(2)).toBe(recorded.percent);
      // The label output is the argmax of the probabilities, and probabilities sum to 1.
      for (let i = 0; i < test.y.length; i++) {
        const p0 = probabilities[2 * i] as number;
        const p1 = probabilities[2 * i + 1] as number;
        expect(p0 + p1).toBeCloseTo(1, 5);
        expect(Number(labels[i])).toBe(p1 > p0 ? 1 : 0);
      }
      await session.release();
    });

    it(`${spec.name}: the devnet embeds the same bytes as models/${spec.file}`, () => {
      const embedded = referenceModels.find((m) => m.name === spec.name);
      expect(embedded?.version).toBe(spec.version);
      expect(
        Buffer.from(embedded?.onnxBase64 ?? '', 'base64').equals(readFileSync(new URL(spec.file, modelsDir))),
      ).toBe(true);
      expect(embedded?.heldOutAccuracy).toEqual({
        correct: readmeResult(spec.name).correct,
        total: readmeResult(spec.name).total,
      });
    });
  }
});
