import { type Address, type Hex, numberToHex } from 'viem';
import WebSocket from 'ws';
import type { AidocContext } from '../client/AidocContext';
import { AidocError } from '../errors';

/** A log as Ethereum JSON-RPC returns it (hex quantities). */
export interface RpcLog {
  address: Address;
  topics: Hex[];
  data: Hex;
  blockNumber: Hex;
  blockHash: Hex;
  transactionHash: Hex;
  logIndex: Hex;
  removed?: boolean;
}

/** Which blocks a follower reads: the latest block, or only blocks the chain reports as finalized. */
export type Finality = 'latest' | 'finalized';

/** Counters a follower keeps (for views, tests and benchmarks). */
export interface FollowerStats {
  /** WebSocket subscriptions established (1 + reconnections). */
  connections: number;
  /** WebSocket connections lost after being established. */
  disconnects: number;
  /** eth_getLogs scans run. */
  scans: number;
  /** Logs that arrived through the subscription. */
  liveLogs: number;
}

/** Options of {@link followLogs}. Internal. */
export interface FollowLogsOptions {
  ctx: AidocContext;
  /** WebSocket URL for `eth_subscribe`, or undefined to poll eth_getLogs only. */
  wsUrl: string | undefined;
  address: Address;
  /** Topic filter, as in eth_getLogs (null = any). */
  topics: (Hex | null)[];
  finality: Finality;
  /** Largest block range per eth_getLogs call. */
  maxBlockRange: bigint;
  /** First block the next scan must read. */
  scanFrom(): bigint;
  /** Every log up to and including `block` was delivered. */
  scannedThrough(block: bigint): Promise<void> | void;
  /**
   * Hands logs over in chain order, one at a time for live logs. Returns `rescan` when the consumer sees a gap
   * (a scan from its cursor follows). A throw stops the follower.
   */
  deliver(log: RpcLog, live: boolean): Promise<'ok' | 'rescan'>;
  /** Non-fatal problems (a lost connection, a failed scan that will be retried). */
  onWarning(error: AidocError): void;
}

/** A running follower. Internal. */
export interface LogFollower {
  /** Stops after the log being delivered (if any); resolves when stopped. */
  stop(): Promise<void>;
  /** Settles when the follower stops: resolves after `stop()`, rejects with the error that stopped it. */
  readonly done: Promise<void>;
  readonly stats: FollowerStats;
}

const byPosition = (a: RpcLog, b: RpcLog) => {
  const block = BigInt(a.blockNumber) - BigInt(b.blockNumber);
  return block !== 0n ? (block < 0n ? -1 : 1) : Number(BigInt(a.logIndex) - BigInt(b.logIndex));
};

/**
 * The WebSocket URL to subscribe on: the explicit one, the client's own ws(s) URL, or its http(s) URL with a
 * ws scheme (most nodes serve both on one port); undefined when `false` or nothing fits. Internal.
 */
export function subscriptionUrl(ctx: AidocContext, explicit: string | false | undefined): string | undefined {
  if (explicit === false) return undefined;
  if (explicit !== undefined) return explicit;
  const url = (ctx.publicClient.transport as { url?: unknown }).url;
  if (typeof url !== 'string') return undefined;
  if (/^wss?:\/\//.test(url)) return url;
  if (/^https?:\/\//.test(url)) return url.replace(/^http/, 'ws');
  return undefined;
}

/**
 * Follows a contract's logs in chain order: scans eth_getLogs from the consumer's cursor, then takes new logs
 * from an `eth_subscribe` WebSocket subscription (`logs`, or `newHeads` + scans up to the finalized block); on a
 * dropped socket it reconnects with backoff and scans again from the cursor, and it polls while no socket is
 * up. Delivery is serial. Internal: used by the message listener and the notification watcher.
 */
export function followLogs(options: FollowLogsOptions): LogFollower {
  const { ctx } = options;
  const stats: FollowerStats = { connections: 0, disconnects: 0, scans: 0, liveLogs: 0 };
  const queue: RpcLog[] = [];
  let needScan = true;
  let stopped = false;
  let connected = false;
  let socket: WebSocket | undefined;
  let wakeUp: (() => void) | undefined;
  let sleepTimer: NodeJS.Timeout | undefined;
  let resolveDone!: () => void;
  let rejectDone!: (error: unknown) => void;
  const done = new Promise<void>((res, rej) => {
    resolveDone = res;
    rejectDone = rej;
  });
  done.catch(() => {});

  const wake = () => {
    const w = wakeUp;
    wakeUp = undefined;
    w?.();
  };
  const sleep = (ms: number) =>
    new Promise<void>((res) => {
      wakeUp = res;
      sleepTimer = setTimeout(() => wake(), ms);
    }).finally(() => clearTimeout(sleepTimer));

  async function rpc<T>(method: string, params: unknown[]): Promise<T> {
    return (await ctx.publicClient.request({ method: method as never, params: params as never })) as T;
  }

  async function headBlock(): Promise<bigint> {
    if (options.finality === 'finalized') {
      const block = await rpc<{ number: Hex } | null>('eth_getBlockByNumber', ['finalized', false]);
      return block ? BigInt(block.number) : -1n;
    }
    return BigInt(await rpc<Hex>('eth_blockNumber', []));
  }

  async function scan(): Promise<void> {
    stats.scans++;
    const head = await headBlock();
    let from = options.scanFrom();
    while (from <= head && !stopped) {
      const to = from + options.maxBlockRange - 1n < head ? from + options.maxBlockRange - 1n : head;
      const logs = await rpc<RpcLog[]>('eth_getLogs', [
        {
          address: options.address,
          topics: options.topics,
          fromBlock: numberToHex(from),
          toBlock: numberToHex(to),
        },
      ]);
      logs.sort(byPosition);
      for (const log of logs) {
        if (stopped) return;
        if ((await fatal(() => options.deliver(log, false))) === 'rescan') {
          throw new Fatal(
            new AidocError('INTERNAL', 'A scan of the chain found a gap in a message channel.', {
              details: `Between blocks ${from} and ${to}; the cursor does not match this chain (was it reset?).`,
            }),
          );
        }
      }
      if (stopped) return;
      await fatal(() => options.scannedThrough(to));
      from = to + 1n;
    }
  }

  async function work(): Promise<void> {
    let failures = 0;
    while (!stopped) {
      if (needScan) {
        needScan = false;
        try {
          await scan();
          failures = 0;
        } catch (error) {
          if (error instanceof Fatal) throw error.cause;
          failures++;
          options.onWarning(
            new AidocError('NETWORK', 'Reading logs failed; retrying.', { cause: error, data: { failures } }),
          );
          needScan = true;
          await sleep(backoff(ctx.pollingIntervalMs, failures));
        }
        continue;
      }
      const log = queue.shift();
      if (log) {
        if ((await options.deliver(log, true)) === 'rescan') needScan = true;
        continue;
      }
      if (connected) await sleep(60_000);
      else {
        await sleep(ctx.pollingIntervalMs);
        if (!connected) needScan = true;
      }
    }
  }

  async function connectLoop(url: string): Promise<void> {
    let attempt = 0;
    while (!stopped) {
      const ws = new WebSocket(url);
      socket = ws;
      const closed = new Promise<void>((res) => ws.once('close', () => res()));
      ws.on('error', () => {});
      const subscribed = await new Promise<boolean>((res) => {
        ws.once('open', () => {
          const params =
            options.finality === 'latest'
              ? ['logs', { address: options.address, topics: options.topics }]
              : ['newHeads'];
          ws.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_subscribe', params }));
        });
        let subscription: string | undefined;
        ws.on('message', (raw) => {
          let frame: {
            id?: number;
            result?: unknown;
            error?: unknown;
            params?: { subscription?: string; result?: unknown };
          };
          try {
            frame = JSON.parse(String(raw));
          } catch {
            return;
          }
          if (frame.id === 1) {
            if (typeof frame.result === 'string') {
              subscription = frame.result;
              res(true);
            } else res(false);
            return;
          }
          if (frame.params?.subscription !== subscription || subscription === undefined) return;
          if (options.finality === 'latest') {
            const log = frame.params?.result as RpcLog;
            if (log.removed) needScan = true;
            else {
              stats.liveLogs++;
              queue.push(log);
            }
          } else needScan = true;
          wake();
        });
        void closed.then(() => res(false));
      });
      if (subscribed && !stopped) {
        attempt = 0;
        connected = true;
        stats.connections++;
        needScan = true;
        wake();
        let alive = true;
        ws.on('pong', () => {
          alive = true;
        });
        const heartbeat = setInterval(() => {
          if (!alive) ws.terminate();
          alive = false;
          ws.ping();
        }, 15_000);
        await closed;
        clearInterval(heartbeat);
        connected = false;
        if (stopped) return;
        stats.disconnects++;
        options.onWarning(new AidocError('NETWORK', 'The WebSocket subscription was lost; reconnecting.'));
      } else {
        ws.terminate();
      }
      needScan = true;
      wake();
      attempt++;
      await new Promise<void>((res) => {
        const t = setTimeout(res, backoff(ctx.pollingIntervalMs, attempt));
        void done.finally(() => {
          clearTimeout(t);
          res();
        });
      });
    }
  }

  void work().then(
    () => resolveDone(),
    (error) => {
      stopped = true;
      socket?.terminate();
      wake();
      rejectDone(error);
    },
  );
  if (options.wsUrl) void connectLoop(options.wsUrl);

  return {
    stats,
    done,
    async stop() {
      stopped = true;
      socket?.close();
      wake();
      await done.catch(() => {});
      socket?.terminate();
    },
  };
}

function backoff(base: number, attempt: number): number {
  return Math.min(base * 2 ** Math.min(attempt, 10), 2_000);
}

/** An error from the consumer (a handler, a cursor write): it stops the follower instead of being retried. */
class Fatal {
  constructor(readonly cause: unknown) {}
}

async function fatal<T>(fn: () => Promise<T> | T): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw new Fatal(error);
  }
}
