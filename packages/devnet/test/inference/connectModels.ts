// Test helper: the SDK's models API over a devnet account. Once `createAidoc(...).models` is wired in the SDK
// root, this becomes `(await createAidoc({ provider, ipfs, signer, inferenceUrl })).models`.
import { createAidoc } from '@aidoc/sdk';
import { createWalletClient, custom, type EIP1193Provider } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import type { AidocContext } from '../../../sdk/src/client/AidocContext';
import { createModelsApi, type ModelsApi } from '../../../sdk/src/models';
import type { Devnet } from '../../src/types';

/** Connects account `index` of `devnet` and returns its models API and AID balance reader. */
export async function connectModels(
  devnet: Devnet,
  index: number,
  inferenceUrl: string,
): Promise<{ models: ModelsApi; address: `0x${string}`; aidBalance(): Promise<bigint> }> {
  const privateKey = devnet.accounts[index]?.privateKey as `0x${string}`;
  const aidoc = await createAidoc({
    provider: devnet.provider,
    ipfs: devnet.ipfsUrl,
    signer: privateKey,
    pollingIntervalMs: 20,
  });
  const account = privateKeyToAccount(privateKey);
  const chain = aidoc.publicClient.chain as NonNullable<typeof aidoc.publicClient.chain>;
  const ctx: AidocContext = {
    chain,
    chainId: aidoc.chainId,
    publicClient: aidoc.publicClient,
    walletClient: createWalletClient({
      account,
      chain,
      transport: custom(devnet.provider as EIP1193Provider),
      pollingInterval: 20,
    }),
    account,
    content: aidoc.content,
    contracts: aidoc.contracts,
    encryptionKey: undefined,
    fromBlock: 0n,
    pollingIntervalMs: 20,
  };
  return {
    models: createModelsApi(ctx, { inferenceUrl }),
    address: account.address,
    aidBalance: async () => (await aidoc.wallet.balance()).aid,
  };
}
