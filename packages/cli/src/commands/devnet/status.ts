import { devnetRpcClient } from './devnetRpcClient';
import type { ValidatorStatus } from './validatorStatus';

/** A block reference in {@link DevnetStatus}. */
export interface BlockRef {
  number: bigint;
  hash: `0x${string}`;
}

/** What `aidoc devnet status` reports about a running devnet. */
export interface DevnetStatus {
  rpc: string;
  chainId: number;
  head: BlockRef;
  /** The latest finalized block (`eth_getBlockByNumber("finalized")`); with QBFT every committed block is final. */
  finalized: BlockRef | null;
  /** Validators in the set of the next block. */
  validatorCount: number;
  /** Commit quorum: ⌈2N/3⌉ of the validator set. */
  quorum: number;
  /** Validators of the set that are neither crashed nor partitioned. */
  reachable: number;
  /** Whether a quorum is reachable, i.e. new blocks can be committed. */
  canCommit: boolean;
  validators: ValidatorStatus[];
}

interface RpcBlock {
  number: string;
  hash: `0x${string}`;
}

/**
 * Read a running devnet's consensus status: head, finalized block and every validator node
 * (`aidoc_validators`), with the quorum arithmetic. The data behind `aidoc devnet status`.
 *
 * @example
 * ```ts
 * const status = await devnetStatus({ rpc: 'http://127.0.0.1:8545' });
 * if (!status.canCommit) console.log('finality stalled');
 * ```
 */
export async function devnetStatus(options: { rpc: string }): Promise<DevnetStatus> {
  const rpc = devnetRpcClient(options.rpc);
  const [chainId, head, finalized, validators] = await Promise.all([
    rpc.request<string>('eth_chainId'),
    rpc.request<RpcBlock>('eth_getBlockByNumber', ['latest', false]),
    rpc.request<RpcBlock | null>('eth_getBlockByNumber', ['finalized', false]),
    rpc.request<ValidatorStatus[]>('aidoc_validators'),
  ]);
  return {
    rpc: options.rpc,
    chainId: Number(chainId),
    head: blockRef(head),
    finalized: finalized ? blockRef(finalized) : null,
    ...consensusSummary(validators),
    validators,
  };
}

/**
 * Quorum arithmetic over a validator status list: set size, ⌈2N/3⌉ quorum, reachable members, and whether
 * a block can be committed.
 *
 * @example
 * ```ts
 * consensusSummary(validators); // { validatorCount: 4, quorum: 3, reachable: 2, canCommit: false }
 * ```
 */
export function consensusSummary(validators: readonly ValidatorStatus[]): {
  validatorCount: number;
  quorum: number;
  reachable: number;
  canCommit: boolean;
} {
  const set = validators.filter((v) => v.validator);
  const quorum = Math.ceil((2 * set.length) / 3);
  const reachable = set.filter((v) => !v.crashed && !v.partitioned).length;
  return { validatorCount: set.length, quorum, reachable, canCommit: set.length > 0 && reachable >= quorum };
}

function blockRef(block: RpcBlock): BlockRef {
  return { number: BigInt(block.number), hash: block.hash };
}
