import { messengerAbi } from '@aidoc/contracts';
import {
  type Address,
  decodeEventLog,
  type Hash,
  type Hex,
  isAddress,
  keccak256,
  stringToBytes,
  toHex,
} from 'viem';
import { z } from 'zod';
import type { AidocContext } from '../client/AidocContext';
import { contractErrorToAidocError } from '../client/contractErrorToAidocError';
import { fetchRegisteredKey } from '../client/fetchRegisteredKey';
import { requireSigner } from '../client/requireSigner';
import {
  PLACEHOLDER_CID,
  sendContractTransaction,
  simulateContractCall,
} from '../client/sendContractTransaction';
import { AidocError } from '../errors';
import { DEFAULT_MAX_PAYLOAD_BYTES } from '../messaging/createMessagingApi';
import {
  actingDAppId,
  type DAppRef,
  fetchDApp,
  messengerAddress,
  resolveDAppId,
} from '../messaging/DAppInfo';
import { fetchPayloadBytes } from '../messaging/fetchPayloadBytes';
import {
  type Finality,
  type FollowerStats,
  followLogs,
  type RpcLog,
  subscriptionUrl,
} from '../messaging/followLogs';
import { decodeMessagePayload, encodeMessagePayload, type MessagePayload } from '../messaging/messagePayload';
import { messagingRefusal } from '../messaging/messagingRefusal';
import { topicHash } from '../messaging/topicHash';
import { fileReadStateStore, memoryReadStateStore, type ReadStateStore } from './ReadStateStore';

/** A notification as listed (the body is read with `read`). */
export interface NotificationInfo {
  /** `txHash-logIndex`: stable and unique. */
  id: string;
  user: Address;
  dappId: bigint;
  topic: Hex;
  payloadCid: string;
  blockNumber: bigint;
  logIndex: number;
  txHash: Hash;
  /** Whether the read state marks it read. */
  read: boolean;
}

/** A notification with its decrypted body. */
export interface Notification extends NotificationInfo {
  /** The DApp's name. */
  dappName: string;
  topicName: string | undefined;
  body: MessagePayload | undefined;
  /** Why the body could not be read. */
  error: AidocError | undefined;
}

/** Options that choose where read marks live: a file path or a store. Default: in memory, per client. */
export interface ReadStateOption {
  readState?: string | ReadStateStore;
}

/** A running notification watcher. */
export interface NotificationWatcher {
  stop(): Promise<void>;
  readonly done: Promise<void>;
  readonly stats: FollowerStats & { delivered: number };
}

/** User notifications: a DApp notifies users who allowed it; users list, read and mark them. */
export interface NotificationsApi {
  /**
   * Allows (or with `false`, disallows) a DApp to notify this account.
   *
   * @example
   * ```ts
   * await aidoc.notifications.allow('lab-interpreter');
   * ```
   */
  allow(dapp: DAppRef, allowed?: boolean): Promise<{ txHash: Hash }>;
  /**
   * Whether `user` (default: this account) allowed the DApp to notify them.
   *
   * @example
   * ```ts
   * await aidoc.notifications.isAllowed('lab-interpreter', patientAddress);
   * ```
   */
  isAllowed(dapp: DAppRef, user?: Address): Promise<boolean>;
  /**
   * Notifies a user from one of this account's DApps: the body is encrypted to the user's registered key and
   * stored in IPFS, its CID goes on chain. Refused (nothing stored) when the user has not allowed the DApp.
   *
   * @example
   * ```ts
   * await aidoc.notifications.send(patient, 'lab-sheet.advice', { text: 'Glucose is high.' });
   * ```
   */
  send(
    user: Address,
    topic: string,
    body: MessagePayload,
    options?: { from?: DAppRef; encrypt?: boolean },
  ): Promise<{ id: string; txHash: Hash; payloadCid: string }>;
  /**
   * Lists notifications to `user` (default: this account), oldest first.
   *
   * @example
   * ```ts
   * const unread = await aidoc.notifications.list({ unreadOnly: true });
   * ```
   */
  list(
    options?: ReadStateOption & { user?: Address; unreadOnly?: boolean; dapp?: DAppRef },
  ): Promise<NotificationInfo[]>;
  /**
   * Fetches and decrypts a notification's body, and marks it read (unless `markRead: false`).
   *
   * @example
   * ```ts
   * const n = await aidoc.notifications.read(unread[0].id);
   * console.log(n.dappName, n.body);
   * ```
   */
  read(
    notification: string | NotificationInfo,
    options?: ReadStateOption & { markRead?: boolean },
  ): Promise<Notification>;
  /**
   * Marks notifications read (or unread with `read: false`).
   *
   * @example
   * ```ts
   * await aidoc.notifications.markRead([id], { readState: './read.json' });
   * ```
   */
  markRead(ids: string[], options?: ReadStateOption & { read?: boolean }): Promise<void>;
  /**
   * Calls `handler` with each new notification to this account (decrypted), in chain order: what a wallet app
   * runs. Follows the chain over a WebSocket and catches up after a dropped connection.
   *
   * @example
   * ```ts
   * const watcher = await aidoc.notifications.watch((n) => console.log(n.dappName, n.body));
   * await watcher.stop();
   * ```
   */
  watch(
    handler: (notification: Notification) => void | Promise<void>,
    options?: ReadStateOption & {
      fromBlock?: bigint;
      finality?: Finality;
      wsUrl?: string | false;
      onWarning?: (w: AidocError) => void;
    },
  ): Promise<NotificationWatcher>;
}

const notifiedTopic = keccak256(stringToBytes('Notified(address,uint256,bytes32,string)'));

/** Builds the notifications API. Internal: use `createAidoc(...).notifications`. */
export function createNotificationsApi(ctx: AidocContext): NotificationsApi {
  const defaultReadState = memoryReadStateStore();
  const readStateOf = (o: ReadStateOption | undefined): ReadStateStore => {
    const r = o?.readState;
    if (r === undefined) return defaultReadState;
    if (typeof r === 'string') return fileReadStateStore(r);
    if (typeof r?.load !== 'function' || typeof r?.save !== 'function') {
      throw new AidocError('INVALID_INPUT', 'readState must be a file path or a ReadStateStore.');
    }
    return r;
  };
  const userOf = (user: Address | undefined, action: string): Address => {
    if (user === undefined) return requireSigner(ctx, action).address;
    if (!isAddress(user)) throw new AidocError('INVALID_INPUT', `Not an address: ${String(user)}.`);
    return user;
  };

  function infoOf(log: RpcLog, read: Set<string>): NotificationInfo {
    const e = decodeEventLog({
      abi: messengerAbi,
      eventName: 'Notified',
      data: log.data,
      topics: log.topics as [Hex, ...Hex[]],
    });
    const logIndex = Number(BigInt(log.logIndex));
    const id = `${log.transactionHash}-${logIndex}`;
    return {
      id,
      user: e.args.user,
      dappId: e.args.dappId,
      topic: e.args.topic,
      payloadCid: e.args.payloadCid,
      blockNumber: BigInt(log.blockNumber),
      logIndex,
      txHash: log.transactionHash,
      read: read.has(id),
    };
  }

  async function logsFor(user: Address, dappId?: bigint, fromBlock = ctx.fromBlock): Promise<RpcLog[]> {
    try {
      const logs = (await ctx.publicClient.request({
        method: 'eth_getLogs' as never,
        params: [
          {
            address: messengerAddress(ctx),
            topics: [
              notifiedTopic,
              toHex(BigInt(user), { size: 32 }),
              dappId !== undefined ? toHex(dappId, { size: 32 }) : null,
            ],
            fromBlock: toHex(fromBlock),
            toBlock: 'latest',
          },
        ] as never,
      })) as RpcLog[];
      return logs;
    } catch (error) {
      throw contractErrorToAidocError(error, 'Listing notifications');
    }
  }

  async function open(info: NotificationInfo): Promise<Notification> {
    const dapp = await fetchDApp(ctx, info.dappId);
    let body: MessagePayload | undefined;
    let topicName: string | undefined;
    let error: AidocError | undefined;
    try {
      const wire = await fetchPayloadBytes(ctx.content, info.payloadCid, DEFAULT_MAX_PAYLOAD_BYTES);
      const decoded = decodeMessagePayload(
        wire,
        { kind: 'note', from: info.dappId, to: BigInt(info.user), topic: info.topic, topicName: '' },
        ctx.encryptionKey?.secretKey,
      );
      body = decoded.payload;
      topicName = keccak256(stringToBytes(decoded.topicName)) === info.topic ? decoded.topicName : undefined;
    } catch (e) {
      error = AidocError.is(e)
        ? e
        : new AidocError('DECRYPTION_FAILED', 'The notification could not be read.', { cause: e });
    }
    return { ...info, dappName: dapp.name, topicName, body, error };
  }

  const api: NotificationsApi = {
    async allow(dapp, allowed = true) {
      if (typeof allowed !== 'boolean') throw new AidocError('INVALID_INPUT', 'allowed must be a boolean.');
      const dappId = await resolveDAppId(ctx, dapp, 'notifying');
      try {
        const sent = await sendContractTransaction(ctx, 'Allowing notifications', {
          address: messengerAddress(ctx),
          abi: messengerAbi,
          functionName: 'allowNotifications',
          args: [dappId, allowed],
        });
        return { txHash: sent.hash };
      } catch (error) {
        throw messagingRefusal(error);
      }
    },

    async isAllowed(dapp, user) {
      const dappId = await resolveDAppId(ctx, dapp, 'notifying');
      const who = userOf(user, 'Reading a notification permission');
      try {
        return await ctx.publicClient.readContract({
          address: messengerAddress(ctx),
          abi: messengerAbi,
          functionName: 'notificationsAllowed',
          args: [who, dappId],
        });
      } catch (error) {
        throw contractErrorToAidocError(error, 'Reading a notification permission');
      }
    },

    async send(user, topic, body, options = {}) {
      const parsed = z
        .object({
          from: z.union([z.bigint(), z.number(), z.string()]).optional(),
          encrypt: z.boolean().optional(),
        })
        .strict()
        .safeParse(options);
      if (!parsed.success)
        throw new AidocError('INVALID_INPUT', 'Invalid notification options.', {
          details: parsed.error.message,
        });
      if (!isAddress(user)) throw new AidocError('INVALID_INPUT', `Not an address: ${String(user)}.`);
      if (body === undefined || typeof body === 'function' || typeof body === 'bigint') {
        throw new AidocError('INVALID_INPUT', 'The body must be bytes, a string or a JSON value.');
      }
      const topicBytes = topicHash(topic);
      const dappId = await actingDAppId(ctx, options.from, 'Notifying a user');
      const request = (cid: string) =>
        ({
          address: messengerAddress(ctx),
          abi: messengerAbi,
          functionName: 'notify',
          args: [dappId, user, topicBytes, cid],
        }) as const;
      try {
        await simulateContractCall(ctx, 'Notifying a user', request(PLACEHOLDER_CID));
      } catch (error) {
        throw messagingRefusal(error);
      }
      const encrypt = options.encrypt ?? true;
      let key: Hex | undefined;
      if (encrypt) {
        const registered = await fetchRegisteredKey(ctx, user);
        if (!registered) {
          throw new AidocError('NOT_FOUND', `${user} has no registered encryption key.`, {
            details:
              'The user registers one with keys.register(); or send with encrypt: false (the body is then public).',
          });
        }
        key = registered.publicKey;
      }
      const wire = encodeMessagePayload(
        body,
        { kind: 'note', from: dappId, to: BigInt(user), topic: topicBytes, topicName: topic },
        key,
      );
      if (wire.length > DEFAULT_MAX_PAYLOAD_BYTES) {
        throw new AidocError(
          'LIMIT_EXCEEDED',
          `The notification is ${wire.length} bytes, over the ${DEFAULT_MAX_PAYLOAD_BYTES}-byte limit.`,
        );
      }
      const { cid } = await ctx.content.add(wire, { cidVersion: 1 });
      try {
        const sent = await sendContractTransaction(ctx, 'Notifying a user', request(cid));
        const log = sent.receipt.logs.find((l) => l.topics[0] === notifiedTopic);
        return { id: `${sent.hash}-${log?.logIndex ?? 0}`, txHash: sent.hash, payloadCid: cid };
      } catch (error) {
        await ctx.content.unpin(cid).catch(() => {});
        throw messagingRefusal(error);
      }
    },

    async list(options = {}) {
      const user = userOf(options.user, 'Listing notifications');
      const dappId =
        options.dapp !== undefined ? await resolveDAppId(ctx, options.dapp, 'notifying') : undefined;
      const read = await readStateOf(options).load();
      const all = (await logsFor(user, dappId)).map((l) => infoOf(l, read));
      return options.unreadOnly ? all.filter((n) => !n.read) : all;
    },

    async read(notification, options = {}) {
      let info: NotificationInfo | undefined;
      const store = readStateOf(options);
      const readSet = await store.load();
      if (typeof notification === 'string') {
        const m = /^(0x[0-9a-fA-F]{64})-(\d+)$/.exec(notification);
        if (!m)
          throw new AidocError(
            'INVALID_INPUT',
            `Not a notification id: "${notification}" (expected txHash-logIndex).`,
          );
        const receipt = await ctx.publicClient
          .getTransactionReceipt({ hash: m[1] as Hash })
          .catch((error) => {
            throw new AidocError('NOT_FOUND', `No notification ${notification}.`, { cause: error });
          });
        const log = receipt.logs.find((l) => l.logIndex === Number(m[2]) && l.topics[0] === notifiedTopic);
        if (!log) throw new AidocError('NOT_FOUND', `No notification ${notification}.`);
        info = infoOf(
          {
            address: log.address,
            topics: log.topics as Hex[],
            data: log.data,
            blockNumber: toHex(log.blockNumber),
            blockHash: log.blockHash,
            transactionHash: log.transactionHash,
            logIndex: toHex(log.logIndex),
          },
          readSet,
        );
      } else info = notification;
      const opened = await open(info);
      if (options.markRead !== false && !opened.error) {
        readSet.add(opened.id);
        await store.save(readSet);
        opened.read = true;
      }
      return opened;
    },

    async markRead(ids, options = {}) {
      if (
        !Array.isArray(ids) ||
        !ids.every((id) => typeof id === 'string' && /^0x[0-9a-fA-F]{64}-\d+$/.test(id))
      ) {
        throw new AidocError('INVALID_INPUT', 'ids must be notification ids (txHash-logIndex).');
      }
      const store = readStateOf(options);
      const read = await store.load();
      for (const id of ids) {
        if (options.read === false) read.delete(id);
        else read.add(id);
      }
      await store.save(read);
    },

    async watch(handler, options = {}) {
      if (typeof handler !== 'function')
        throw new AidocError('INVALID_INPUT', 'watch needs a handler function.');
      const user = requireSigner(ctx, 'Watching notifications').address;
      const store = readStateOf(options);
      let scanFrom = options.fromBlock ?? (await ctx.publicClient.getBlockNumber()) + 1n;
      let last: [bigint, number] = [scanFrom - 1n, Number.MAX_SAFE_INTEGER];
      let delivered = 0;
      const follower = followLogs({
        ctx,
        wsUrl: subscriptionUrl(ctx, options.wsUrl),
        address: messengerAddress(ctx),
        topics: [notifiedTopic, toHex(BigInt(user), { size: 32 })],
        finality: options.finality ?? 'latest',
        maxBlockRange: 5000n,
        scanFrom: () => scanFrom,
        scannedThrough(block) {
          if (block + 1n > scanFrom) scanFrom = block + 1n;
        },
        async deliver(log) {
          const position: [bigint, number] = [BigInt(log.blockNumber), Number(BigInt(log.logIndex))];
          if (position[0] < last[0] || (position[0] === last[0] && position[1] <= last[1])) return 'ok';
          await handler(await open(infoOf(log, await store.load())));
          last = position;
          if (position[0] > scanFrom) scanFrom = position[0];
          delivered++;
          return 'ok';
        },
        onWarning: options.onWarning ?? (() => {}),
      });
      const stats = new Proxy({} as FollowerStats & { delivered: number }, {
        get: (_t, p) => (p === 'delivered' ? delivered : follower.stats[p as keyof FollowerStats]),
      });
      return { stop: () => follower.stop(), done: follower.done, stats };
    },
  };
  return api;
}
