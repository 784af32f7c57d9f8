import { performance } from 'node:perf_hooks';
import { aidTokenAbi, aidTokenBytecode } from '@aidoc/contracts';
import {
  decodeFunctionResult,
  encodeDeployData,
  encodeFunctionData,
  type Hex,
  keccak256,
  type PrivateKeyAccount,
} from 'viem';
import { mnemonicToAccount, privateKeyToAccount } from 'viem/accounts';
import { mapWithConcurrency } from '../harness/mapWithConcurrency';
import type { WorkloadContext, WorkloadLine } from '../harness/types';
import { type ReceiptLike, waitForReceipt } from '../harness/waitForReceipt';

const MNEMONIC = 'test test test test test test test test test test test junk';
/** Dev account 0 of the standard test mnemonic; a public test key. */
const SENDER_KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80' as const;
const CONCURRENCY = 64;
const TRANSFER_GAS = 100_000n;
const DEPLOY_GAS = 5_000_000n;
const SUPPLY = 10n ** 27n;

/** Sizes of the three measured lines, full and `--quick`. */
export const rpcWorkloadSizes = {
  full: { sequential: 2_000, burst: 2_000, calls: 20_000 },
  quick: { sequential: 200, burst: 200, calls: 2_000 },
} as const;

interface SignedTx {
  raw: Hex;
  hash: Hex;
}

function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`rpc workload check failed: ${message}`);
}

function expectMined(receipt: ReceiptLike, hash: string, what: string): void {
  check(receipt.transactionHash.toLowerCase() === hash.toLowerCase(), `${what}: receipt is for another tx`);
  check(receipt.status === '0x1', `${what}: status ${receipt.status}, expected 0x1`);
}

async function sendAndWait(ctx: WorkloadContext, tx: SignedTx, what: string): Promise<ReceiptLike> {
  const hash = await ctx.target.rpc.request<string>('eth_sendRawTransaction', [tx.raw]);
  check(hash.toLowerCase() === tx.hash, `${what}: node returned hash ${hash}, expected ${tx.hash}`);
  const receipt = await waitForReceipt(ctx.target.rpc, tx.hash, { onStall: ctx.target.nudgeStalledMiner });
  expectMined(receipt, tx.hash, what);
  return receipt;
}

async function signAll(
  account: PrivateKeyAccount,
  txs: { nonce: number; to?: Hex; data: Hex; gas: bigint }[],
  chainId: number,
  fees: { maxFeePerGas: bigint; maxPriorityFeePerGas: bigint },
): Promise<SignedTx[]> {
  const out: SignedTx[] = [];
  for (const t of txs) {
    const raw = await account.signTransaction({
      type: 'eip1559',
      chainId,
      nonce: t.nonce,
      gas: t.gas,
      ...fees,
      value: 0n,
      data: t.data,
      ...(t.to ? { to: t.to } : {}),
    });
    out.push({ raw, hash: keccak256(raw) });
  }
  return out;
}

/** Run `fn` and return its wall time in seconds and the miner-stall workarounds it needed. */
async function timed(
  ctx: WorkloadContext,
  fn: () => Promise<void>,
): Promise<{ seconds: number; stallNudges: number }> {
  const nudgesBefore = ctx.target.stallNudges;
  const t0 = performance.now();
  await fn();
  return { seconds: (performance.now() - t0) / 1000, stallNudges: ctx.target.stallNudges - nudgesBefore };
}

/** Sizes of the three measured lines of {@link measureRpcLines}. */
export interface RpcWorkloadSizes {
  sequential: number;
  burst: number;
  calls: number;
}

/**
 * The measurements of the `rpc` workload, shared by every workload that runs it (`rpc`, `consensus`):
 * dev account 0 deploys AidToken (not timed), then ERC-20 transfers one by one, a burst of transfers sent
 * back to back then awaited, and balanceOf `eth_call`s (64 in flight), each result checked.
 *
 * @example
 * ```ts
 * const lines = await measureRpcLines({ target, quick: true, log: console.log });
 * ```
 */
export async function measureRpcLines(
  ctx: WorkloadContext,
  options: { sizes?: RpcWorkloadSizes } = {},
): Promise<WorkloadLine[]> {
  const { rpc } = ctx.target;
  const sizes = options.sizes ?? (ctx.quick ? rpcWorkloadSizes.quick : rpcWorkloadSizes.full);
  const sender = privateKeyToAccount(SENDER_KEY);
  const recipients = Array.from(
    { length: 9 },
    (_, i) => mnemonicToAccount(MNEMONIC, { addressIndex: i + 1 }).address,
  );
  check(
    mnemonicToAccount(MNEMONIC).address === sender.address,
    'account 0 of the mnemonic is the sender key',
  );

  // Setup (not measured): chain, fees, nonce, token deployment.
  const chainId = Number(await rpc.request<string>('eth_chainId'));
  const latest = await rpc.request<{ baseFeePerGas?: string }>('eth_getBlockByNumber', ['latest', false]);
  const baseFee = BigInt(latest.baseFeePerGas ?? '0x3b9aca00');
  const fees = { maxFeePerGas: baseFee * 4n + 2_000_000_000n, maxPriorityFeePerGas: 1_000_000_000n };
  let nonce = Number(await rpc.request<string>('eth_getTransactionCount', [sender.address, 'pending']));
  const nonceAtStart = nonce;

  const [deployTx] = await signAll(
    sender,
    [
      {
        nonce: nonce++,
        data: encodeDeployData({
          abi: aidTokenAbi,
          bytecode: aidTokenBytecode,
          // governance, cap (0 = none), initial holders, amounts
          args: [sender.address, 0n, [sender.address], [SUPPLY]],
        }),
        gas: DEPLOY_GAS,
      },
    ],
    chainId,
    fees,
  );
  check(deployTx, 'deploy tx signed');
  const deployReceipt = await sendAndWait(ctx, deployTx, 'deploy');
  const token = deployReceipt.contractAddress as Hex | null | undefined;
  check(token, 'deploy receipt has a contractAddress');
  const code = await rpc.request<string>('eth_getCode', [token, 'latest']);
  check(code.length > 2, 'deployed token has code');

  // Pre-sign every transfer so signing stays outside the timers.
  const total = sizes.sequential + sizes.burst;
  ctx.log(`signing ${total} transfers`);
  const expected = new Map<string, bigint>([[sender.address, SUPPLY]]);
  for (const r of recipients) expected.set(r, 0n);
  const plan = Array.from({ length: total }, (_, i) => {
    const to = recipients[i % recipients.length] as Hex;
    const amount = BigInt((i % 7) + 1) * 10n ** 15n;
    expected.set(to, (expected.get(to) ?? 0n) + amount);
    expected.set(sender.address, (expected.get(sender.address) ?? 0n) - amount);
    return {
      nonce: nonce++,
      to: token,
      data: encodeFunctionData({ abi: aidTokenAbi, functionName: 'transfer', args: [to, amount] }),
      gas: TRANSFER_GAS,
    };
  });
  const signed = await signAll(sender, plan, chainId, fees);
  const sequentialTxs = signed.slice(0, sizes.sequential);
  const burstTxs = signed.slice(sizes.sequential);

  // 1. One by one: send, wait for the receipt, next.
  ctx.log(`${sizes.sequential} transfers one by one`);
  const sequential = await timed(ctx, async () => {
    for (const [i, tx] of sequentialTxs.entries()) await sendAndWait(ctx, tx, `sequential transfer ${i}`);
  });

  // 2. Burst: every transaction sent back to back without waiting for receipts, then all receipts awaited
  //    (64 in flight). The sends go out in nonce order, each after the previous send was answered: Hardhat's
  //    automine rejects a nonce gap ("can't be queued when automining"), and both concurrent single requests
  //    and JSON-RPC batches reach its engine out of order, so a wider fan-out cannot run on every target.
  ctx.log(`${sizes.burst} transfers at once`);
  const burst = await timed(ctx, async () => {
    const hashes: string[] = [];
    for (const tx of burstTxs) hashes.push(await rpc.request<string>('eth_sendRawTransaction', [tx.raw]));
    for (const [i, h] of hashes.entries()) {
      check(h.toLowerCase() === burstTxs[i]?.hash, `burst transfer ${i}: node returned hash ${h}`);
    }
    const receipts = await mapWithConcurrency(burstTxs, CONCURRENCY, (tx) =>
      waitForReceipt(rpc, tx.hash, { onStall: ctx.target.nudgeStalledMiner }),
    );
    for (const [i, r] of receipts.entries()) expectMined(r, burstTxs[i]?.hash ?? '', `burst transfer ${i}`);
  });

  // Every transfer mined, in order, nothing lost or added.
  const finalNonce = Number(await rpc.request<string>('eth_getTransactionCount', [sender.address, 'latest']));
  check(
    finalNonce === nonceAtStart + 1 + total,
    `sender nonce ${finalNonce}, expected ${nonceAtStart + 1 + total}`,
  );

  // 3. eth_call balanceOf over the 10 accounts, each result checked against the expected balance.
  const holders = [sender.address, ...recipients];
  const callData = holders.map((h) =>
    encodeFunctionData({ abi: aidTokenAbi, functionName: 'balanceOf', args: [h] }),
  );
  const expectedBalances = holders.map((h) => expected.get(h) ?? 0n);
  const callIndexes = Array.from({ length: sizes.calls }, (_, i) => i % holders.length);
  ctx.log(`${sizes.calls} eth_call balanceOf`);
  const calls = await timed(ctx, async () => {
    await mapWithConcurrency(callIndexes, CONCURRENCY, async (h) => {
      const result = await rpc.request<Hex>('eth_call', [{ to: token, data: callData[h] }, 'latest']);
      check(
        BigInt(result) === expectedBalances[h],
        `balanceOf(${holders[h]}) = ${BigInt(result)}, expected ${expectedBalances[h]}`,
      );
    });
  });

  const supply = decodeFunctionResult({
    abi: aidTokenAbi,
    functionName: 'totalSupply',
    data: await rpc.request<Hex>('eth_call', [
      { to: token, data: encodeFunctionData({ abi: aidTokenAbi, functionName: 'totalSupply' }) },
      'latest',
    ]),
  });
  check(supply === SUPPLY, `totalSupply ${supply}, expected ${SUPPLY}`);

  const lines: WorkloadLine[] = [
    {
      key: 'transfers-sequential',
      label: `ERC-20 transfers, one by one`,
      count: sizes.sequential,
      ...sequential,
    },
    {
      key: 'transfers-burst',
      label: `ERC-20 transfers, burst then await`,
      count: sizes.burst,
      ...burst,
    },
    { key: 'eth-call', label: `eth_call balanceOf`, count: sizes.calls, ...calls },
  ];
  return lines;
}
