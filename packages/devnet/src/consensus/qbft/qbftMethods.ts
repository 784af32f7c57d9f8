import { AidocError } from '@aidoc/sdk/errors';
import type { Chain } from '../../chain/Chain';
import type { StoredBlock } from '../../chain/StoredBlock';
import { invalidParam, parseAddress, parseBlockSelector, parseHash, toQuantity } from '../../rpc/rpcParams';
import { type QbftEngine, type ValidatorFault, validatorFaultKinds } from './QbftEngine';
import { hexOf } from './qbftMessages';

/** Blocks `qbft_getSignerMetrics` covers when called without parameters (Besu: the last 100). */
const DEFAULT_METRICS_RANGE = 100n;

function blockByNumberParam(chain: Chain, v: unknown, name: string): StoredBlock | undefined {
  const sel = parseBlockSelector(v ?? 'latest', name);
  if ('hash' in sel)
    throw invalidParam(name, 'a block number or tag (latest, earliest, pending, safe, finalized)', v);
  if ('tag' in sel) return sel.tag === 'earliest' ? chain.blocks.byNumber(0n) : chain.head;
  return chain.blocks.byNumber(sel.number);
}

function validatorIndex(v: unknown): number {
  const n = typeof v === 'string' && /^(0x[0-9a-fA-F]+|[0-9]+)$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
    throw invalidParam('validator index', 'a validator index (0, 1, …)', v);
  }
  return n;
}

/**
 * The `qbft_*` JSON-RPC methods with Besu's parameter and result shapes, and the devnet's `aidoc_validator*`
 * fault-injection methods, bound to a running {@link QbftEngine}.
 *
 * @example
 * ```ts
 * const methods = qbftMethods(engine, chain);
 * await methods.qbft_proposeValidatorVote(['0x…', true]);
 * methods.aidoc_validatorFault([1, 'crash']);
 * ```
 */
export function qbftMethods(
  engine: QbftEngine,
  chain: Chain,
): Record<string, (params: unknown[]) => unknown> {
  return {
    qbft_proposeValidatorVote: (p) => {
      const address = parseAddress(p[0], 'address');
      if (typeof p[1] !== 'boolean') throw invalidParam('add', 'true (add) or false (remove)', p[1]);
      engine.proposeVote(address, p[1]);
      return true;
    },
    qbft_discardValidatorVote: (p) => {
      engine.discardVote(parseAddress(p[0], 'address'));
      return true;
    },
    qbft_getPendingVotes: () => engine.pendingVotes(),
    qbft_getValidatorsByBlockNumber: (p) => {
      const b = blockByNumberParam(chain, p[0], 'blockNumber');
      return b ? b.header.extra.validators.map(hexOf) : null;
    },
    qbft_getValidatorsByBlockHash: (p) => {
      const b = chain.blocks.getByHash(parseHash(p[0], 'blockHash'));
      return b ? b.header.extra.validators.map(hexOf) : null;
    },
    qbft_getSignerMetrics: (p) => {
      const head = chain.head.number;
      let from: bigint;
      let to: bigint;
      if (p[0] === undefined || p[0] === null) {
        to = head;
        from = head >= DEFAULT_METRICS_RANGE ? head - DEFAULT_METRICS_RANGE + 1n : 0n;
      } else {
        const f = blockByNumberParam(chain, p[0], 'fromBlockNumber');
        const t = blockByNumberParam(chain, p[1] ?? 'latest', 'toBlockNumber');
        if (!f)
          throw new AidocError(
            'INVALID_PARAMS',
            `fromBlockNumber ${String(p[0])} is after the head (${head})`,
          );
        from = f.number;
        to = t ? t.number : head;
      }
      if (from > to) {
        throw new AidocError('INVALID_PARAMS', `fromBlockNumber (${from}) is after toBlockNumber (${to})`);
      }
      const metrics = new Map<string, { count: bigint; last: bigint }>();
      for (const b of chain.blocks.range(from, to)) {
        const proposer = hexOf(b.header.coinbase);
        const m = metrics.get(proposer) ?? { count: 0n, last: 0n };
        m.count++;
        m.last = b.number;
        metrics.set(proposer, m);
      }
      // Validators of the last block that proposed nothing in the range are listed with zero.
      for (const v of chain.blocks.byNumber(to)!.header.extra.validators.map(hexOf)) {
        if (!metrics.has(v)) metrics.set(v, { count: 0n, last: 0n });
      }
      return [...metrics].map(([address, m]) => ({
        address,
        proposedBlockCount: toQuantity(m.count),
        lastProposedBlockNumber: toQuantity(m.last),
      }));
    },
    aidoc_validatorFault: (p) => {
      const index = validatorIndex(p[0]);
      const kind = p[1];
      if (typeof kind !== 'string') {
        throw invalidParam('fault', `one of ${validatorFaultKinds.join(', ')}`, kind);
      }
      const fault: ValidatorFault = { kind: kind as ValidatorFault['kind'] };
      if (kind === 'delay') {
        const ms = typeof p[2] === 'string' && /^[0-9]+$/.test(p[2]) ? Number(p[2]) : p[2];
        if (typeof ms !== 'number') throw invalidParam('ms', 'a delay in milliseconds', p[2]);
        fault.ms = ms;
      }
      return engine.fault(index, fault);
    },
    aidoc_validatorHeal: (p) => engine.heal(validatorIndex(p[0])),
    aidoc_validators: () => engine.status(),
  };
}
