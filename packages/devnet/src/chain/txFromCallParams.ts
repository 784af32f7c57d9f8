import type { Common } from '@ethereumjs/common';
import { createTx, type TypedTransaction } from '@ethereumjs/tx';
import { Address, hexToBytes } from '@ethereumjs/util';

/** Call or transaction fields as a JSON-RPC client sends them, already parsed. */
export interface CallParams {
  from?: `0x${string}` | undefined;
  to?: `0x${string}` | null | undefined;
  gas?: bigint | undefined;
  gasPrice?: bigint | undefined;
  maxFeePerGas?: bigint | undefined;
  maxPriorityFeePerGas?: bigint | undefined;
  value?: bigint | undefined;
  data?: Uint8Array | undefined;
  nonce?: bigint | undefined;
  accessList?: { address: `0x${string}`; storageKeys: `0x${string}`[] }[] | undefined;
  authorizationList?: unknown[] | undefined;
  type?: number | undefined;
}

/**
 * A transaction object that claims `from` as its sender without a signature: used for eth_estimateGas,
 * tracing and impersonated accounts. Its r and s are 1, so its hash is stable but it can never be broadcast
 * to a real network.
 */
export function txFromCallParams(
  common: Common,
  params: CallParams & { nonce: bigint; gas: bigint },
  from: Address,
): TypedTransaction {
  const usesFeeMarket =
    params.gasPrice === undefined && (params.type === undefined || params.type === 2 || params.type === 4);
  const base = {
    nonce: params.nonce,
    gasLimit: params.gas,
    ...(params.to ? { to: new Address(hexToBytes(params.to)) } : {}),
    value: params.value ?? 0n,
    data: params.data ?? new Uint8Array(),
    r: 1n,
    s: 1n,
  };
  const accessList = params.accessList?.map((e) => ({ address: e.address, storageKeys: e.storageKeys }));
  const tx = usesFeeMarket
    ? createTx(
        {
          ...base,
          type: 2,
          v: 0n,
          maxFeePerGas: params.maxFeePerGas ?? 0n,
          maxPriorityFeePerGas: params.maxPriorityFeePerGas ?? 0n,
          accessList: accessList ?? [],
          chainId: common.chainId(),
        },
        { common, freeze: false },
      )
    : accessList
      ? createTx(
          { ...base, type: 1, v: 0n, gasPrice: params.gasPrice ?? 0n, accessList, chainId: common.chainId() },
          { common, freeze: false },
        )
      : createTx({ ...base, type: 0, v: 27n, gasPrice: params.gasPrice ?? 0n }, { common, freeze: false });
  const sender = from;
  Object.defineProperty(tx, 'getSenderAddress', { value: () => sender });
  Object.defineProperty(tx, 'isSigned', { value: () => true });
  Object.defineProperty(tx, 'verifySignature', { value: () => true });
  return tx;
}
