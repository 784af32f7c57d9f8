import { dAppRegistryAbi, messengerAbi } from '@aidoc/contracts';
import {
  type Address,
  decodeEventLog,
  type Hash,
  type Hex,
  keccak256,
  parseEventLogs,
  stringToBytes,
  toHex,
} from 'viem';
import { z } from 'zod';
import type { AidocContext } from '../client/AidocContext';
import { contractErrorToAidocError } from '../client/contractErrorToAidocError';
import { requireEncryptionKey, requireSigner } from '../client/requireSigner';
import {
  PLACEHOLDER_CID,
  sendContractTransaction,
  simulateContractCall,
} from '../client/sendContractTransaction';
import type { EncryptionKeyPair } from '../crypto/encryptionKeyPair';
import { AidocError } from '../errors';
import {
  actingDAppId,
  type DAppInfo,
  type DAppRef,
  dappRegistryAddress,
  fetchDApp,
  messengerAddress,
  ownedDAppIds,
  resolveDAppId,
} from './DAppInfo';
import { fetchPayloadBytes } from './fetchPayloadBytes';
import { fileCursorStore } from './fileCursorStore';
import { type Finality, type FollowerStats, followLogs, type RpcLog, subscriptionUrl } from './followLogs';
import type { CursorStore, MessageCursor } from './MessageCursor';
import {
  decodeMessagePayload,
  encodeMessagePayload,
  type MessagePayload,
  type PayloadBinding,
} from './messagePayload';
import { messagingRefusal } from './messagingRefusal';
import { topicHash } from './topicHash';

/** Largest inline payload Messenger accepts, in bytes (its `MAX_INLINE_PAYLOAD`). */
export const MAX_INLINE_PAYLOAD = 8192;
/** Default largest payload (inline or IPFS) the SDK sends or fetches, in bytes. */
export const DEFAULT_MAX_PAYLOAD_BYTES = 16 * 1024 * 1024;

/** Input of {@link MessagingApi.register}. */
export interface RegisterDAppInput {
  /** Unique DApp name. */
  name: string;
  /** Topic names the DApp accepts from the start (e.g. `lab-sheet.values`). */
  topics?: string[];
  /** Public key other DApps encrypt to. Default: this client's encryption key. */
  encryptionKey?: Hex;
}

/** A newly registered DApp. */
export interface RegisteredDApp {
  dappId: bigint;
  name: string;
  topics: Hex[];
  encryptionKey: Hex;
  txHash: Hash;
}

/** Options of {@link MessagingApi.send}. */
export interface SendOptions {
  /** The sending DApp. Default: the only active DApp this account owns. */
  from?: DAppRef;
  /** `inline` (in the transaction, ≤ 8192 bytes), `ipfs` (a CID), or `auto` (inline when it fits). Default `auto`. */
  storage?: 'auto' | 'inline' | 'ipfs';
  /** Encrypt to the receiving DApp's key. Default true: the chain and IPFS are public. */
  encrypt?: boolean;
  /** Refuse payloads larger than this many bytes (encoded). Default 16 MiB. */
  maxPayloadBytes?: number;
}

/** A message as sent. */
export interface SentMessage {
  fromDapp: bigint;
  toDapp: bigint;
  /** Number of the message on the (from, to) channel, from 1. */
  sequence: bigint;
  topic: Hex;
  topicName: string;
  /** CID when the payload went to IPFS. */
  payloadCid: string | undefined;
  inline: boolean;
  encrypted: boolean;
  /** Encoded payload size in bytes. */
  size: number;
  txHash: Hash;
  blockNumber: bigint;
}

/** A message delivered to a listener's handler. */
export interface ReceivedMessage {
  /** `from-to-sequence`: unique per message, stable across restarts (an idempotency key). */
  id: string;
  fromDapp: bigint;
  toDapp: bigint;
  sequence: bigint;
  topic: Hex;
  /** The topic's name when the payload carries it and it matches `topic`. */
  topicName: string | undefined;
  /** The decoded payload; undefined when it could not be read (see `error`). */
  payload: MessagePayload | undefined;
  /** Why the payload could not be read (not decryptable, not in IPFS, not an AIDOC payload). */
  error: AidocError | undefined;
  encrypted: boolean;
  payloadCid: string | undefined;
  inline: boolean;
  blockNumber: bigint;
  logIndex: number;
  txHash: Hash;
}

/** Points at a message: what `ack` and `waitForAck` need. */
export interface MessageRef {
  fromDapp: DAppRef;
  toDapp: DAppRef;
  sequence: bigint | number;
  /** The message's topic (hash or name); looked up on chain when absent. */
  topic?: string;
}

/** A message handler: return (or resolve) once the message is handled; a throw stops the listener. */
export type MessageHandler = (message: ReceivedMessage) => void | Promise<void>;

/** Options of {@link MessagingApi.listen}. */
export interface ListenOptions {
  /** A cursor file path or a {@link CursorStore}; the cursor is saved after each handled message. */
  cursor: string | CursorStore;
  /** `latest` (default) or `finalized`: deliver only messages in blocks the chain reports finalized. */
  finality?: Finality;
  /** WebSocket URL for `eth_subscribe`; default derived from the client's RPC URL; `false` polls only. */
  wsUrl?: string | false;
  /** Key to decrypt with, when the DApp's registered key is not this client's encryption key. */
  encryptionKey?: EncryptionKeyPair;
  /** Largest payload fetched from IPFS, bytes. Default 16 MiB. */
  maxPayloadBytes?: number;
  /** Largest block range per eth_getLogs call. Default 5000. */
  maxBlockRange?: number;
  /** Called with non-fatal problems (a dropped connection that is being retried). */
  onWarning?: (warning: AidocError) => void;
}

/** Counters of a running listener. */
export interface ListenerStats extends FollowerStats {
  /** Messages handed to the handler and saved in the cursor. */
  delivered: number;
  /** Messages seen twice (from a scan and the subscription) and skipped. */
  duplicates: number;
}

/** A running listener. */
export interface MessageListener {
  readonly dappId: bigint;
  /**
   * Stops after the message being handled (its cursor saved); resolves when stopped. From inside the handler,
   * call it without awaiting (`void listener.stop()`): no further message is delivered.
   */
  stop(): Promise<void>;
  /** Resolves after `stop()`; rejects with the error that stopped the listener (a handler throw). */
  readonly done: Promise<void>;
  readonly stats: ListenerStats;
  /** The cursor as last saved. */
  cursor(): MessageCursor;
}

/** An acknowledgement, as the sender sees it. */
export interface AckInfo {
  fromDapp: bigint;
  toDapp: bigint;
  sequence: bigint;
  /** CID of the result ('' when the ack carried none). */
  resultCid: string;
  /** The decoded result, when there is one and it could be read. */
  result: MessagePayload | undefined;
  /** Why the result could not be read. */
  error: AidocError | undefined;
  txHash: Hash;
  blockNumber: bigint;
}

/** Cross-DApp messaging over DAppRegistry + Messenger. */
export interface MessagingApi {
  /**
   * Registers a DApp owned by this account, with its encryption key and accepted topics.
   *
   * @example
   * ```ts
   * const { dappId } = await aidoc.messaging.register({ name: 'lab-ocr', topics: ['lab-sheet.image'] });
   * ```
   */
  register(input: RegisterDAppInput): Promise<RegisteredDApp>;
  /**
   * Reads a DApp by id or name.
   *
   * @example
   * ```ts
   * const { dappId, encryptionKey } = await aidoc.messaging.get('lab-interpreter');
   * ```
   */
  get(dapp: DAppRef): Promise<DAppInfo>;
  /**
   * The active DApps this account owns.
   *
   * @example
   * ```ts
   * for (const d of await aidoc.messaging.owned()) console.log(d.dappId, d.name);
   * ```
   */
  owned(): Promise<DAppInfo[]>;
  /**
   * Starts or stops accepting topics.
   *
   * @example
   * ```ts
   * await aidoc.messaging.setTopics('lab-ocr', { accept: ['lab-sheet.pdf'], refuse: ['lab-sheet.fax'] });
   * ```
   */
  setTopics(dapp: DAppRef, change: { accept?: string[]; refuse?: string[] }): Promise<{ txHashes: Hash[] }>;
  /**
   * Whether a DApp accepts a topic.
   *
   * @example
   * ```ts
   * if (await aidoc.messaging.accepts('lab-interpreter', 'lab-sheet.values')) …
   * ```
   */
  accepts(dapp: DAppRef, topic: string): Promise<boolean>;
  /**
   * Sends a message to another DApp: the payload is encrypted to the receiver's key (unless `encrypt: false`),
   * inline when it fits in 8192 bytes, else in IPFS. Refusals (unknown DApp, topic not accepted, too large)
   * throw before anything is stored or sent.
   *
   * @example
   * ```ts
   * const sent = await aidoc.messaging.send('lab-interpreter', 'lab-sheet.values', { glucose: 7.9 });
   * console.log(sent.sequence);
   * ```
   */
  send(to: DAppRef, topic: string, payload: MessagePayload, options?: SendOptions): Promise<SentMessage>;
  /**
   * Delivers each message to `dapp` exactly once, in channel order, to `handler`, resuming from the cursor;
   * catches up with eth_getLogs after a restart or a dropped WebSocket, then follows new logs.
   *
   * @example
   * ```ts
   * const listener = await aidoc.messaging.listen('lab-interpreter', async (m) => {
   *   console.log(m.sequence, m.payload);
   * }, { cursor: './interpreter.cursor.json' });
   * await listener.stop();
   * ```
   */
  listen(dapp: DAppRef, handler: MessageHandler, options: ListenOptions): Promise<MessageListener>;
  /**
   * Acknowledges a received message once, optionally with a result (encrypted to the sender DApp's key and
   * stored in IPFS; its CID goes on chain).
   *
   * @example
   * ```ts
   * await aidoc.messaging.ack(message, { flagged: ['glucose'] });
   * ```
   */
  ack(
    message: ReceivedMessage | MessageRef,
    result?: MessagePayload,
    options?: { encrypt?: boolean },
  ): Promise<{ txHash: Hash; resultCid: string }>;
  /**
   * Waits until the receiver acknowledges a sent message and reads its result.
   *
   * @example
   * ```ts
   * const ack = await aidoc.messaging.waitForAck(sent, { timeoutMs: 30_000 });
   * ```
   */
  waitForAck(message: SentMessage | MessageRef, options?: { timeoutMs?: number }): Promise<AckInfo>;
  /**
   * Sends a message and waits for its acknowledgement: request/response between DApps.
   *
   * @example
   * ```ts
   * const { ack } = await aidoc.messaging.request('lab-interpreter', 'lab-sheet.values', values);
   * console.log(ack.result);
   * ```
   */
  request(
    to: DAppRef,
    topic: string,
    payload: MessagePayload,
    options?: SendOptions & { timeoutMs?: number },
  ): Promise<{ sent: SentMessage; ack: AckInfo }>;
}

const topicsSchema = z.array(z.string().min(1).max(256)).max(256);
const sendOptionsSchema = z
  .object({
    from: z.union([z.bigint(), z.number(), z.string()]).optional(),
    storage: z.enum(['auto', 'inline', 'ipfs']).optional(),
    encrypt: z.boolean().optional(),
    maxPayloadBytes: z.number().int().positive().optional(),
    timeoutMs: z.number().int().positive().optional(),
  })
  .strict();

function invalid(what: string, error: z.ZodError): AidocError {
  return new AidocError('INVALID_INPUT', `Invalid ${what}.`, {
    details: error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '),
  });
}

function isPayload(value: unknown): value is MessagePayload {
  return (
    value !== undefined &&
    typeof value !== 'function' &&
    typeof value !== 'symbol' &&
    typeof value !== 'bigint'
  );
}

/** Builds the messaging API. Internal: use `createAidoc(...).messaging`. */
export function createMessagingApi(ctx: AidocContext): MessagingApi {
  async function receiverKey(dapp: DAppInfo): Promise<Hex> {
    if (!dapp.active) {
      throw new AidocError('NOT_FOUND', `DApp ${dapp.dappId} (${dapp.name}) is deactivated.`, {
        data: { dappId: dapp.dappId.toString() },
      });
    }
    return dapp.encryptionKey;
  }

  async function readPayload(
    wireSource: { payloadCid: string; inline: Hex },
    binding: PayloadBinding,
    key: EncryptionKeyPair | undefined,
    maxPayloadBytes: number,
  ): Promise<{
    payload: MessagePayload | undefined;
    topicName: string | undefined;
    encrypted: boolean;
    error: AidocError | undefined;
  }> {
    let wire: Uint8Array;
    try {
      wire = wireSource.payloadCid
        ? await fetchPayloadBytes(ctx.content, wireSource.payloadCid, maxPayloadBytes)
        : Uint8Array.from(Buffer.from(wireSource.inline.slice(2), 'hex'));
    } catch (error) {
      const e = AidocError.is(error)
        ? error
        : new AidocError('NETWORK', 'Fetching the payload failed.', { cause: error });
      return { payload: undefined, topicName: undefined, encrypted: false, error: e };
    }
    const encrypted = wire.length > 5 && ((wire[5] ?? 0) & 1) === 1;
    try {
      const decoded = decodeMessagePayload(wire, binding, key?.secretKey);
      const topicName =
        keccak256(stringToBytes(decoded.topicName)) === binding.topic ? decoded.topicName : undefined;
      return { payload: decoded.payload, topicName, encrypted: decoded.encrypted, error: undefined };
    } catch (error) {
      const e = AidocError.is(error)
        ? error
        : new AidocError('DECRYPTION_FAILED', 'The payload could not be decoded.', { cause: error });
      return { payload: undefined, topicName: undefined, encrypted, error: e };
    }
  }

  async function storeAndSend(
    action: string,
    wire: Uint8Array,
    storage: 'auto' | 'inline' | 'ipfs',
    maxPayloadBytes: number,
    sendWith: (
      payloadCid: string,
      inline: Hex,
    ) => Promise<Awaited<ReturnType<typeof sendContractTransaction>>>,
  ) {
    if (wire.length > maxPayloadBytes) {
      throw new AidocError(
        'LIMIT_EXCEEDED',
        `${action}: the payload is ${wire.length} bytes, over the ${maxPayloadBytes}-byte limit.`,
        {
          details: 'Send a reference (a record id or CID) instead, or raise maxPayloadBytes.',
        },
      );
    }
    const inline = storage === 'inline' || (storage === 'auto' && wire.length <= MAX_INLINE_PAYLOAD);
    if (inline && wire.length > MAX_INLINE_PAYLOAD) {
      throw new AidocError(
        'LIMIT_EXCEEDED',
        `${action}: an inline payload is limited to ${MAX_INLINE_PAYLOAD} bytes (this one is ${wire.length}).`,
        {
          details: "Use storage: 'ipfs' (or 'auto') for larger payloads.",
        },
      );
    }
    if (inline) return { sent: await sendWith('', toHex(wire)), payloadCid: undefined };
    const { cid } = await ctx.content.add(wire, { cidVersion: 1 });
    try {
      return { sent: await sendWith(cid, '0x'), payloadCid: cid };
    } catch (error) {
      await ctx.content.unpin(cid).catch(() => {});
      throw error;
    }
  }

  async function send(
    to: DAppRef,
    topic: string,
    payload: MessagePayload,
    options: SendOptions = {},
  ): Promise<SentMessage> {
    const parsed = sendOptionsSchema.safeParse(options);
    if (!parsed.success) throw invalid('send options', parsed.error);
    if (!isPayload(payload))
      throw new AidocError('INVALID_INPUT', 'The payload must be bytes, a string or a JSON value.');
    requireSigner(ctx, 'Sending a message');
    const topicBytes = topicHash(topic);
    const fromDapp = await actingDAppId(ctx, options.from, 'Sending a message');
    const receiver = await fetchDApp(ctx, to, 'receiving');
    const messenger = messengerAddress(ctx);
    const request = (payloadCid: string, inline: Hex) =>
      ({
        address: messenger,
        abi: messengerAbi,
        functionName: 'send',
        args: [fromDapp, receiver.dappId, topicBytes, payloadCid, inline],
      }) as const;
    try {
      await simulateContractCall(ctx, 'Sending a message', request(PLACEHOLDER_CID, '0x'));
    } catch (error) {
      throw messagingRefusal(error);
    }
    const encrypt = options.encrypt ?? true;
    const binding: PayloadBinding = {
      kind: 'msg',
      from: fromDapp,
      to: receiver.dappId,
      topic: topicBytes,
      topicName: topic,
    };
    const wire = encodeMessagePayload(payload, binding, encrypt ? await receiverKey(receiver) : undefined);
    const { sent, payloadCid } = await storeAndSend(
      'Sending a message',
      wire,
      options.storage ?? 'auto',
      options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES,
      async (cid, inline) => {
        try {
          return await sendContractTransaction(ctx, 'Sending a message', request(cid, inline));
        } catch (error) {
          throw messagingRefusal(error);
        }
      },
    );
    const event = parseEventLogs({ abi: messengerAbi, logs: sent.receipt.logs, eventName: 'MessageSent' })[0];
    if (!event) throw new AidocError('INTERNAL', 'Sending a message: the receipt has no MessageSent event.');
    return {
      fromDapp,
      toDapp: receiver.dappId,
      sequence: event.args.sequence,
      topic: topicBytes,
      topicName: topic,
      payloadCid,
      inline: payloadCid === undefined,
      encrypted: encrypt,
      size: wire.length,
      txHash: sent.hash,
      blockNumber: sent.receipt.blockNumber,
    };
  }

  async function messageTopic(fromDapp: bigint, toDapp: bigint, sequence: bigint): Promise<Hex> {
    const logs = await ctx.publicClient.getContractEvents({
      address: messengerAddress(ctx),
      abi: messengerAbi,
      eventName: 'MessageSent',
      args: { fromDapp, toDapp, sequence },
      fromBlock: ctx.fromBlock,
    });
    const topic = logs[0]?.args.topic;
    if (!topic) {
      throw new AidocError('NOT_FOUND', `No message ${fromDapp}→${toDapp} #${sequence} exists.`, {
        data: { fromDapp: fromDapp.toString(), toDapp: toDapp.toString(), sequence: sequence.toString() },
      });
    }
    return topic;
  }

  async function refOf(message: ReceivedMessage | MessageRef | SentMessage) {
    const fromDapp = await resolveDAppId(ctx, message.fromDapp, 'sending');
    const toDapp = await resolveDAppId(ctx, message.toDapp, 'receiving');
    const sequence = BigInt(message.sequence);
    if (sequence <= 0n) throw new AidocError('INVALID_INPUT', 'A message sequence number starts at 1.');
    const topic = message.topic ? topicHash(message.topic) : await messageTopic(fromDapp, toDapp, sequence);
    return { fromDapp, toDapp, sequence, topic };
  }

  const api: MessagingApi = {
    async register(input) {
      const parsed = z
        .object({
          name: z.string().min(1).max(128),
          topics: topicsSchema.optional(),
          encryptionKey: z
            .string()
            .regex(/^0x(0[23][0-9a-fA-F]{64}|04[0-9a-fA-F]{128})$/)
            .optional(),
        })
        .strict()
        .safeParse(input);
      if (!parsed.success) throw invalid('DApp registration', parsed.error);
      const key = (parsed.data.encryptionKey ??
        requireEncryptionKey(ctx, 'Registering a DApp').publicKey) as Hex;
      const topics = (parsed.data.topics ?? []).map(topicHash);
      let sent: Awaited<ReturnType<typeof sendContractTransaction>>;
      try {
        sent = await sendContractTransaction(ctx, 'Registering a DApp', {
          address: dappRegistryAddress(ctx),
          abi: dAppRegistryAbi,
          functionName: 'register',
          args: [parsed.data.name, key, topics],
        });
      } catch (error) {
        throw messagingRefusal(error);
      }
      const event = parseEventLogs({
        abi: dAppRegistryAbi,
        logs: sent.receipt.logs,
        eventName: 'DAppRegistered',
      })[0];
      if (!event)
        throw new AidocError('INTERNAL', 'Registering a DApp: the receipt has no DAppRegistered event.');
      return {
        dappId: event.args.dappId,
        name: parsed.data.name,
        topics,
        encryptionKey: key,
        txHash: sent.hash,
      };
    },

    get: (dapp) => fetchDApp(ctx, dapp),

    async owned() {
      const ids = await ownedDAppIds(ctx);
      return Promise.all(ids.map((id) => fetchDApp(ctx, id)));
    },

    async setTopics(dapp, change) {
      const parsed = z
        .object({ accept: topicsSchema.optional(), refuse: topicsSchema.optional() })
        .strict()
        .safeParse(change);
      if (!parsed.success) throw invalid('topic change', parsed.error);
      const dappId = await resolveDAppId(ctx, dapp, 'changed');
      const txHashes: Hash[] = [];
      const changes = [
        ...(parsed.data.accept ?? []).map((t) => [topicHash(t), true] as const),
        ...(parsed.data.refuse ?? []).map((t) => [topicHash(t), false] as const),
      ];
      for (const [topic, accepted] of changes) {
        try {
          const sent = await sendContractTransaction(ctx, 'Changing accepted topics', {
            address: dappRegistryAddress(ctx),
            abi: dAppRegistryAbi,
            functionName: 'setTopic',
            args: [dappId, topic, accepted],
          });
          txHashes.push(sent.hash);
        } catch (error) {
          throw messagingRefusal(error);
        }
      }
      return { txHashes };
    },

    async accepts(dapp, topic) {
      const dappId = await resolveDAppId(ctx, dapp, 'receiving');
      try {
        return await ctx.publicClient.readContract({
          address: dappRegistryAddress(ctx),
          abi: dAppRegistryAbi,
          functionName: 'acceptsTopic',
          args: [dappId, topicHash(topic)],
        });
      } catch (error) {
        throw contractErrorToAidocError(error, 'Reading accepted topics');
      }
    },

    send,

    async listen(dapp, handler, options) {
      if (typeof handler !== 'function')
        throw new AidocError('INVALID_INPUT', 'listen needs a handler function.');
      const parsed = z
        .object({
          cursor: z.union([
            z.string().min(1),
            z.custom<CursorStore>(
              (c) =>
                typeof (c as CursorStore)?.load === 'function' &&
                typeof (c as CursorStore)?.save === 'function',
              'a cursor store',
            ),
          ]),
          finality: z.enum(['latest', 'finalized']).optional(),
          wsUrl: z.union([z.string().regex(/^wss?:\/\//, 'a ws(s):// URL'), z.literal(false)]).optional(),
          encryptionKey: z.unknown().optional(),
          maxPayloadBytes: z.number().int().positive().optional(),
          maxBlockRange: z.number().int().positive().optional(),
          onWarning: z.function().optional(),
        })
        .strict()
        .safeParse(options);
      if (!parsed.success) throw invalid('listen options', parsed.error);
      const info = await fetchDApp(ctx, dapp, 'listening');
      const dappId = info.dappId;
      const key = options.encryptionKey ?? ctx.encryptionKey;
      if (!key || key.publicKey.toLowerCase() !== info.encryptionKey.toLowerCase()) {
        throw new AidocError('UNAUTHORIZED', `This client does not hold DApp ${dappId}'s encryption key.`, {
          details:
            "Messages to the DApp are encrypted to its registered key; pass that key pair as `encryptionKey`, or create the client with the DApp owner's signer.",
        });
      }
      const store = typeof options.cursor === 'string' ? fileCursorStore(options.cursor) : options.cursor;
      const loaded = await store.load();
      if (loaded && loaded.dappId !== dappId.toString()) {
        throw new AidocError('INVALID_INPUT', `The cursor belongs to DApp ${loaded.dappId}, not ${dappId}.`, {
          details: 'Use one cursor per DApp and handler.',
        });
      }
      const cursor: MessageCursor = loaded ?? {
        version: 1,
        dappId: dappId.toString(),
        block: ctx.fromBlock.toString(),
        channels: {},
      };
      let scanFrom = BigInt(cursor.block);
      const maxPayloadBytes = options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES;
      const onWarning = options.onWarning ?? (() => {});
      const counters = { delivered: 0, duplicates: 0 };

      const follower = followLogs({
        ctx,
        wsUrl: subscriptionUrl(ctx, options.wsUrl),
        address: messengerAddress(ctx),
        topics: [messageSentTopic, null, toHex(dappId, { size: 32 })],
        finality: options.finality ?? 'latest',
        maxBlockRange: BigInt(options.maxBlockRange ?? 5000),
        scanFrom: () => scanFrom,
        scannedThrough(block) {
          if (block + 1n > scanFrom) scanFrom = block + 1n;
        },
        async deliver(log: RpcLog, live: boolean) {
          const event = decodeEventLog({
            abi: messengerAbi,
            eventName: 'MessageSent',
            data: log.data,
            topics: log.topics as [Hex, ...Hex[]],
          });
          const { fromDapp, toDapp, sequence, topic, payloadCid, payload } = event.args;
          if (toDapp !== dappId) return 'ok';
          const last = cursor.channels[fromDapp.toString()];
          if (last !== undefined && sequence <= BigInt(last)) {
            counters.duplicates++;
            return 'ok';
          }
          if (last !== undefined ? sequence !== BigInt(last) + 1n : live && sequence !== 1n) return 'rescan';
          const read = await readPayload(
            { payloadCid, inline: payload },
            { kind: 'msg', from: fromDapp, to: toDapp, topic, topicName: '' },
            key,
            maxPayloadBytes,
          );
          const blockNumber = BigInt(log.blockNumber);
          await handler({
            id: `${fromDapp}-${toDapp}-${sequence}`,
            fromDapp,
            toDapp,
            sequence,
            topic,
            topicName: read.topicName,
            payload: read.payload,
            error: read.error,
            encrypted: read.encrypted,
            payloadCid: payloadCid || undefined,
            inline: !payloadCid,
            blockNumber,
            logIndex: Number(BigInt(log.logIndex)),
            txHash: log.transactionHash,
          });
          cursor.channels[fromDapp.toString()] = sequence.toString();
          cursor.block = blockNumber.toString();
          if (blockNumber > scanFrom) scanFrom = blockNumber;
          await store.save(cursor);
          counters.delivered++;
          return 'ok';
        },
        onWarning,
      });
      const stats = new Proxy({} as ListenerStats, {
        get: (_t, p) =>
          p in counters ? counters[p as keyof typeof counters] : follower.stats[p as keyof FollowerStats],
      });
      return {
        dappId,
        done: follower.done,
        stats,
        cursor: () => structuredClone(cursor),
        async stop() {
          await follower.stop();
          if (scanFrom > BigInt(cursor.block)) {
            cursor.block = scanFrom.toString();
            await store.save(cursor);
          }
        },
      };
    },

    async ack(message, result, options = {}) {
      if (options.encrypt !== undefined && typeof options.encrypt !== 'boolean') {
        throw new AidocError('INVALID_INPUT', 'encrypt must be a boolean.');
      }
      if (result !== undefined && !isPayload(result)) {
        throw new AidocError('INVALID_INPUT', 'The result must be bytes, a string or a JSON value.');
      }
      requireSigner(ctx, 'Acknowledging a message');
      const ref = await refOf(message);
      const request = (resultCid: string) =>
        ({
          address: messengerAddress(ctx),
          abi: messengerAbi,
          functionName: 'ack',
          args: [ref.fromDapp, ref.toDapp, ref.sequence, resultCid],
        }) as const;
      try {
        await simulateContractCall(
          ctx,
          'Acknowledging a message',
          request(result === undefined ? '' : PLACEHOLDER_CID),
        );
      } catch (error) {
        throw messagingRefusal(error);
      }
      let resultCid = '';
      if (result !== undefined) {
        const sender = await fetchDApp(ctx, ref.fromDapp, 'sending');
        const topicName =
          'topicName' in message && typeof message.topicName === 'string' ? message.topicName : '';
        const wire = encodeMessagePayload(
          result,
          { kind: 'result', from: ref.toDapp, to: ref.fromDapp, topic: ref.topic, topicName },
          (options.encrypt ?? true) ? sender.encryptionKey : undefined,
        );
        if (wire.length > DEFAULT_MAX_PAYLOAD_BYTES) {
          throw new AidocError(
            'LIMIT_EXCEEDED',
            `The result is ${wire.length} bytes, over the ${DEFAULT_MAX_PAYLOAD_BYTES}-byte limit.`,
          );
        }
        resultCid = (await ctx.content.add(wire, { cidVersion: 1 })).cid;
      }
      try {
        const sent = await sendContractTransaction(ctx, 'Acknowledging a message', request(resultCid));
        return { txHash: sent.hash, resultCid };
      } catch (error) {
        if (resultCid) await ctx.content.unpin(resultCid).catch(() => {});
        throw messagingRefusal(error);
      }
    },

    async waitForAck(message, options = {}) {
      const timeoutMs = options.timeoutMs ?? 60_000;
      if (!Number.isInteger(timeoutMs) || timeoutMs <= 0)
        throw new AidocError('INVALID_INPUT', 'timeoutMs must be a positive integer.');
      const ref = await refOf(message);
      const fromBlock =
        'blockNumber' in message && typeof message.blockNumber === 'bigint'
          ? message.blockNumber
          : ctx.fromBlock;
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        let logs: Awaited<
          ReturnType<typeof ctx.publicClient.getContractEvents<typeof messengerAbi, 'MessageAcked'>>
        >;
        try {
          logs = await ctx.publicClient.getContractEvents({
            address: messengerAddress(ctx),
            abi: messengerAbi,
            eventName: 'MessageAcked',
            args: { fromDapp: ref.fromDapp, toDapp: ref.toDapp, sequence: ref.sequence },
            fromBlock,
          });
        } catch (error) {
          throw contractErrorToAidocError(error, 'Waiting for an acknowledgement');
        }
        const log = logs[0];
        if (log) {
          const resultCid = log.args.resultCid ?? '';
          const read = resultCid
            ? await readPayload(
                { payloadCid: resultCid, inline: '0x' },
                { kind: 'result', from: ref.toDapp, to: ref.fromDapp, topic: ref.topic, topicName: '' },
                ctx.encryptionKey,
                DEFAULT_MAX_PAYLOAD_BYTES,
              )
            : { payload: undefined, error: undefined };
          return {
            fromDapp: ref.fromDapp,
            toDapp: ref.toDapp,
            sequence: ref.sequence,
            resultCid,
            result: read.payload,
            error: read.error,
            txHash: log.transactionHash as Hash,
            blockNumber: log.blockNumber as bigint,
          };
        }
        if (Date.now() >= deadline) {
          throw new AidocError(
            'TIMEOUT',
            `No acknowledgement of ${ref.fromDapp}→${ref.toDapp} #${ref.sequence} within ${timeoutMs} ms.`,
            {
              details:
                'The receiving DApp may be offline; its listener will deliver the message when it is back.',
            },
          );
        }
        await new Promise((r) => setTimeout(r, ctx.pollingIntervalMs));
      }
    },

    async request(to, topic, payload, options = {}) {
      const { timeoutMs, ...sendOptions } = options;
      const sent = await send(to, topic, payload, sendOptions);
      const ack = await api.waitForAck(sent, timeoutMs !== undefined ? { timeoutMs } : {});
      return { sent, ack };
    },
  };
  return api;
}

const messageSentTopic = keccak256(stringToBytes('MessageSent(uint256,uint256,uint64,bytes32,string,bytes)'));

export type { Address };
