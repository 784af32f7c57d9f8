import {
  type Account,
  createPublicClient,
  createWalletClient,
  custom,
  defineChain,
  type EIP1193Provider,
  http,
  type PublicClient,
  type Transport,
  webSocket,
} from 'viem';
import { z } from 'zod';
import { type AccessApi, createAccessApi } from '../access/createAccessApi';
import { type AuditApi, createAuditApi } from '../audit/createAuditApi';
import { type ContentClient, createContentClient } from '../content/createContentClient';
import { deriveEncryptionKey } from '../crypto/deriveEncryptionKey';
import { type EncryptionKeyPair, encryptionKeyPairFromSecret } from '../crypto/encryptionKeyPair';
import { AidocError } from '../errors';
import { createGrantsApi, type GrantsApi } from '../grants/createGrantsApi';
import { createMessagingApi, type MessagingApi } from '../messaging/createMessagingApi';
import { createModelsApi, type ModelsApi } from '../models/createModelsApi';
import { createNotificationsApi, type NotificationsApi } from '../notifications/createNotificationsApi';
import { createRecordsApi, type RecordsApi } from '../records/createRecordsApi';
import { type WalletAccount, walletAccountFromPrivateKey } from '../wallet/walletAccount';
import type { AidocContext, AidocContracts } from './AidocContext';
import { contractErrorToAidocError } from './contractErrorToAidocError';
import { createChainApis, type KeysApi, type WalletApi } from './createChainApis';
import { type DeploymentsInput, resolveDeployments } from './resolveDeployments';

/** Options for {@link createAidoc}. */
export interface CreateAidocOptions {
  /** JSON-RPC URL (http(s):// or ws(s)://). Give this or `provider`. */
  rpc?: string;
  /** An EIP-1193 provider (e.g. `devnet.provider`, `window.ethereum`). */
  provider?: { request(args: { method: string; params?: unknown }): Promise<unknown> };
  /** Kubo RPC API URL, or a content client. */
  ipfs: string | ContentClient;
  /**
   * Who signs: a private key, a {@link WalletAccount} (from a mnemonic or keystore) or a viem account.
   * Omit for a read-only client.
   */
  signer?: string | WalletAccount | Account;
  /**
   * The account's encryption secret key (32-byte hex or a key pair). Default: derived with HKDF from the
   * signer's private key, so the same account always has the same encryption key.
   */
  encryptionKey?: string | EncryptionKeyPair;
  /** Contract addresses (by name, or by chain id then name) or the path of an `aidoc.deployments.json`. */
  deployments?: DeploymentsInput | string;
  /** First block to scan for events. Default 0. */
  fromBlock?: bigint;
  /** Polling interval for receipts and event watchers, ms. Default 250. */
  pollingIntervalMs?: number;
  /** Base URL of an Open Inference Protocol v2 server (the devnet's, Triton, KServe) for `models.infer`. */
  inference?: string;
}

/** The AIDOC client: wallet, keys, records, grants, access requests and audit over one chain and one IPFS API. */
export interface AidocClient {
  chainId: number;
  contracts: AidocContracts;
  /** The signer's address (undefined when read-only). */
  address: `0x${string}` | undefined;
  content: ContentClient;
  publicClient: PublicClient;
  wallet: WalletApi;
  keys: KeysApi;
  records: RecordsApi;
  grants: GrantsApi;
  access: AccessApi;
  audit: AuditApi;
  /** Cross-DApp messages (DAppRegistry + Messenger). */
  messaging: MessagingApi;
  /** Notifications from DApps to users who allowed them. */
  notifications: NotificationsApi;
  /** Model registry, publishing and inference. */
  models: ModelsApi;
}

const optionsSchema = z
  .object({
    rpc: z
      .string()
      .regex(/^(https?|wss?):\/\//, 'an http(s):// or ws(s):// URL')
      .optional(),
    provider: z
      .custom<{ request: unknown }>(
        (p) => typeof (p as { request?: unknown })?.request === 'function',
        'an EIP-1193 provider',
      )
      .optional(),
    ipfs: z.union([
      z.string().url(),
      z.custom<ContentClient>((c) => typeof (c as ContentClient)?.add === 'function', 'a content client'),
    ]),
    signer: z.unknown().optional(),
    encryptionKey: z.unknown().optional(),
    deployments: z.unknown().optional(),
    fromBlock: z.bigint().nonnegative().optional(),
    pollingIntervalMs: z.number().int().min(10).max(60_000).optional(),
    inference: z
      .string()
      .regex(/^https?:\/\//, 'an http(s):// URL')
      .optional(),
  })
  .strict()
  .refine((o) => (o.rpc === undefined) !== (o.provider === undefined), 'give exactly one of rpc or provider');

function toSigner(signer: CreateAidocOptions['signer']): {
  account: Account | undefined;
  privateKey: string | undefined;
} {
  if (signer === undefined) return { account: undefined, privateKey: undefined };
  if (typeof signer === 'string') {
    const wallet = walletAccountFromPrivateKey(signer);
    return { account: wallet.toViemAccount(), privateKey: wallet.privateKey };
  }
  if (typeof (signer as WalletAccount).toViemAccount === 'function') {
    const wallet = signer as WalletAccount;
    return { account: wallet.toViemAccount(), privateKey: wallet.privateKey };
  }
  if (typeof (signer as Account).address === 'string')
    return { account: signer as Account, privateKey: undefined };
  throw new AidocError('INVALID_INPUT', 'signer must be a private key, a WalletAccount or a viem account.');
}

/**
 * Connects to an AIDOC deployment: resolves the chain id and contract addresses, sets up the signer and its
 * encryption key, and returns the client whose modules each CLI command calls.
 *
 * @example
 * ```ts
 * const aidoc = await createAidoc({ rpc: devnet.rpcUrl, ipfs: devnet.ipfsUrl, signer: devnet.accounts[0].privateKey });
 * await aidoc.keys.register();
 * const { recordId } = await aidoc.records.upload({ resource: heartRateObservation });
 * ```
 */
export async function createAidoc(options: CreateAidocOptions): Promise<AidocClient> {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    throw new AidocError('INVALID_INPUT', 'Invalid createAidoc options.', {
      details: parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '),
    });
  }
  const transport: Transport = options.provider
    ? custom(options.provider as EIP1193Provider)
    : options.rpc?.startsWith('ws')
      ? webSocket(options.rpc)
      : http(options.rpc);
  const pollingIntervalMs = options.pollingIntervalMs ?? 250;
  const probe = createPublicClient({ transport, pollingInterval: pollingIntervalMs });
  let chainId: number;
  try {
    chainId = await probe.getChainId();
  } catch (error) {
    throw contractErrorToAidocError(error, 'Connecting to the chain');
  }
  const chain = defineChain({
    id: chainId,
    name: `AIDOC chain ${chainId}`,
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: options.rpc?.startsWith('http') ? [options.rpc] : [] } },
  });
  const publicClient = createPublicClient({
    chain,
    transport,
    pollingInterval: pollingIntervalMs,
  }) as PublicClient;
  const contracts = await resolveDeployments(publicClient, chainId, {
    ...(options.deployments !== undefined ? { deployments: options.deployments } : {}),
  });
  const { account, privateKey } = toSigner(options.signer);
  let encryptionKey: EncryptionKeyPair | undefined;
  if (options.encryptionKey !== undefined) {
    if (typeof options.encryptionKey === 'string') {
      if (!/^(0x)?[0-9a-fA-F]{64}$/.test(options.encryptionKey)) {
        throw new AidocError('INVALID_INPUT', 'encryptionKey must be a 32-byte hex secret key.');
      }
      encryptionKey = encryptionKeyPairFromSecret(
        Buffer.from(options.encryptionKey.replace(/^0x/, ''), 'hex'),
      );
    } else if (typeof (options.encryptionKey as EncryptionKeyPair).publicKey === 'string') {
      encryptionKey = options.encryptionKey as EncryptionKeyPair;
    } else {
      throw new AidocError(
        'INVALID_INPUT',
        'encryptionKey must be a hex secret key or an EncryptionKeyPair.',
      );
    }
  } else if (privateKey) {
    encryptionKey = deriveEncryptionKey(privateKey as `0x${string}`);
  }
  const content =
    typeof options.ipfs === 'string' ? createContentClient({ url: options.ipfs }) : options.ipfs;
  const ctx: AidocContext = {
    chain,
    chainId,
    publicClient,
    walletClient: account
      ? createWalletClient({ account, chain, transport, pollingInterval: pollingIntervalMs })
      : undefined,
    account,
    content,
    contracts,
    encryptionKey,
    fromBlock: options.fromBlock ?? 0n,
    pollingIntervalMs,
  };
  const { wallet, keys } = createChainApis(ctx);
  const { internals, ...grants } = createGrantsApi(ctx);
  const records = createRecordsApi(ctx, internals.shareNewRecord);
  return {
    chainId,
    contracts,
    address: account?.address,
    content,
    publicClient,
    wallet,
    keys,
    records,
    grants,
    access: createAccessApi(ctx, internals),
    audit: createAuditApi(ctx),
    messaging: createMessagingApi(ctx),
    notifications: createNotificationsApi(ctx),
    models: createModelsApi(ctx, options.inference ? { inferenceUrl: options.inference } : {}),
  };
}
