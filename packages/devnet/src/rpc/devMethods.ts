import { AidocError } from '@aidoc/sdk/errors';
import { Account, createAddressFromString } from '@ethereumjs/util';
import type { RpcContext, RpcHandler } from './RpcContext';
import { formatTransaction } from './rpcFormat';
import {
  invalidParam,
  parseAddress,
  parseData,
  parseHash,
  parseQuantity,
  parseSlot,
  toQuantity,
} from './rpcParams';

/**
 * Development methods in the Anvil / Hardhat vocabulary: snapshots, mining control, time travel, state
 * edits and impersonation. Each `anvil_*` method is also reachable as `hardhat_*` where Hardhat has it.
 */
export function devMethods(ctx: RpcContext): Record<string, RpcHandler> {
  const { chain, producer } = ctx;

  const mine = async (count: bigint, interval: bigint | undefined, timestamp?: bigint) => {
    if (count < 1n) throw invalidParam('blocks', 'at least 1', count.toString());
    if (count > 100_000n) throw new AidocError('LIMIT_EXCEEDED', 'at most 100000 blocks per call');
    let ts = timestamp;
    for (let i = 0n; i < count; i++) {
      await producer.produce({ allowEmpty: true, ...(ts !== undefined ? { timestamp: ts } : {}) });
      if (interval !== undefined) ts = chain.head.header.timestamp + interval;
      else ts = undefined;
    }
  };

  const setBalance: RpcHandler = async (p) => {
    const a = parseAddress(p[0]);
    const v = parseQuantity(p[1], 'balance');
    await chain.patchState(async (o) => {
      const addr = createAddressFromString(a);
      const acct = (await o.getAccount(addr)) ?? new Account();
      acct.balance = v;
      await o.putAccount(addr, acct);
    });
    return null;
  };
  const setNonce: RpcHandler = async (p) => {
    const a = parseAddress(p[0]);
    const v = parseQuantity(p[1], 'nonce');
    await chain.patchState(async (o) => {
      const addr = createAddressFromString(a);
      const acct = (await o.getAccount(addr)) ?? new Account();
      acct.nonce = v;
      await o.putAccount(addr, acct);
    });
    chain.mempool.pruneBelow(a, v);
    return null;
  };
  const setCode: RpcHandler = async (p) => {
    const a = parseAddress(p[0]);
    const code = parseData(p[1], 'code');
    await chain.patchState((o) => o.putCode(createAddressFromString(a), code));
    return null;
  };
  const setStorageAt: RpcHandler = async (p) => {
    const a = parseAddress(p[0]);
    const slot = parseSlot(p[1], 'slot');
    const value = parseSlot(p[2], 'value');
    await chain.patchState((o) => o.putStorage(createAddressFromString(a), slot, value));
    return true;
  };
  const impersonate: RpcHandler = (p) => {
    chain.impersonated.add(parseAddress(p[0]));
    return null;
  };
  const stopImpersonating: RpcHandler = (p) => {
    chain.impersonated.delete(parseAddress(p[0]));
    return null;
  };
  const hardhatMine: RpcHandler = async (p) => {
    const count = p[0] === undefined || p[0] === null ? 1n : parseQuantity(p[0], 'blocks');
    const interval = p[1] === undefined || p[1] === null ? undefined : parseQuantity(p[1], 'interval');
    await mine(count, interval);
    return null;
  };
  const setAutomine: RpcHandler = (p) => {
    if (typeof p[0] !== 'boolean') throw invalidParam('enabled', 'a boolean', p[0]);
    producer.setAutomine(p[0]);
    return null;
  };
  const dropTransaction: RpcHandler = (p) => {
    const removed = chain.mempool.remove(parseHash(p[0]));
    return removed ? removed.hash : null;
  };

  return {
    evm_snapshot: () => toQuantity(chain.snapshot()),
    evm_revert: (p) => {
      const id = Number(parseQuantity(p[0], 'snapshot id'));
      return chain.revert(id);
    },
    evm_mine: async (p) => {
      const arg = p[0];
      if (arg !== undefined && arg !== null && typeof arg === 'object') {
        const o = arg as Record<string, unknown>;
        const blocks = o.blocks === undefined ? 1n : parseQuantity(o.blocks, 'blocks');
        const ts = o.timestamp === undefined ? undefined : parseQuantity(o.timestamp, 'timestamp');
        await mine(blocks, undefined, ts);
      } else {
        await mine(
          1n,
          undefined,
          arg === undefined || arg === null ? undefined : parseQuantity(arg, 'timestamp'),
        );
      }
      return '0x0';
    },
    anvil_mine: hardhatMine,
    hardhat_mine: hardhatMine,
    evm_increaseTime: (p) => {
      const delta = p[0];
      const seconds =
        typeof delta === 'number' && Number.isSafeInteger(delta)
          ? BigInt(delta)
          : parseQuantity(delta, 'seconds');
      chain.timeOffset += seconds;
      return Number(chain.timeOffset);
    },
    evm_setNextBlockTimestamp: (p) => {
      const ts = parseQuantity(p[0], 'timestamp');
      if (ts <= chain.head.header.timestamp) {
        throw new AidocError(
          'INVALID_PARAMS',
          `timestamp ${ts} is not after the latest block's timestamp ${chain.head.header.timestamp}`,
        );
      }
      chain.nextTimestamp = ts;
      return null;
    },
    anvil_setNextBlockTimestamp: (p) => {
      chain.nextTimestamp = parseQuantity(p[0], 'timestamp');
      return null;
    },
    evm_setAutomine: setAutomine,
    anvil_setAutomine: setAutomine,
    anvil_getAutomine: () => producer.mode().automine && producer.mode().blockTime === 0,
    hardhat_getAutomine: () => producer.mode().automine && producer.mode().blockTime === 0,
    evm_setIntervalMining: (p) => {
      const ms = Number(parseQuantity(p[0], 'interval'));
      if (ms === 0) producer.setAutomine(false);
      else producer.setBlockTime(ms / 1000);
      return null;
    },
    anvil_setIntervalMining: (p) => {
      const s = Number(parseQuantity(p[0], 'interval'));
      if (s === 0) producer.setAutomine(false);
      else producer.setBlockTime(s);
      return null;
    },
    anvil_setBalance: setBalance,
    hardhat_setBalance: setBalance,
    anvil_setNonce: setNonce,
    hardhat_setNonce: setNonce,
    anvil_setCode: setCode,
    hardhat_setCode: setCode,
    anvil_setStorageAt: setStorageAt,
    hardhat_setStorageAt: setStorageAt,
    anvil_impersonateAccount: impersonate,
    hardhat_impersonateAccount: impersonate,
    anvil_stopImpersonatingAccount: stopImpersonating,
    hardhat_stopImpersonatingAccount: stopImpersonating,
    anvil_autoImpersonateAccount: (p) => {
      if (typeof p[0] !== 'boolean') throw invalidParam('enabled', 'a boolean', p[0]);
      chain.autoImpersonate = p[0];
      return null;
    },
    anvil_dropTransaction: dropTransaction,
    hardhat_dropTransaction: (p) => dropTransaction(p, { onClose() {} }) !== null,
    anvil_dropAllTransactions: () => {
      chain.mempool.clear();
      return null;
    },
    txpool_status: () => {
      let pending = 0;
      let queued = 0;
      for (const t of chain.mempool.all()) {
        if (t.nonce < chain.pendingNonce(t.from)) pending++;
        else queued++;
      }
      return { pending: toQuantity(pending), queued: toQuantity(queued) };
    },
    txpool_content: () => {
      const pending: Record<string, Record<string, unknown>> = {};
      const queued: Record<string, Record<string, unknown>> = {};
      for (const t of chain.mempool.all()) {
        const bucket = t.nonce < chain.pendingNonce(t.from) ? pending : queued;
        bucket[t.from] ??= {};
        bucket[t.from]![t.nonce.toString()] = formatTransaction(t.tx, t.hash, t.from, {
          blockHash: null,
          blockNumber: null,
          index: null,
          baseFee: null,
        });
      }
      return { pending, queued };
    },
  };
}
