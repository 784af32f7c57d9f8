import { type Account, createWalletClient, custom, type EIP1193Provider } from 'viem';
import type { AidocContext } from '../client/AidocContext';
import { type AidocClient, type CreateAidocOptions, createAidoc } from '../client/createAidoc';
import { deriveEncryptionKey } from '../crypto/deriveEncryptionKey';
import { type EncryptionKeyPair, encryptionKeyPairFromSecret } from '../crypto/encryptionKeyPair';
import { createNotificationsApi, type NotificationsApi } from '../notifications/createNotificationsApi';
import { type WalletAccount, walletAccountFromPrivateKey } from '../wallet/walletAccount';
import { createMessagingApi, type MessagingApi } from './createMessagingApi';

/** An {@link AidocClient} with cross-DApp messaging and user notifications. */
export interface MessagingClient extends AidocClient {
  messaging: MessagingApi;
  notifications: NotificationsApi;
}

/**
 * Connects like `createAidoc` and adds `messaging` and `notifications` (the same modules `createAidoc` exposes
 * once it wires them in).
 *
 * @example
 * ```ts
 * const aidoc = await createMessagingClient({ rpc: devnet.rpcUrl, ipfs: devnet.ipfsUrl, signer: key });
 * const { dappId } = await aidoc.messaging.register({ name: 'lab-ocr', topics: ['lab-sheet.image'] });
 * ```
 */
export async function createMessagingClient(options: CreateAidocOptions): Promise<MessagingClient> {
  const aidoc = await createAidoc(options);
  const ctx = contextOf(aidoc, options);
  return { ...aidoc, messaging: createMessagingApi(ctx), notifications: createNotificationsApi(ctx) };
}

function contextOf(aidoc: AidocClient, options: CreateAidocOptions): AidocContext {
  let account: Account | undefined;
  let privateKey: `0x${string}` | undefined;
  const signer = options.signer;
  if (typeof signer === 'string') {
    const wallet = walletAccountFromPrivateKey(signer);
    account = wallet.toViemAccount();
    privateKey = wallet.privateKey;
  } else if (signer && typeof (signer as WalletAccount).toViemAccount === 'function') {
    account = (signer as WalletAccount).toViemAccount();
    privateKey = (signer as WalletAccount).privateKey;
  } else if (signer) account = signer as Account;
  let encryptionKey: EncryptionKeyPair | undefined;
  if (typeof options.encryptionKey === 'string') {
    encryptionKey = encryptionKeyPairFromSecret(Buffer.from(options.encryptionKey.replace(/^0x/, ''), 'hex'));
  } else if (options.encryptionKey) encryptionKey = options.encryptionKey;
  else if (privateKey) encryptionKey = deriveEncryptionKey(privateKey);
  const publicClient = aidoc.publicClient;
  const chain = publicClient.chain;
  if (!chain) throw new Error('unreachable: createAidoc always defines the chain');
  const pollingIntervalMs = options.pollingIntervalMs ?? 250;
  return {
    chain,
    chainId: aidoc.chainId,
    publicClient,
    walletClient: account
      ? createWalletClient({
          account,
          chain,
          transport: custom({ request: publicClient.request } as EIP1193Provider),
          pollingInterval: pollingIntervalMs,
        })
      : undefined,
    account,
    content: aidoc.content,
    contracts: aidoc.contracts,
    encryptionKey,
    fromBlock: options.fromBlock ?? 0n,
    pollingIntervalMs,
  };
}
