import type { Chain } from '../chain/Chain';
import type { StoredBlock } from '../chain/StoredBlock';
import type { BlockProducer } from '../consensus/BlockProducer';
import type { FilterManager } from './FilterManager';
import type { BlockSelector } from './rpcParams';

/** A JSON-RPC method handler: receives positional params, returns a JSON-serialisable result. */
export type RpcHandler = (params: unknown[], session: RpcSession) => unknown | Promise<unknown>;

/** A per-connection session: subscriptions need a way to push notifications. */
export interface RpcSession {
  /** Push an `eth_subscription` notification; undefined for transports that cannot push (HTTP). */
  notify?: ((subscription: string, result: unknown) => void) | undefined;
  /** Cleanup hooks run when the connection closes. */
  onClose(fn: () => void): void;
  /**
   * Whether a send should return only once its transaction is mined (instant mode). The in-process
   * provider sets it: its next call runs before the block would otherwise be built. Network clients get
   * the hash at once, as from geth and Anvil; a request they send after it sees the block.
   */
  waitForInclusion?: boolean;
}

/** Everything method handlers need. */
export interface RpcContext {
  chain: Chain;
  producer: BlockProducer;
  filters: FilterManager;
  /** Keys of unlocked dev accounts by lowercase address. */
  devKeys: Map<string, Uint8Array>;
  /** System contract addresses by name. */
  contracts: Record<string, `0x${string}`>;
  clientVersion: string;
  /** Resolve a block selector to a committed block (throws NOT_FOUND). */
  resolveBlock(sel: BlockSelector): StoredBlock;
  /** Resolve a selector to a block number for state reads (undefined = head, including pending). */
  resolveStateBlock(sel: BlockSelector): bigint | undefined;
  /** Wait until a just-pooled transaction is mined or dropped (instant mode), bounded in time. */
  awaitInclusion(hash: `0x${string}`): Promise<void>;
}
