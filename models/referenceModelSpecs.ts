/**
 * The reference models: what each is trained on, with which settings, and how it is published.
 * `train.ts` trains them; the accuracy test recomputes their held-out accuracy from the same specs.
 */
import { loadEcg200, loadWdbc, type SplitDataset } from './loadReferenceDatasets';
import type { TrainOptions } from './trainClassifier';

/** One reference model. */
export interface ReferenceModelSpec {
  name: string;
  version: string;
  task: string;
  /** File name under `models/`. */
  file: string;
  inputName: string;
  description: string;
  dataset: { name: string; source: string; license: string; citation: string };
  load: () => SplitDataset;
  split: string;
  train: TrainOptions;
}

/**
 * The two reference models (WDBC softmax regression, ECG200 one-hidden-layer MLP).
 *
 * @example
 * ```ts
 * for (const spec of referenceModelSpecs) console.log(spec.name, spec.file);
 * ```
 */
export const referenceModelSpecs: readonly ReferenceModelSpec[] = [
  {
    name: 'wdbc-classifier',
    version: '1.0.0',
    task: 'breast-cancer-diagnosis',
    file: 'wdbc-classifier.onnx',
    inputName: 'features',
    description:
      'Breast mass diagnosis from the 30 WDBC fine-needle-aspirate nucleus features (raw values, in the UCI column order). ' +
      'Softmax regression; standardisation is part of the graph. Outputs: probabilities [malignant, benign] and label (0 = malignant, 1 = benign). ' +
      'A reference model for developers, not a medical device.',
    dataset: {
      name: 'Breast Cancer Wisconsin (Diagnostic), UCI Machine Learning Repository',
      source: 'https://doi.org/10.24432/C5DW2B',
      license: 'CC BY 4.0',
      citation: 'W. H. Wolberg, O. L. Mangasarian, N. Street, W. N. Street (1995)',
    },
    load: loadWdbc,
    split: 'stratified 80/20, seeded shuffle per class (113 held-out rows)',
    train: { classes: 2, hidden: 0, epochs: 300, learningRate: 0.05, l2: 1e-3, seed: 7 },
  },
  {
    name: 'ecg200-classifier',
    version: '1.0.0',
    task: 'ecg-classification',
    file: 'ecg200-classifier.onnx',
    inputName: 'heartbeat',
    description:
      'Heartbeat classification from one 96-sample, z-normalised ECG beat (UCR ECG200). ' +
      'One-hidden-layer MLP (32 ReLU units); standardisation is part of the graph. ' +
      'Outputs: probabilities [abnormal, normal] and label (0 = abnormal / myocardial infarction, 1 = normal). ' +
      'A reference model for developers, not a medical device.',
    dataset: {
      name: 'ECG200, UCR Time Series Classification Archive',
      source: 'https://www.cs.ucr.edu/~eamonn/time_series_data_2018/',
      license: 'unspecified (free for research use; cite the archive)',
      citation:
        'H. A. Dau et al., "The UCR Time Series Archive", IEEE/CAA J. Autom. Sinica 6(6), 2019; R. T. Olszewski, PhD thesis, CMU, 2001',
    },
    load: loadEcg200,
    split: "the archive's own split (100 train, 100 test)",
    train: { classes: 2, hidden: 32, epochs: 800, learningRate: 0.005, l2: 1e-2, seed: 7 },
  },
];
