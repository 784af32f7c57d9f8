/**
 * Loaders for the datasets the reference models are trained on (copies in `models/data/`, attribution in
 * `models/data/README.md`), with the deterministic train/test splits the training script and the accuracy
 * test share.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** A labelled dataset split into training and held-out rows. */
export interface SplitDataset {
  /** Class names by label index. */
  classes: string[];
  train: { x: number[][]; y: number[] };
  test: { x: number[][]; y: number[] };
}

const dataDir = fileURLToPath(new URL('./data/', import.meta.url));

/**
 * Mulberry32: a tiny deterministic PRNG returning floats in [0, 1).
 *
 * @example
 * ```ts
 * const random = mulberry32(42); random(); // always the same sequence
 * ```
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher-Yates shuffle of `items` in place with a seeded PRNG. */
function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

/** Seed of the WDBC split. */
export const WDBC_SPLIT_SEED = 20240501;
/** Fraction of each WDBC class held out for testing. */
export const WDBC_TEST_FRACTION = 0.2;

/**
 * UCI WDBC (569 rows, 30 features; label 0 = malignant, 1 = benign), split per class (stratified) with a
 * seeded shuffle: 20% of each class held out.
 *
 * @example
 * ```ts
 * const { train, test } = loadWdbc(); // test.x.length === 113
 * ```
 */
export function loadWdbc(): SplitDataset {
  const lines = readFileSync(`${dataDir}wdbc.csv`, 'utf8').trim().split('\n').slice(1);
  const rows = lines.map((line) => {
    const fields = line.split(',').map(Number);
    return { x: fields.slice(0, 30), y: fields[30] as number };
  });
  const random = mulberry32(WDBC_SPLIT_SEED);
  const out: SplitDataset = {
    classes: ['malignant', 'benign'],
    train: { x: [], y: [] },
    test: { x: [], y: [] },
  };
  for (const label of [0, 1]) {
    const ofClass = shuffle(
      rows.filter((r) => r.y === label),
      random,
    );
    const testCount = Math.floor(ofClass.length * WDBC_TEST_FRACTION);
    ofClass.forEach((r, i) => {
      const side = i < testCount ? out.test : out.train;
      side.x.push(r.x);
      side.y.push(r.y);
    });
  }
  return out;
}

function readUcr(file: string): { x: number[][]; y: number[] } {
  const x: number[][] = [];
  const y: number[] = [];
  for (const line of readFileSync(file, 'utf8').trim().split('\n')) {
    const values = line.trim().split(/\s+/).map(Number);
    // UCR labels: -1 = myocardial infarction (abnormal) -> class 0, 1 = normal -> class 1.
    y.push(values[0] === 1 ? 1 : 0);
    x.push(values.slice(1));
  }
  return { x, y };
}

/**
 * UCR ECG200 (96-sample heartbeats; class 0 = abnormal / myocardial infarction, 1 = normal) with the
 * archive's own train/test split (100 + 100 rows).
 *
 * @example
 * ```ts
 * const { test } = loadEcg200(); // test.x[0].length === 96
 * ```
 */
export function loadEcg200(): SplitDataset {
  return {
    classes: ['abnormal', 'normal'],
    train: readUcr(`${dataDir}ecg200/ECG200_TRAIN.txt`),
    test: readUcr(`${dataDir}ecg200/ECG200_TEST.txt`),
  };
}
