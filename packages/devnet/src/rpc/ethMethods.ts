import { randomBytes } from 'node:crypto';
import { AidocError } from '@aidoc/sdk/errors';
import { createTx, type TypedTransaction } from '@ethereumjs/tx';
import { createAddressFromString } from '@ethereumjs/util';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { hashMessage, hashTypedData } from 'viem';
import { executionError } from '../chain/Chain';
import { effectiveTip } from '../chain/Mempool';
import { signHash } from '../chain/nativeSecp256k1';
import type { StoredBlock } from '../chain/StoredBlock';
import type { CallParams } from '../chain/txFromCallParams';
import { txFromCallParams } from '../chain/txFromCallParams';
import { matchingLogs } from './FilterManager';
import type { RpcContext, RpcHandler, RpcSession } from './RpcContext';
import { formatBlock, formatHeader, formatReceipt, formatTransaction } from './rpcFormat';
import {
  invalidParam,
  type LogFilter,
  parseAddress,
  parseBlockSelector,
  parseCallObject,
  parseData,
  parseHash,
  parseLogFilter,
  parseQuantity,
  parseSlot,
  parseStateOverrides,
  toData,
  toQuantity,
} from './rpcParams';

/** Default priority fee suggested to clients (Anvil and Hardhat use 1 gwei). */
export const DEFAULT_PRIORITY_FEE = 1_000_000_000n;
/** Most blocks one eth_getLogs may scan. */
export const MAX_LOG_BLOCK_RANGE = 100_000n;
/** Most logs one eth_getLogs may return. */
export const MAX_LOGS = 20_000;

function arity(params: unknown[], min: number, max: number, method: string): void {
  if (params.length < min || params.length > max) {
    const want = min === max ? `${min}` : `${min} to ${max}`;
    throw new AidocError('INVALID_PARAMS', `${method} takes ${want} parameters, got ${params.length}`);
  }
}

/** The eth_, net_ and web3_ methods. */
export function ethMethods(ctx: RpcContext): Record<string, RpcHandler> {
  const { chain } = ctx;
  const subscriptions = new Map<string, () => void>();

  const blockOrNull = (sel: ReturnType<typeof parseBlockSelector>): StoredBlock | null => {
    try {
      return ctx.resolveBlock(sel);
    } catch (e) {
      if (AidocError.is(e, 'NOT_FOUND')) return null;
      throw e;
    }
  };

  const fillAndSign = async (p: CallParams): Promise<{ tx: TypedTransaction; from: string }> => {
    if (!p.from) throw new AidocError('INVALID_PARAMS', 'eth_sendTransaction needs a "from" address');
    const from = p.from;
    const key = ctx.devKeys.get(from);
    const impersonated = chain.autoImpersonate || chain.impersonated.has(from);
    if (!key && !impersonated) {
      throw new AidocError('UNAUTHORIZED', `account ${from} is not unlocked on this devnet`, {
        details: 'Sign the transaction yourself and use eth_sendRawTransaction, or impersonate the account.',
      });
    }
    const nonce = p.nonce ?? chain.pendingNonce(from);
    const legacy = p.gasPrice !== undefined || p.type === 0 || p.type === 1;
    const fees = legacy
      ? { gasPrice: p.gasPrice ?? chain.nextBaseFee() + DEFAULT_PRIORITY_FEE }
      : {
          maxPriorityFeePerGas: p.maxPriorityFeePerGas ?? DEFAULT_PRIORITY_FEE,
          maxFeePerGas:
            p.maxFeePerGas ?? chain.nextBaseFee() * 2n + (p.maxPriorityFeePerGas ?? DEFAULT_PRIORITY_FEE),
        };
    const gas = p.gas ?? (await chain.estimateGas({ ...p, ...fees }));
    const full = { ...p, ...fees, nonce, gas };
    if (key) {
      const data = {
        nonce,
        gasLimit: gas,
        ...(p.to ? { to: p.to } : {}),
        value: p.value ?? 0n,
        data: p.data ?? new Uint8Array(),
        ...(legacy
          ? {
              type: p.accessList ? 1 : 0,
              gasPrice: fees.gasPrice,
              ...(p.accessList ? { accessList: p.accessList } : {}),
            }
          : { type: 2, ...fees, accessList: p.accessList ?? [] }),
        ...(legacy && !p.accessList ? {} : { chainId: BigInt(chain.chainId) }),
      };
      const tx = createTx(data as never, { common: chain.common }).sign(key);
      return { tx, from };
    }
    return { tx: txFromCallParams(chain.common, full, createAddressFromString(from)), from };
  };

  const submit = async (hash: `0x${string}`, session: RpcSession) => {
    ctx.producer.notifyPending();
    if (session.waitForInclusion) {
      await ctx.producer.flushPending();
      await ctx.awaitInclusion(hash);
    }
    return hash;
  };

  const getLogs = (f: LogFilter): Record<string, unknown>[] => {
    if (f.blockHash) {
      const b = chain.blocks.getByHash(f.blockHash);
      if (!b) throw new AidocError('NOT_FOUND', `block ${f.blockHash} not found`);
      return matchingLogs(b, f);
    }
    const from = ctx.resolveBlock(f.fromBlock ?? { tag: 'latest' }).number;
    const toSel = f.toBlock ?? { tag: 'latest' };
    const to =
      'number' in toSel && toSel.number > chain.head.number
        ? chain.head.number
        : ctx.resolveBlock(toSel).number;
    if (from > to) return [];
    if (to - from > MAX_LOG_BLOCK_RANGE) {
      throw new AidocError(
        'LIMIT_EXCEEDED',
        `block range too large: at most ${MAX_LOG_BLOCK_RANGE} blocks per query`,
      );
    }
    const out: Record<string, unknown>[] = [];
    for (const b of chain.blocks.range(from, to)) {
      if (b.receipts.length === 0) continue;
      out.push(...matchingLogs(b, f));
      if (out.length > MAX_LOGS) {
        throw new AidocError(
          'LIMIT_EXCEEDED',
          `query returned more than ${MAX_LOGS} logs: narrow the range or filter`,
        );
      }
    }
    return out;
  };

  const signWith = (address: unknown, hash: Uint8Array) => {
    const a = parseAddress(address);
    const key = ctx.devKeys.get(a);
    if (!key) throw new AidocError('UNAUTHORIZED', `account ${a} is not unlocked on this devnet`);
    const sig = signHash(hash, key);
    sig[64] = sig[64]! + 27;
    return toData(sig);
  };

  const txByLocation = (b: StoredBlock | null, index: bigint) => {
    if (!b || index >= BigInt(b.transactions.length)) return null;
    const t = b.transactions[Number(index)]!;
    return formatTransaction(t.tx, t.hash, t.from, {
      blockHash: b.hash,
      blockNumber: b.number,
      index: Number(index),
      baseFee: b.header.baseFeePerGas,
    });
  };

  return {
    web3_clientVersion: () => ctx.clientVersion,
    web3_sha3: (p) => {
      arity(p, 1, 1, 'web3_sha3');
      return toData(keccak_256(parseData(p[0])));
    },
    net_version: () => String(chain.chainId),
    net_listening: () => true,
    net_peerCount: () => '0x0',
    eth_chainId: () => toQuantity(chain.chainId),
    eth_protocolVersion: () => '0x44',
    eth_syncing: () => false,
    eth_mining: () => ctx.producer.mode().automine,
    eth_hashrate: () => '0x0',
    eth_coinbase: () => toData(chain.head.header.coinbase),
    eth_accounts: () => [...ctx.devKeys.keys()],
    eth_blockNumber: () => toQuantity(chain.head.number),
    eth_gasPrice: () => toQuantity(chain.nextBaseFee() + DEFAULT_PRIORITY_FEE),
    eth_maxPriorityFeePerGas: () => toQuantity(DEFAULT_PRIORITY_FEE),
    eth_blobBaseFee: () => '0x1',

    eth_getBalance: (p) => {
      arity(p, 1, 2, 'eth_getBalance');
      const a = parseAddress(p[0]);
      return toQuantity(
        chain.stateAt(ctx.resolveStateBlock(parseBlockSelector(p[1]))).account(a)?.balance ?? 0n,
      );
    },
    eth_getTransactionCount: (p) => {
      arity(p, 1, 2, 'eth_getTransactionCount');
      const a = parseAddress(p[0]);
      const sel = parseBlockSelector(p[1]);
      if ('tag' in sel && sel.tag === 'pending') return toQuantity(chain.pendingNonce(a));
      return toQuantity(chain.stateAt(ctx.resolveStateBlock(sel)).account(a)?.nonce ?? 0n);
    },
    eth_getCode: (p) => {
      arity(p, 1, 2, 'eth_getCode');
      const a = parseAddress(p[0]);
      const state = chain.stateAt(ctx.resolveStateBlock(parseBlockSelector(p[1])));
      const acct = state.account(a);
      return acct ? toData(state.code(toData(acct.codeHash))) : '0x';
    },
    eth_getStorageAt: (p) => {
      arity(p, 2, 3, 'eth_getStorageAt');
      const a = parseAddress(p[0]);
      const slot = Buffer.from(parseSlot(p[1], 'slot')).toString('hex');
      const v = chain.stateAt(ctx.resolveStateBlock(parseBlockSelector(p[2]))).storage(a, slot);
      return `0x${Buffer.from(v).toString('hex').padStart(64, '0')}`;
    },

    eth_getBlockByNumber: (p) => {
      arity(p, 1, 2, 'eth_getBlockByNumber');
      const b = blockOrNull(parseBlockSelector(p[0]));
      return b ? formatBlock(b, p[1] === true) : null;
    },
    eth_getBlockByHash: (p) => {
      arity(p, 1, 2, 'eth_getBlockByHash');
      const b = chain.blocks.getByHash(parseHash(p[0]));
      return b ? formatBlock(b, p[1] === true) : null;
    },
    eth_getBlockTransactionCountByNumber: (p) => {
      arity(p, 1, 1, 'eth_getBlockTransactionCountByNumber');
      const b = blockOrNull(parseBlockSelector(p[0]));
      return b ? toQuantity(b.transactions.length) : null;
    },
    eth_getBlockTransactionCountByHash: (p) => {
      arity(p, 1, 1, 'eth_getBlockTransactionCountByHash');
      const b = chain.blocks.getByHash(parseHash(p[0]));
      return b ? toQuantity(b.transactions.length) : null;
    },
    eth_getUncleCountByBlockNumber: () => '0x0',
    eth_getUncleCountByBlockHash: () => '0x0',
    eth_getUncleByBlockNumberAndIndex: () => null,
    eth_getUncleByBlockHashAndIndex: () => null,
    eth_getBlockReceipts: (p) => {
      arity(p, 1, 1, 'eth_getBlockReceipts');
      const b = blockOrNull(parseBlockSelector(p[0]));
      return b ? b.transactions.map((_, i) => formatReceipt(b, i)) : null;
    },

    eth_getTransactionByHash: (p) => {
      arity(p, 1, 1, 'eth_getTransactionByHash');
      const hash = parseHash(p[0]);
      const loc = chain.blocks.tx(hash);
      if (loc) return txByLocation(loc.block, BigInt(loc.index));
      const pooled = chain.mempool.get(hash);
      if (pooled) {
        return formatTransaction(pooled.tx, pooled.hash, pooled.from, {
          blockHash: null,
          blockNumber: null,
          index: null,
          baseFee: null,
        });
      }
      return null;
    },
    eth_getTransactionByBlockNumberAndIndex: (p) => {
      arity(p, 2, 2, 'eth_getTransactionByBlockNumberAndIndex');
      return txByLocation(blockOrNull(parseBlockSelector(p[0])), parseQuantity(p[1], 'index'));
    },
    eth_getTransactionByBlockHashAndIndex: (p) => {
      arity(p, 2, 2, 'eth_getTransactionByBlockHashAndIndex');
      return txByLocation(chain.blocks.getByHash(parseHash(p[0])) ?? null, parseQuantity(p[1], 'index'));
    },
    eth_getTransactionReceipt: (p) => {
      arity(p, 1, 1, 'eth_getTransactionReceipt');
      const loc = chain.blocks.tx(parseHash(p[0]));
      return loc ? formatReceipt(loc.block, loc.index) : null;
    },

    eth_sendRawTransaction: async (p, session) => {
      arity(p, 1, 1, 'eth_sendRawTransaction');
      const hash = chain.addRawTransaction(parseData(p[0], 'transaction'));
      return submit(hash, session);
    },
    eth_sendTransaction: async (p, session) => {
      arity(p, 1, 1, 'eth_sendTransaction');
      const { tx, from } = await fillAndSign(parseCallObject(p[0]));
      const hash = chain.addTransaction(tx, createAddressFromString(from));
      return submit(hash, session);
    },
    eth_signTransaction: async (p) => {
      arity(p, 1, 1, 'eth_signTransaction');
      const call = parseCallObject(p[0]);
      if (!call.from || !ctx.devKeys.has(call.from)) {
        throw new AidocError('UNAUTHORIZED', 'eth_signTransaction needs an unlocked dev account as "from"');
      }
      const { tx } = await fillAndSign(call);
      return toData(tx.serialize());
    },
    eth_sign: (p) => {
      arity(p, 2, 2, 'eth_sign');
      return signWith(p[0], Buffer.from(hashMessage({ raw: parseData(p[1], 'message') }).slice(2), 'hex'));
    },
    personal_sign: (p) => {
      arity(p, 2, 3, 'personal_sign');
      return signWith(p[1], Buffer.from(hashMessage({ raw: parseData(p[0], 'message') }).slice(2), 'hex'));
    },
    eth_signTypedData_v4: (p) => {
      arity(p, 2, 2, 'eth_signTypedData_v4');
      const typed = typeof p[1] === 'string' ? JSON.parse(p[1]) : p[1];
      if (typeof typed !== 'object' || typed === null)
        throw invalidParam('typed data', 'an EIP-712 object', p[1]);
      let digest: string;
      try {
        digest = hashTypedData(typed as never);
      } catch (e) {
        throw new AidocError(
          'INVALID_PARAMS',
          `invalid EIP-712 typed data: ${(e as Error).message.split('\n')[0]}`,
        );
      }
      return signWith(p[0], Buffer.from(digest.slice(2), 'hex'));
    },

    eth_call: async (p) => {
      arity(p, 1, 3, 'eth_call');
      const call = parseCallObject(p[0]);
      const n = ctx.resolveStateBlock(parseBlockSelector(p[1]));
      const r = await chain.call(call, n, parseStateOverrides(p[2]));
      if (!r.success) throw executionError(r);
      return toData(r.returnData);
    },
    eth_estimateGas: async (p) => {
      arity(p, 1, 3, 'eth_estimateGas');
      const call = parseCallObject(p[0]);
      const n = ctx.resolveStateBlock(parseBlockSelector(p[1]));
      return toQuantity(await chain.estimateGas(call, n, parseStateOverrides(p[2])));
    },
    eth_createAccessList: async (p) => {
      arity(p, 1, 2, 'eth_createAccessList');
      const call = parseCallObject(p[0]);
      const r = await chain.createAccessList(call, ctx.resolveStateBlock(parseBlockSelector(p[1])));
      return {
        accessList: r.accessList,
        gasUsed: toQuantity(r.gasUsed),
        ...(r.error ? { error: r.error } : {}),
      };
    },
    eth_feeHistory: (p) => {
      arity(p, 2, 3, 'eth_feeHistory');
      let count = parseQuantity(p[0], 'blockCount');
      if (count < 1n) throw invalidParam('blockCount', 'at least 1', p[0]);
      if (count > 1024n) count = 1024n;
      const newest = ctx.resolveBlock(parseBlockSelector(p[1], 'newestBlock'));
      const percentiles = p[2] === undefined || p[2] === null ? undefined : p[2];
      if (percentiles !== undefined) {
        if (!Array.isArray(percentiles) || percentiles.length > 100) {
          throw invalidParam('rewardPercentiles', 'an array of at most 100 numbers', percentiles);
        }
        let prev = -1;
        for (const x of percentiles) {
          if (typeof x !== 'number' || x < 0 || x > 100 || x < prev) {
            throw invalidParam('rewardPercentiles', 'increasing numbers between 0 and 100', percentiles);
          }
          prev = x;
        }
      }
      const oldest = newest.number - count + 1n < 0n ? 0n : newest.number - count + 1n;
      const baseFees: string[] = [];
      const ratios: number[] = [];
      const rewards: string[][] = [];
      for (const b of chain.blocks.range(oldest, newest.number)) {
        baseFees.push(toQuantity(b.header.baseFeePerGas));
        ratios.push(Number(b.header.gasUsed) / Number(b.header.gasLimit));
        if (percentiles) {
          const tips = b.transactions
            .map((t, i) => ({ tip: effectiveTip(t.tx, b.header.baseFeePerGas), gas: b.receipts[i]!.gasUsed }))
            .sort((x, y) => (x.tip < y.tip ? -1 : x.tip > y.tip ? 1 : 0));
          rewards.push(
            (percentiles as number[]).map((pct) => {
              if (tips.length === 0) return '0x0';
              const threshold = (Number(b.header.gasUsed) * pct) / 100;
              let sum = 0;
              for (const t of tips) {
                sum += Number(t.gas);
                if (sum >= threshold) return toQuantity(t.tip);
              }
              return toQuantity(tips[tips.length - 1]!.tip);
            }),
          );
        }
      }
      const last = chain.blocks.byNumber(newest.number)!;
      baseFees.push(
        toQuantity(
          newest.number === chain.head.number
            ? chain.nextBaseFee()
            : (chain.blocks.byNumber(newest.number + 1n)?.header.baseFeePerGas ?? last.header.baseFeePerGas),
        ),
      );
      return {
        oldestBlock: toQuantity(oldest),
        baseFeePerGas: baseFees,
        gasUsedRatio: ratios,
        baseFeePerBlobGas: baseFees.map(() => '0x1'),
        blobGasUsedRatio: ratios.map(() => 0),
        ...(percentiles ? { reward: rewards } : {}),
      };
    },

    eth_getLogs: (p) => {
      arity(p, 1, 1, 'eth_getLogs');
      return getLogs(parseLogFilter(p[0]));
    },
    eth_newFilter: (p) => {
      arity(p, 1, 1, 'eth_newFilter');
      return ctx.filters.newLogFilter(parseLogFilter(p[0]));
    },
    eth_newBlockFilter: () => ctx.filters.newBlockFilter(),
    eth_newPendingTransactionFilter: () => ctx.filters.newPendingTransactionFilter(),
    eth_getFilterChanges: (p) => {
      arity(p, 1, 1, 'eth_getFilterChanges');
      return ctx.filters.changes(String(p[0]));
    },
    eth_getFilterLogs: (p) => {
      arity(p, 1, 1, 'eth_getFilterLogs');
      return getLogs(ctx.filters.logCriteria(String(p[0])));
    },
    eth_uninstallFilter: (p) => {
      arity(p, 1, 1, 'eth_uninstallFilter');
      return ctx.filters.uninstall(String(p[0]));
    },

    eth_subscribe: (p, session) => {
      arity(p, 1, 2, 'eth_subscribe');
      const notify = session.notify;
      if (!notify) {
        throw new AidocError('UNSUPPORTED', 'eth_subscribe needs a WebSocket connection', {
          details: 'Connect to the ws:// endpoint, or poll with eth_newFilter over HTTP.',
        });
      }
      const id = `0x${randomBytes(16).toString('hex')}`;
      const kind = p[0];
      if (kind === 'newHeads') {
        const l = (b: StoredBlock) => notify(id, formatHeader(b));
        chain.on('block', l);
        subscriptions.set(id, () => chain.off('block', l));
      } else if (kind === 'logs') {
        const criteria = parseLogFilter(p[1] ?? {});
        const l = (b: StoredBlock) => {
          for (const log of matchingLogs(b, criteria)) notify(id, log);
        };
        chain.on('block', l);
        subscriptions.set(id, () => chain.off('block', l));
      } else if (kind === 'newPendingTransactions') {
        const l = (hash: string) => notify(id, hash);
        chain.on('pendingTransaction', l);
        subscriptions.set(id, () => chain.off('pendingTransaction', l));
      } else {
        throw invalidParam('subscription type', 'newHeads, logs or newPendingTransactions', kind);
      }
      session.onClose(() => {
        subscriptions.get(id)?.();
        subscriptions.delete(id);
      });
      return id;
    },
    eth_unsubscribe: (p) => {
      arity(p, 1, 1, 'eth_unsubscribe');
      const off = subscriptions.get(String(p[0]));
      if (!off) return false;
      off();
      subscriptions.delete(String(p[0]));
      return true;
    },
  };
}
