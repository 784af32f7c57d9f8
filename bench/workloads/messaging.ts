import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
// The SDK from source (bench/package.json lists no @aidoc/sdk dependency): the client DApps use.
import {
  createMessagingClient,
  type MessagingClient,
  memoryCursorStore,
  walletAccountFromMnemonic,
} from '../../packages/sdk/src';
import { findFreePort } from '../harness/findFreePort';
import type { TargetResult } from '../harness/summarizeWorkload';
import type { TargetSpec, Workload, WorkloadLine } from '../harness/types';
import { waitForIpfsApi } from '../harness/waitForIpfsApi';
import { createDevnetTarget } from '../targets/devnetTarget';

const MNEMONIC = 'test test test test test test test test test test test junk';
const TOPIC = 'bench.messaging';
/** Dev account of the receiving DApp; senders are accounts 0..7. */
const RECEIVER_ACCOUNT = 9;
const MAX_SENDERS = 8;
/** Payload bytes (a JSON string field), the same for inline and IPFS so only the path differs. */
const PAYLOAD_CHARS = 512;
const DELIVERY_TIMEOUT_MS = 120_000;

type Storage = 'inline' | 'ipfs';
interface Scenario {
  storage: Storage;
  senders: number;
  perSender: number;
}

/** Per scenario: what the report and the results file show. */
interface ScenarioResult {
  key: string;
  storage: Storage;
  senders: number;
  messages: number;
  seconds: number;
  messagesPerSecond: number;
  latencyMs: { p50: number; p99: number; max: number };
}

function scenarios(quick: boolean): Scenario[] {
  const one = quick ? 20 : 150;
  const each = quick ? 5 : 30;
  return (['inline', 'ipfs'] as const).flatMap((storage) => [
    { storage, senders: 1, perSender: one },
    { storage, senders: MAX_SENDERS, perSender: each },
  ]);
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

/** Where the devnet's IPFS API listens for the current start (set by `prepare`). */
let ipfsPort = 0;

/** The devnet CLI with its IPFS API on a free port (picked per start, so no fixed 5001 is needed). */
function messagingDevnetTarget(): TargetSpec {
  const base = createDevnetTarget({ name: 'devnet' });
  return {
    ...base,
    async prepare() {
      ipfsPort = await findFreePort();
      return { args: ['--ipfs-port', String(ipfsPort)], release: async () => {} };
    },
    // bench/targets/devnet-child.ts takes no --ipfs-port: only the CLI ways.
    spawnSpecs: (port) => base.spawnSpecs(port).filter((s) => s.via.startsWith('cli')),
  };
}

function formatReport(results: TargetResult[]): string {
  const header = [
    'target',
    'payload',
    'senders',
    'messages',
    'seconds',
    'msg/s',
    'p50 ms',
    'p99 ms',
    'max ms',
  ];
  const body: string[][] = [];
  for (const r of results) {
    if (r.error) continue;
    const rows = (r.details?.messaging ?? []) as ScenarioResult[];
    for (const s of rows) {
      body.push([
        r.name,
        s.storage,
        String(s.senders),
        String(s.messages),
        s.seconds.toFixed(2),
        s.messagesPerSecond.toFixed(1),
        s.latencyMs.p50.toFixed(0),
        s.latencyMs.p99.toFixed(0),
        s.latencyMs.max.toFixed(0),
      ]);
    }
  }
  const all = [header, ...body];
  const widths = header.map((_, c) => Math.max(...all.map((row) => (row[c] ?? '').length)));
  const render = (row: string[]) =>
    row.map((cell, c) => (c <= 1 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0))).join('  ');
  return [
    render(header),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...body.map(render),
    'latency: handler arrival - send start (send = simulate, encrypt to the receiver, IPFS add if ipfs, tx, receipt).',
    'msg/s: messages / (first send start .. last handler arrival). Every message checked: delivered once, in channel order.',
  ].join('\n');
}

/**
 * The `messaging` workload: DApps on dev accounts 0..7 send encrypted messages to one receiving DApp
 * (account 9) that listens with a memory cursor; messages/s and send-to-handler latency (p50/p99) with 1
 * and 8 concurrent senders, payloads inline and in IPFS. Each sender is its own account and DApp, so
 * senders never share a nonce. Fails the target when a message is lost, duplicated or out of channel order.
 *
 * @example
 * ```ts
 * const lines = await messagingWorkload.run({ target, quick: true, log: console.log });
 * ```
 */
export const messagingWorkload: Workload = {
  name: 'messaging',
  summary: 'cross-DApp messages/s and send-to-handler latency, 1 and 8 senders, inline and IPFS payloads',
  defaultTargets: ['devnet'],
  targets: [messagingDevnetTarget()],

  async run(ctx) {
    const rpc = ctx.target.rpcUrl;
    const ipfs = `http://127.0.0.1:${ipfsPort}`;
    await waitForIpfsApi(ipfs);
    const connect = (index: number) =>
      createMessagingClient({
        rpc,
        ipfs,
        signer: walletAccountFromMnemonic(MNEMONIC, { index }),
        pollingIntervalMs: 10,
      });

    // Setup, not timed: the receiver and eight sender DApps.
    const receiver = await connect(RECEIVER_ACCOUNT);
    const receiverId = (await receiver.messaging.register({ name: 'bench-receiver', topics: [TOPIC] }))
      .dappId;
    const senders: MessagingClient[] = [];
    for (let i = 0; i < MAX_SENDERS; i++) {
      const client = await connect(i);
      await client.messaging.register({ name: `bench-sender-${i}`, topics: [] });
      senders.push(client);
    }

    const arrivals = new Map<string, number>();
    const lastSequence = new Map<string, bigint>();
    let violation: string | undefined;
    const listener = await receiver.messaging.listen(
      receiverId,
      (message) => {
        const at = performance.now();
        if (message.error) violation ??= `message ${message.id} unreadable: ${message.error.message}`;
        const from = message.fromDapp.toString();
        const expected = (lastSequence.get(from) ?? 0n) + 1n;
        if (message.sequence !== expected) {
          violation ??= `channel ${from}: got sequence ${message.sequence}, expected ${expected}`;
        }
        lastSequence.set(from, message.sequence);
        if (arrivals.has(message.id)) violation ??= `message ${message.id} delivered twice`;
        arrivals.set(message.id, at);
      },
      { cursor: memoryCursorStore() },
    );

    const results: ScenarioResult[] = [];
    const lines: WorkloadLine[] = [];
    const filler = 'x'.repeat(PAYLOAD_CHARS);
    try {
      // One unmeasured message per sender first (JIT, connections, channel creation).
      await Promise.all(senders.map((s) => s.messaging.send(receiverId, TOPIC, { warmup: true })));
      for (const scenario of scenarios(ctx.quick)) {
        const key = `${scenario.storage}-${scenario.senders}-sender${scenario.senders > 1 ? 's' : ''}`;
        const sendStart = new Map<string, number>();
        const t0 = performance.now();
        await Promise.all(
          senders.slice(0, scenario.senders).map(async (client, s) => {
            for (let n = 0; n < scenario.perSender; n++) {
              const start = performance.now();
              const sent = await client.messaging.send(
                receiverId,
                TOPIC,
                { s, n, filler },
                { storage: scenario.storage },
              );
              if (sent.inline !== (scenario.storage === 'inline') || !sent.encrypted) {
                throw new Error(`message ${sent.sequence} was not sent ${scenario.storage} and encrypted`);
              }
              sendStart.set(`${sent.fromDapp}-${sent.toDapp}-${sent.sequence}`, start);
            }
          }),
        );
        const ids = [...sendStart.keys()];
        for (let i = 0; !ids.every((id) => arrivals.has(id)); i++) {
          if (violation) break;
          if (i * 10 > DELIVERY_TIMEOUT_MS) {
            const missing = ids.filter((id) => !arrivals.has(id));
            throw new Error(
              `${key}: ${missing.length} message(s) never reached the handler, e.g. ${missing[0]}`,
            );
          }
          await sleep(10);
        }
        if (violation) throw new Error(`${key}: ${violation}`);
        const latencies = ids
          .map((id) => (arrivals.get(id) ?? 0) - (sendStart.get(id) ?? 0))
          .sort((a, b) => a - b);
        const end = Math.max(...ids.map((id) => arrivals.get(id) ?? 0));
        const seconds = (end - t0) / 1000;
        const result: ScenarioResult = {
          key,
          storage: scenario.storage,
          senders: scenario.senders,
          messages: ids.length,
          seconds,
          messagesPerSecond: ids.length / seconds,
          latencyMs: {
            p50: percentile(latencies, 50),
            p99: percentile(latencies, 99),
            max: latencies.at(-1) ?? Number.NaN,
          },
        };
        results.push(result);
        lines.push({
          key,
          label: `${scenario.storage}, ${scenario.senders} sender(s), msg/s`,
          count: ids.length,
          seconds,
        });
        ctx.log(
          `${key}: ${ids.length} messages in ${seconds.toFixed(2)} s = ${result.messagesPerSecond.toFixed(1)} msg/s, latency p50 ${result.latencyMs.p50.toFixed(0)} ms p99 ${result.latencyMs.p99.toFixed(0)} ms`,
        );
      }
      if (listener.stats.delivered !== arrivals.size) {
        throw new Error(
          `listener delivered ${listener.stats.delivered}, handler saw ${arrivals.size} distinct`,
        );
      }
    } finally {
      await listener.stop();
    }
    ctx.attach?.({ messaging: results, listener: { ...listener.stats } });
    return lines;
  },

  report(results) {
    return formatReport(results);
  },
};
