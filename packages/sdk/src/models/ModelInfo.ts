import type { Address, Hex } from 'viem';
import type { ModelTensorSpec } from './describeOnnxModel';

/** Market status of a model. */
export type ModelListing = 'listed' | 'unlisted' | 'delisted';

/** One published version of a model, as the registry holds it. */
export interface ModelVersionInfo {
  name: string;
  version: string;
  modelId: bigint;
  versionId: bigint;
  publisher: Address;
  task: string;
  /** CID of the ONNX file ('' for an AI-API model). */
  cid: string;
  /** OIP endpoint of an AI-API model ('' for an ONNX model). */
  endpoint: string;
  /** CID of the metadata JSON ({@link ModelMetadata}). */
  metadataCid: string;
  /** Price per call in AID wei (0 = free). */
  price: bigint;
  listing: ModelListing;
}

/** The metadata JSON stored in IPFS next to a model (`schema: "aidoc.model/1"`). */
export interface ModelMetadata {
  schema: 'aidoc.model/1';
  name: string;
  version: string;
  task: string;
  /** `onnx` for a file, `oip-endpoint` for an AI-API model. */
  format: 'onnx' | 'oip-endpoint';
  /** The ONNX file's size and SHA-256 (format `onnx`). */
  file?: { size: number; sha256: Hex };
  /** OIP endpoint (format `oip-endpoint`). */
  endpoint?: string;
  /** Inputs read from the ONNX file by onnxruntime (or declared for an endpoint). */
  inputs: ModelTensorSpec[];
  outputs: ModelTensorSpec[];
  /** The publisher's own fields (description, dataset, metrics, licence, …). */
  metadata: Record<string, unknown>;
}

/** A model with its versions, rating and (for the selected version) metadata. */
export interface ModelInfo extends ModelVersionInfo {
  /** Every version label, oldest first. */
  versions: string[];
  publishedAt: Date;
  rating: { count: number; average: number | undefined };
  /** The version's metadata JSON; undefined when it cannot be read from IPFS. */
  metadata: ModelMetadata | undefined;
}
