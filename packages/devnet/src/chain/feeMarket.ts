/** EIP-1559 parameters (London values). */
export const BASE_FEE_CHANGE_DENOMINATOR = 8n;
export const ELASTICITY_MULTIPLIER = 2n;
/** Base fee of the first block after genesis, as Anvil and Hardhat use: 1 gwei. */
export const INITIAL_BASE_FEE = 1_000_000_000n;

/** The base fee of the block after `parent` (EIP-1559). */
export function nextBaseFee(parent: { gasUsed: bigint; gasLimit: bigint; baseFeePerGas: bigint }): bigint {
  const target = parent.gasLimit / ELASTICITY_MULTIPLIER;
  if (target === 0n) return parent.baseFeePerGas;
  if (parent.gasUsed === target) return parent.baseFeePerGas;
  if (parent.gasUsed > target) {
    const delta = (parent.baseFeePerGas * (parent.gasUsed - target)) / target / BASE_FEE_CHANGE_DENOMINATOR;
    return parent.baseFeePerGas + (delta > 1n ? delta : 1n);
  }
  const delta = (parent.baseFeePerGas * (target - parent.gasUsed)) / target / BASE_FEE_CHANGE_DENOMINATOR;
  return parent.baseFeePerGas - delta;
}
