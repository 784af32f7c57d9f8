import { join } from 'node:path';
import { devnetDeployer, systemDeploymentPlan } from '@aidoc/contracts';
import { AidocError } from '@aidoc/sdk/errors';
import { createAddressFromString, createContractAddress } from '@ethereumjs/util';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { Chain } from './chain/Chain';
import { DEFAULT_MNEMONIC, deriveDevAccounts } from './chain/devAccounts';
import { installJumpAnalysisCache } from './chain/installJumpAnalysisCache';
import type { StoredBlock } from './chain/StoredBlock';
import { QbftEngine } from './consensus/qbft/QbftEngine';
import { qbftMethods } from './consensus/qbft/qbftMethods';
import type { ContentStore } from './content/ContentStore';
import { type ContentServer, createContentServer } from './content/createContentServer';
import { createContentStore } from './content/createContentStore';
import { DevnetProvider } from './DevnetProvider';
import { createInferenceServer, type InferenceServer } from './inference/createInferenceServer';
import { publishReferenceModels } from './inference/publishReferenceModels';
import { debugMethods } from './rpc/debugMethods';
import { devMethods } from './rpc/devMethods';
import { ethMethods } from './rpc/ethMethods';
import { FilterManager } from './rpc/FilterManager';
import type { RpcContext, RpcHandler } from './rpc/RpcContext';
import { RpcDispatcher } from './rpc/RpcDispatcher';
import { type RpcServer, startRpcServer } from './rpc/RpcServer';
import type { BlockSelector } from './rpc/rpcParams';
import type { BlockSummary, Devnet, DevnetOptions } from './types';

const VERSION = '0.1.0';
const ETHER = 10n ** 18n;
/** How long an instant-mode eth_sendRawTransaction waits for its block before returning the hash anyway. */
const INCLUSION_WAIT_MS = 2_000;

/** Validator private keys of the devnet: public test keys derived from a fixed label. */
export function devnetValidatorKey(index: number): Uint8Array {
  return keccak_256(new TextEncoder().encode(`aidoc.devnet.validator.${index}`));
}

function checkOptions(
  o: DevnetOptions,
): Required<Pick<DevnetOptions, 'host' | 'port' | 'chainId' | 'accounts'>> {
  const int = (v: unknown, name: string, min: number, max: number) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      throw new AidocError(
        'INVALID_INPUT',
        `${name} must be an integer from ${min} to ${max}, got ${String(v)}`,
      );
    }
    return v;
  };
  const host = o.host ?? '127.0.0.1';
  if (typeof host !== 'string' || host.length === 0)
    throw new AidocError('INVALID_INPUT', 'host must be a non-empty string');
  if (
    o.blockTime !== undefined &&
    (typeof o.blockTime !== 'number' || !(o.blockTime >= 0) || !Number.isFinite(o.blockTime))
  ) {
    throw new AidocError(
      'INVALID_INPUT',
      `blockTime must be a number of seconds >= 0, got ${String(o.blockTime)}`,
    );
  }
  if (o.balance !== undefined && (typeof o.balance !== 'bigint' || o.balance < 0n)) {
    throw new AidocError('INVALID_INPUT', 'balance must be a non-negative bigint (in ether)');
  }
  return {
    host,
    port: int(o.port ?? 8545, 'port', 0, 65535),
    chainId: int(o.chainId ?? 31337, 'chainId', 1, 2 ** 53 - 1),
    accounts: int(o.accounts ?? 10, 'accounts', 1, 1000),
  };
}

/**
 * Start a devnet in this process: an EVM chain with system contracts at genesis, sealed in QBFT format,
 * served over Ethereum JSON-RPC (HTTP and WebSocket) and an in-process EIP-1193 provider.
 *
 * @example
 * ```ts
 * import { startDevnet } from '@aidoc/devnet';
 * const devnet = await startDevnet({ port: 0 });
 * const chainId = await devnet.provider.request({ method: 'eth_chainId' });
 * await devnet.stop();
 * ```
 */
export async function startDevnet(options: DevnetOptions = {}): Promise<Devnet> {
  const { host, port, chainId, accounts: accountCount } = checkOptions(options);
  if (
    options.ipfsPort !== undefined &&
    (!Number.isInteger(options.ipfsPort) || options.ipfsPort < 0 || options.ipfsPort > 65535)
  ) {
    throw new AidocError(
      'INVALID_INPUT',
      `ipfsPort must be an integer from 0 to 65535, got ${String(options.ipfsPort)}`,
    );
  }
  // A test suite that asks for a free RPC port wants free IPFS and inference ports too.
  const ipfsPort = options.ipfsPort ?? (port === 0 ? 0 : 5001);
  if (
    options.inferencePort !== undefined &&
    (!Number.isInteger(options.inferencePort) || options.inferencePort < 0 || options.inferencePort > 65535)
  ) {
    throw new AidocError(
      'INVALID_INPUT',
      `inferencePort must be an integer from 0 to 65535, got ${String(options.inferencePort)}`,
    );
  }
  const inferencePort = options.inferencePort ?? (port === 0 ? 0 : 9000);
  if (options.withModels && options.listen === false) {
    throw new AidocError('INVALID_INPUT', 'withModels needs the network servers (listen must not be false)');
  }
  const log = options.logger ?? (() => {});
  await installJumpAnalysisCache();
  const accounts = deriveDevAccounts(options.mnemonic ?? DEFAULT_MNEMONIC, accountCount);
  const balance = (options.balance ?? 10_000n) * ETHER;
  const validatorCount = options.validators ?? 4;
  if (!Number.isInteger(validatorCount) || validatorCount < 1 || validatorCount > 64) {
    throw new AidocError(
      'INVALID_INPUT',
      `validators must be an integer from 1 to 64, got ${String(options.validators)}`,
    );
  }
  const roundTimeoutMs = options.roundTimeout ?? 1000;
  if (!Number.isInteger(roundTimeoutMs) || roundTimeoutMs < 10 || roundTimeoutMs > 600_000) {
    throw new AidocError(
      'INVALID_INPUT',
      `roundTimeout must be an integer of milliseconds from 10 to 600000, got ${String(options.roundTimeout)}`,
    );
  }
  const producer = new QbftEngine({
    keys: Array.from({ length: validatorCount }, (_, i) => devnetValidatorKey(i)),
    roundTimeoutMs,
  });

  const steps = systemDeploymentPlan({
    deployer: devnetDeployer,
    governance: accounts[0]!.address,
    initialHolders: accounts.map((a) => ({ address: a.address, amount: 10_000n * ETHER })),
  });
  const chain = new Chain({
    chainId,
    alloc: accounts.map((a) => ({ address: a.address, balance })),
    validators: producer.genesisValidators(),
    genesisDeployment: { deployer: devnetDeployer.toLowerCase() as `0x${string}`, steps },
    dataDir: options.dataDir,
    fsync: options.fsync,
  });
  const resumed = await chain.init();
  if (resumed)
    log({
      level: 'info',
      msg: 'resumed from data directory',
      dataDir: options.dataDir,
      head: Number(chain.head.number),
    });
  const contracts = deployedAddresses(steps);

  const filters = new FilterManager(chain);
  const waiters = new Map<string, () => void>();
  chain.on('block', (b) => {
    for (const t of b.transactions) waiters.get(t.hash)?.();
  });
  chain.on('dropped', (hash, reason) => {
    waiters.get(hash)?.();
    log({ level: 'warn', msg: 'transaction dropped', hash, reason });
  });

  const ctx: RpcContext = {
    chain,
    producer,
    filters,
    devKeys: new Map(
      accounts.map((a) => [a.address, Uint8Array.from(Buffer.from(a.privateKey.slice(2), 'hex'))]),
    ),
    contracts,
    clientVersion: `AidocDevnet/v${VERSION}/${process.platform}-${process.arch}/node${process.versions.node}`,
    resolveBlock: (sel) => resolveBlock(chain, sel),
    resolveStateBlock: (sel) => {
      if ('tag' in sel && sel.tag !== 'earliest') return undefined;
      return resolveBlock(chain, sel).number;
    },
    awaitInclusion: (hash) => {
      const mode = producer.mode();
      if (!mode.automine || mode.blockTime > 0) return Promise.resolve();
      const pooled = chain.mempool.get(hash);
      if (!pooled || pooled.nonce >= chain.pendingNonce(pooled.from)) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const timer = setTimeout(done, INCLUSION_WAIT_MS);
        function done() {
          clearTimeout(timer);
          waiters.delete(hash);
          resolve();
        }
        waiters.set(hash, done);
      });
    },
  };
  const aidocMethods: Record<string, RpcHandler> = {
    aidoc_contracts: () => contracts,
    aidoc_nodeInfo: () => ({
      version: VERSION,
      chainId,
      validators: producer.validators().map((v) => `0x${Buffer.from(v).toString('hex')}`),
      mining: producer.mode(),
      head: { number: `0x${chain.head.number.toString(16)}`, hash: chain.head.hash },
    }),
  };
  const methods = new Map<string, RpcHandler>(
    Object.entries({
      ...ethMethods(ctx),
      ...devMethods(ctx),
      ...debugMethods(ctx),
      ...(qbftMethods(producer, chain) as Record<string, RpcHandler>),
      ...aidocMethods,
    }),
  );
  const onInternalError = (err: unknown) =>
    log({
      level: 'error',
      msg: 'internal error while serving a request',
      error: String((err as Error)?.stack ?? err),
    });
  // Reads first see the blocks that transactions already sent are waiting for (instant mode batches back-to-back
  // sends into one block), then any block still being written to disk.
  const SENDS = new Set(['eth_sendRawTransaction', 'eth_sendTransaction']);
  const barrier = (method: string): Promise<unknown> | undefined => {
    if (SENDS.has(method)) return undefined;
    const flush = producer.flushPending();
    const settled = chain.settled();
    if (!flush) return settled;
    return flush.then(() => chain.settled());
  };
  const dispatcher = new RpcDispatcher(methods, onInternalError, barrier);
  const provider = new DevnetProvider(dispatcher, onInternalError);
  producer.start(chain);
  if (options.blockTime && options.blockTime > 0) producer.setBlockTime(options.blockTime);
  chain.on('pendingTransaction', () => producer.notifyPending());

  let server: RpcServer | undefined;
  let ipfs: ContentServer | undefined;
  let inference: InferenceServer | undefined;
  let content: ContentStore;
  const contentDir = options.dataDir !== undefined ? join(options.dataDir, 'ipfs') : undefined;
  try {
    if (options.listen !== false) {
      // IPFS first: once eth_chainId answers, every endpoint of the devnet is up.
      ipfs = await createContentServer({
        host,
        port: ipfsPort,
        ...(contentDir !== undefined ? { dataDir: contentDir } : {}),
        ...(options.fsync ? { fsync: true } : {}),
        ...(options.logger ? { logger: options.logger } : {}),
      });
      content = ipfs.store;
      inference = await createInferenceServer({
        host,
        port: inferencePort,
        provider,
        registry: contracts.ModelRegistry as `0x${string}`,
        content,
        logger: options.logger,
      });
      server = await startRpcServer(dispatcher, { host, port });
    } else {
      content = await createContentStore({
        ...(contentDir !== undefined ? { dataDir: contentDir } : {}),
        ...(options.fsync ? { fsync: true } : {}),
      });
    }
  } catch (e) {
    await server?.close();
    await inference?.close();
    await ipfs?.close();
    await producer.stop();
    filters.close();
    await chain.close();
    throw e;
  }
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const listeners = new Set<(b: BlockSummary) => void>();
  chain.on('block', (b: StoredBlock) => {
    if (listeners.size === 0) return;
    const s: BlockSummary = {
      number: b.number,
      hash: b.hash,
      timestamp: b.header.timestamp,
      transactions: b.transactions.length,
      gasUsed: b.header.gasUsed,
      baseFeePerGas: b.header.baseFeePerGas,
    };
    for (const l of listeners) l(s);
  });
  let stopped: Promise<void> | undefined;
  if (options.withModels && ipfs) {
    // Published by dev account 0 through the SDK, as any DApp would; versions a resumed directory already has are kept.
    const { createAidoc } = await import('@aidoc/sdk');
    const aidoc = await createAidoc({ provider, ipfs: ipfs.url, signer: accounts[0]!.privateKey });
    const published = await publishReferenceModels(aidoc.models);
    log({
      level: 'info',
      msg: 'reference models published',
      models: published.map((m) => `${m.name}@${m.version}`),
    });
  }
  log({
    level: 'info',
    msg: 'devnet ready',
    chainId,
    rpc: server ? `http://${urlHost}:${server.port}` : undefined,
    ipfs: ipfs?.url,
    inference: inference?.url,
  });
  return {
    rpcUrl: server ? `http://${urlHost}:${server.port}` : '',
    wsUrl: server ? `ws://${urlHost}:${server.port}` : '',
    ipfsUrl: ipfs?.url ?? '',
    inferenceUrl: inference?.url ?? '',
    content,
    chainId,
    accounts: accounts.map((a) => ({ address: a.address, privateKey: a.privateKey })),
    contracts,
    provider,
    onBlock(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    stop() {
      stopped ??= (async () => {
        await producer.stop();
        filters.close();
        provider.close();
        await server?.close();
        await inference?.close();
        if (ipfs) await ipfs.close();
        else await content.close();
        await chain.close();
        chain.removeAllListeners();
      })();
      return stopped;
    },
  };
}

function deployedAddresses(steps: ReturnType<typeof systemDeploymentPlan>): Record<string, `0x${string}`> {
  // Every create step's address follows from the deployer's nonce; keep the proxies (public names only).
  const out: Record<string, `0x${string}`> = {};
  let nonce = 0n;
  const deployer = devnetDeployer.toLowerCase();
  for (const step of steps) {
    if (step.kind === 'create') {
      const addr = contractAddress(deployer, nonce);
      if (!step.name.endsWith('Implementation')) out[step.name] = addr;
    }
    nonce++;
  }
  return out;
}

function contractAddress(from: string, nonce: bigint): `0x${string}` {
  return createContractAddress(createAddressFromString(from), nonce).toString() as `0x${string}`;
}

function resolveBlock(chain: Chain, sel: BlockSelector): StoredBlock {
  if ('tag' in sel) {
    if (sel.tag === 'earliest') return chain.blocks.byNumber(0n)!;
    return chain.head;
  }
  if ('number' in sel) {
    const b = chain.blocks.byNumber(sel.number);
    if (!b) throw new AidocError('NOT_FOUND', `block ${sel.number} not found (head is ${chain.head.number})`);
    return b;
  }
  const b = chain.blocks.getByHash(sel.hash);
  if (!b) throw new AidocError('NOT_FOUND', `block ${sel.hash} not found`);
  return b;
}
