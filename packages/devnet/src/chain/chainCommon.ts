import { paramsBlock } from '@ethereumjs/block';
import { type Common, createCustomCommon, Hardfork, Mainnet } from '@ethereumjs/common';
import { paramsEVM } from '@ethereumjs/evm';
import { paramsTx } from '@ethereumjs/tx';
import { paramsVM } from '@ethereumjs/vm';
import { keccak256 as keccak_256 } from './keccak256';
import { ecrecover } from './nativeSecp256k1';

/** The hardfork the devnet runs (and our contracts are compiled for). */
export const DEVNET_HARDFORK = Hardfork.Prague;

/**
 * The ethereumjs `Common` for a devnet chain id: Prague rules, native signature recovery.
 *
 * ethereumjs merges parameter tables into a Common (a deep JSON copy) every time a transaction or block
 * object is constructed. We merge the four tables once here and make repeated merges of the same table a
 * no-op: decoding a transaction was otherwise dominated by that copy.
 */
export function chainCommon(chainId: number): Common {
  const common = createCustomCommon({ chainId, name: 'aidoc-devnet' }, Mainnet, {
    hardfork: DEVNET_HARDFORK,
    customCrypto: { ecrecover, keccak256: keccak_256 },
  });
  const merged = new WeakSet<object>();
  const update = common.updateParams.bind(common);
  for (const p of [paramsTx, paramsBlock, paramsVM, paramsEVM]) {
    update(p);
    merged.add(p);
  }
  Object.defineProperty(common, 'updateParams', {
    value(this: Common, params: object) {
      if (merged.has(params)) return this;
      return Object.getPrototypeOf(common).updateParams.call(this, params);
    },
    enumerable: true,
    writable: true,
  });
  return common;
}

export type { Common };
