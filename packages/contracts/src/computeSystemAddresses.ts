import { type Address, getAddress, getContractAddress } from 'viem';
import { AidocError } from './errors/AidocError';
import { type SystemContractName, systemCreateOrder } from './systemContracts';

/**
 * Computes where the system deployment plan puts each public contract when `deployer` runs it starting at
 * nonce `startNonce` (the deployer's transaction count before the first step).
 * @example
 * const { AidToken } = computeSystemAddresses('0x5ae04B824FD1B8c78eC0B73843f0D6164C6D79e0');
 */
export function computeSystemAddresses(
  deployer: Address,
  startNonce = 0,
): Record<SystemContractName, Address> {
  const all = computeCreateAddresses(deployer, startNonce);
  const addresses = {} as Record<SystemContractName, Address>;
  for (const entry of systemCreateOrder) {
    if (entry.public) addresses[entry.name] = all[entry.name];
  }
  return addresses;
}

/**
 * Computes the address of every contract the plan creates, implementations included.
 * @example
 * const addresses = computeCreateAddresses(deployer, 0);
 */
export function computeCreateAddresses(
  deployer: Address,
  startNonce = 0,
): Record<(typeof systemCreateOrder)[number]['name'], Address> {
  if (!Number.isSafeInteger(startNonce) || startNonce < 0) {
    throw new AidocError('INVALID_INPUT', `startNonce must be a non-negative integer, got ${startNonce}`);
  }
  const from = getAddress(deployer);
  const addresses = {} as Record<(typeof systemCreateOrder)[number]['name'], Address>;
  systemCreateOrder.forEach((entry, index) => {
    addresses[entry.name] = getContractAddress({ from, nonce: BigInt(startNonce + index) });
  });
  return addresses;
}
