import type {
  Abi,
  Address,
  ContractFunctionArgs,
  ContractFunctionName,
  Hash,
  TransactionReceipt,
} from 'viem';
import { AidocError } from '../errors';
import type { AidocContext } from './AidocContext';
import { awaitReceipt } from './awaitReceipt';
import { contractErrorToAidocError } from './contractErrorToAidocError';
import { requireSigner } from './requireSigner';

/** Result of a mined, successful transaction. */
export interface SentTransaction<T = unknown> {
  hash: Hash;
  receipt: TransactionReceipt;
  /** The function's return value, from the simulation that preceded sending. */
  result: T;
}

/**
 * Simulates a contract write from the client's signer and throws the typed refusal, sending nothing. Used
 * before content is stored, with a placeholder CID, so a refused operation leaves no content behind. Internal.
 */
export async function simulateContractCall<
  const abi extends Abi,
  name extends ContractFunctionName<abi, 'nonpayable' | 'payable'>,
  args extends ContractFunctionArgs<abi, 'nonpayable' | 'payable', name>,
>(
  ctx: AidocContext,
  action: string,
  request: { address: Address; abi: abi; functionName: name; args: args },
): Promise<void> {
  const { account } = requireSigner(ctx, action);
  try {
    await ctx.publicClient.simulateContract({ ...request, account } as never);
  } catch (error) {
    throw contractErrorToAidocError(error, action);
  }
}

/** A CID-shaped placeholder for {@link simulateContractCall} (the contracts only check that a CID is non-empty). */
export const PLACEHOLDER_CID = 'bafkreiaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';

/**
 * Simulates a contract write (so a refusal costs nothing and changes nothing), sends it from the client's
 * signer, waits for the receipt and throws a typed AidocError if anything fails. Internal.
 */
export async function sendContractTransaction<
  const abi extends Abi,
  name extends ContractFunctionName<abi, 'nonpayable' | 'payable'>,
  args extends ContractFunctionArgs<abi, 'nonpayable' | 'payable', name>,
>(
  ctx: AidocContext,
  action: string,
  request: { address: Address; abi: abi; functionName: name; args: args; value?: bigint },
): Promise<SentTransaction> {
  const { account, walletClient } = requireSigner(ctx, action);
  let simulated: { result: unknown; request: unknown };
  try {
    simulated = (await ctx.publicClient.simulateContract({ ...request, account } as never)) as never;
  } catch (error) {
    throw contractErrorToAidocError(error, action);
  }
  let hash: Hash;
  try {
    hash = await walletClient.writeContract(simulated.request as never);
  } catch (error) {
    throw contractErrorToAidocError(error, action);
  }
  let receipt: TransactionReceipt;
  try {
    receipt = await awaitReceipt(ctx, hash);
  } catch (error) {
    throw contractErrorToAidocError(error, action);
  }
  if (receipt.status !== 'success') {
    throw new AidocError('EXECUTION_REVERTED', `${action}: the transaction reverted.`, { data: { hash } });
  }
  return { hash, receipt, result: simulated.result };
}
