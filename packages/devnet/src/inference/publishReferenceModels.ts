import { type ReferenceModel, referenceModels } from './referenceModels';

/** The part of the SDK's models API this needs (`createAidoc(...).models`). */
export interface ModelPublisher {
  publish(
    source: Uint8Array,
    options: { name: string; version: string; task: string; metadata?: Record<string, unknown> },
  ): Promise<{ cid: string; versionId: bigint }>;
  exists(ref: string): Promise<boolean>;
}

/** One reference model after publishing. */
export interface PublishReferenceModelsResult {
  name: string;
  version: string;
  task: string;
  cid: string | undefined;
  /** False when that version was already registered (a resumed data directory). */
  published: boolean;
}

/**
 * Publishes the reference models (WDBC and ECG200 classifiers) through the SDK's models API, free of charge,
 * skipping versions already registered. Used by `aidoc devnet up --with-models`.
 *
 * @example
 * ```ts
 * const aidoc = await createAidoc({ provider: devnet.provider, ipfs: devnet.ipfsUrl, signer: devnet.accounts[0].privateKey });
 * await publishReferenceModels(aidoc.models);
 * ```
 */
export async function publishReferenceModels(
  models: ModelPublisher,
  which: readonly ReferenceModel[] = referenceModels,
): Promise<PublishReferenceModelsResult[]> {
  const out: PublishReferenceModelsResult[] = [];
  for (const m of which) {
    const base = { name: m.name, version: m.version, task: m.task };
    if (await models.exists(`${m.name}@${m.version}`)) {
      out.push({ ...base, cid: undefined, published: false });
      continue;
    }
    const { cid } = await models.publish(Buffer.from(m.onnxBase64, 'base64'), {
      ...base,
      metadata: {
        description: m.description,
        dataset: m.dataset,
        heldOutAccuracy: m.heldOutAccuracy,
        source: 'AIDOC reference model (models/ in the AIDOC repository); not a medical device',
      },
    });
    out.push({ ...base, cid, published: true });
  }
  return out;
}
