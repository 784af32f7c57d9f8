import { createFeeMarket1559Tx } from '@ethereumjs/tx';
import { Chain } from '../../src/chain/Chain';
import { DEFAULT_MNEMONIC, deriveDevAccounts } from '../../src/chain/devAccounts';
import { QbftEngine, type QbftEngineOptions } from '../../src/consensus/qbft/QbftEngine';
import { devnetValidatorKey } from '../../src/startDevnet';

/** A chain driven by a QBFT engine, plus helpers to send transfers and wait. */
export interface QbftHarness {
  chain: Chain;
  engine: QbftEngine;
  /** Pool a signed 1-wei transfer from dev account `from`; returns its hash. */
  sendTransfer(from?: number): `0x${string}`;
  /** Resolve when the chain head reaches `n` (rejects after `ms`). */
  waitForHeight(n: bigint, ms?: number): Promise<void>;
  stop(): Promise<void>;
}

const accounts = deriveDevAccounts(DEFAULT_MNEMONIC, 4);

/**
 * Start a real in-memory Chain with `validators` QBFT validators (devnet keys) and a small round timeout.
 *
 * @example
 * ```ts
 * const h = await startQbftHarness(4);
 * h.sendTransfer();
 * await h.waitForHeight(1n);
 * ```
 */
export async function startQbftHarness(
  validators: number,
  options: Partial<QbftEngineOptions> = {},
): Promise<QbftHarness> {
  const engine = new QbftEngine({
    keys: Array.from({ length: validators + (options.standby ?? 0) }, (_, i) => devnetValidatorKey(i)),
    roundTimeoutMs: 30,
    maxRoundTimeoutMs: 400,
    produceTimeoutMs: 10_000,
    ...options,
  });
  const chain = new Chain({
    chainId: 31337,
    alloc: accounts.map((a) => ({ address: a.address, balance: 10n ** 24n })),
    validators: engine.genesisValidators(),
  });
  await chain.init();
  engine.start(chain);
  chain.on('pendingTransaction', () => engine.notifyPending());
  const nonces = new Map<number, bigint>();
  return {
    chain,
    engine,
    sendTransfer(from = 0) {
      const account = accounts[from]!;
      const nonce = nonces.get(from) ?? 0n;
      nonces.set(from, nonce + 1n);
      const tx = createFeeMarket1559Tx(
        {
          nonce,
          to: accounts[(from + 1) % accounts.length]!.address,
          value: 1n,
          gasLimit: 21_000n,
          maxFeePerGas: 10n ** 11n,
          maxPriorityFeePerGas: 1n,
          chainId: 31337n,
        },
        { common: chain.common },
      ).sign(Uint8Array.from(Buffer.from(account.privateKey.slice(2), 'hex')));
      return chain.addRawTransaction(tx.serialize());
    },
    waitForHeight(n, ms = 15_000) {
      if (chain.head.number >= n) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          chain.off('block', onBlock);
          reject(new Error(`head stayed at ${chain.head.number}, wanted ${n}`));
        }, ms);
        const onBlock = () => {
          if (chain.head.number >= n) {
            clearTimeout(timer);
            chain.off('block', onBlock);
            resolve();
          }
        };
        chain.on('block', onBlock);
      });
    },
    async stop() {
      await engine.stop();
      await chain.close();
      chain.removeAllListeners();
    },
  };
}
