import { createInferenceServer, type InferenceServer } from '../../src/inference/createInferenceServer';
import { publishReferenceModels } from '../../src/inference/publishReferenceModels';
import { startDevnet } from '../../src/startDevnet';
import type { Devnet } from '../../src/types';
import { connectModels } from './connectModels';

/** A one-validator devnet with an inference server and the reference models published by account 0. */
export interface ModelsDevnet {
  devnet: Devnet;
  server: InferenceServer;
  /** Account 0, the reference models' publisher. */
  publisher: Awaited<ReturnType<typeof connectModels>>;
  /** Account 1, a model user. */
  user: Awaited<ReturnType<typeof connectModels>>;
  stop(): Promise<void>;
}

/**
 * Starts a devnet (one validator, free ports) and an OIP inference server on it, and publishes the reference
 * models (WDBC and ECG200 classifiers) through the SDK from account 0.
 *
 * @example
 * ```ts
 * const env = await startModelsDevnet();
 * await fetch(`${env.server.url}/v2/models/wdbc-classifier/infer`, { method: 'POST', body });
 * await env.stop();
 * ```
 */
export async function startModelsDevnet(): Promise<ModelsDevnet> {
  const devnet = await startDevnet({ port: 0, validators: 1 });
  let server: InferenceServer | undefined;
  try {
    server = await createInferenceServer({
      port: 0,
      provider: devnet.provider,
      registry: devnet.contracts.ModelRegistry as `0x${string}`,
      content: devnet.content,
    });
    const publisher = await connectModels(devnet, 0, server.url);
    const user = await connectModels(devnet, 1, server.url);
    await publishReferenceModels(publisher.models);
    const running = server;
    return {
      devnet,
      server,
      publisher,
      user,
      async stop() {
        await running.close();
        await devnet.stop();
      },
    };
  } catch (error) {
    await server?.close();
    await devnet.stop();
    throw error;
  }
}
