import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { aidTokenAbi, aidTokenBytecode } from '@aidoc/contracts';
import { type Devnet, startDevnet } from '@aidoc/devnet';
import {
  type Address,
  createPublicClient,
  encodeDeployData,
  encodeFunctionData,
  type Hex,
  http,
  parseEther,
  toEventSelector,
} from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Unmodified `cast` from @foundry-rs/cast, as installed at the repository root.
const castBin = fileURLToPath(new URL('../../../../node_modules/.bin/cast', import.meta.url));
const run = promisify(execFile);

const transferTopic = toEventSelector('Transfer(address,address,uint256)');

describe('cast (Foundry) drives the devnet', () => {
  let devnet: Devnet;
  let client: ReturnType<typeof createPublicClient>;
  let cast: (...args: string[]) => Promise<string>;
  let sender: { address: Address; privateKey: Hex };
  let token: Address;

  beforeAll(async () => {
    devnet = await startDevnet({ port: 0 });
    client = createPublicClient({ transport: http(devnet.rpcUrl) });
    cast = async (...args: string[]) => {
      const [command, ...rest] = args;
      // Options before arguments: `send --create` takes everything after it as its own arguments.
      const { stdout } = await run(castBin, [command!, '--rpc-url', devnet.rpcUrl, ...rest], {
        timeout: 30_000,
      });
      return stdout.trim();
    };
    sender = devnet.accounts[1]!;
    token = devnet.contracts.AidToken!;
  });

  afterAll(async () => {
    await devnet?.stop();
  });

  it('block-number matches eth_blockNumber', async () => {
    await devnet.provider.request({ method: 'evm_mine', params: [] });
    const head = await client.getBlockNumber();
    expect(head).toBeGreaterThan(0n);
    expect(BigInt(await cast('block-number'))).toBe(head);
  });

  it('chain-id is 31337', async () => {
    expect(await cast('chain-id')).toBe('31337');
    expect(devnet.chainId).toBe(31337);
  });

  it('balance reads a dev account holding 10,000 ETH at genesis', async () => {
    const fresh = devnet.accounts[9]!.address;
    expect(BigInt(await cast('balance', fresh))).toBe(parseEther('10000'));
    expect(BigInt(await cast('balance', fresh, '--block', '0'))).toBe(parseEther('10000'));
  });

  it('send with value moves exactly that value and the receipt agrees with the chain', async () => {
    const to = '0x00000000000000000000000000000000000c0ffe' as Address;
    const before = await client.getBalance({ address: sender.address });
    const out = await cast('send', '--private-key', sender.privateKey, '--json', to, '--value', '1.5ether');
    const receipt = JSON.parse(out) as {
      status: string;
      transactionHash: Hex;
      gasUsed: string;
      effectiveGasPrice: string;
      from: string;
      to: string;
    };
    expect(receipt.status).toBe('0x1');
    expect(receipt.from.toLowerCase()).toBe(sender.address.toLowerCase());
    expect(receipt.to.toLowerCase()).toBe(to);
    expect(BigInt(receipt.gasUsed)).toBe(21_000n);
    expect(await client.getBalance({ address: to })).toBe(parseEther('1.5'));
    const fee = BigInt(receipt.gasUsed) * BigInt(receipt.effectiveGasPrice);
    expect(await client.getBalance({ address: sender.address })).toBe(before - parseEther('1.5') - fee);
    const onChain = await client.getTransactionReceipt({ hash: receipt.transactionHash });
    expect(onChain.status).toBe('success');
  });

  it('send with calldata (ERC-20 transfer) changes token balances; call reads them back', async () => {
    const to = devnet.accounts[8]!.address;
    const amount = parseEther('12.5');
    const read = (who: Address) =>
      client.readContract({ address: token, abi: aidTokenAbi, functionName: 'balanceOf', args: [who] });
    const [fromBefore, toBefore] = [await read(sender.address), await read(to)];
    expect(fromBefore).toBe(parseEther('10000'));
    const out = await cast(
      'send',
      '--private-key',
      sender.privateKey,
      '--json',
      token,
      'transfer(address,uint256)',
      to,
      amount.toString(),
    );
    const receipt = JSON.parse(out) as {
      status: string;
      logs: { address: string; topics: string[]; data: Hex }[];
    };
    expect(receipt.status).toBe('0x1');
    expect(receipt.logs).toHaveLength(1);
    expect(receipt.logs[0]!.address.toLowerCase()).toBe(token.toLowerCase());
    expect(receipt.logs[0]!.topics[0]).toBe(transferTopic);
    expect(BigInt(receipt.logs[0]!.data)).toBe(amount);
    expect(await read(sender.address)).toBe(fromBefore - amount);
    expect(await read(to)).toBe(toBefore + amount);
    // cast call decodes the return value with the given signature.
    const viaCast = await cast('call', token, 'balanceOf(address)(uint256)', to);
    expect(BigInt(viaCast.split(' ')[0]!)).toBe(toBefore + amount);
    expect(await cast('call', token, 'symbol()(string)')).toBe('"AID"');
  });

  it('send --create deploys AidToken; code and constructor state are on chain', async () => {
    const holder = devnet.accounts[2]!.address;
    const data = encodeDeployData({
      abi: aidTokenAbi,
      bytecode: aidTokenBytecode,
      args: [sender.address, 0n, [holder], [parseEther('7')]],
    });
    const out = await cast('send', '--private-key', sender.privateKey, '--json', '--create', data);
    const receipt = JSON.parse(out) as { status: string; contractAddress: Address };
    expect(receipt.status).toBe('0x1');
    const code = await client.getCode({ address: receipt.contractAddress });
    expect(code && code.length > 2).toBe(true);
    expect(await cast('code', receipt.contractAddress)).toBe(code);
    const bal = await cast('call', receipt.contractAddress, 'balanceOf(address)(uint256)', holder);
    expect(BigInt(bal.split(' ')[0]!)).toBe(parseEther('7'));
  });

  it('receipt returns the mined transaction as eth_getTransactionReceipt has it', async () => {
    const out = await cast(
      'send',
      '--private-key',
      sender.privateKey,
      '--json',
      devnet.accounts[3]!.address,
      '--value',
      '1wei',
    );
    const { transactionHash } = JSON.parse(out) as { transactionHash: Hex };
    const viaCast = JSON.parse(await cast('receipt', transactionHash, '--json')) as Record<string, string>;
    const direct = (await devnet.provider.request({
      method: 'eth_getTransactionReceipt',
      params: [transactionHash],
    })) as Record<string, string>;
    for (const k of [
      'transactionHash',
      'blockHash',
      'blockNumber',
      'gasUsed',
      'cumulativeGasUsed',
      'status',
      'effectiveGasPrice',
      'type',
    ]) {
      expect(viaCast[k], k).toBe(direct[k]);
    }
    expect(await cast('receipt', transactionHash, 'status')).toBe('true');
  });

  it('logs finds the Transfer events the chain recorded', async () => {
    const to = devnet.accounts[7]!.address;
    const out = await cast(
      'send',
      '--private-key',
      sender.privateKey,
      '--json',
      token,
      'transfer(address,uint256)',
      to,
      '42',
    );
    const { blockNumber } = JSON.parse(out) as { blockNumber: string };
    const logs = JSON.parse(
      await cast(
        'logs',
        '--json',
        '--from-block',
        BigInt(blockNumber).toString(),
        '--to-block',
        'latest',
        '--address',
        token,
        'Transfer(address indexed,address indexed,uint256)',
      ),
    ) as { topics: Hex[]; data: Hex; blockNumber: string }[];
    const direct = await client.getLogs({ address: token, fromBlock: BigInt(blockNumber) });
    expect(logs).toHaveLength(direct.length);
    expect(logs.length).toBeGreaterThan(0);
    const mine = logs.find((l) => l.topics[2]?.toLowerCase().endsWith(to.slice(2).toLowerCase()));
    expect(mine).toBeDefined();
    expect(BigInt(mine!.data)).toBe(42n);
    expect(mine!.topics[0]).toBe(transferTopic);
  });

  it('estimate agrees with eth_estimateGas and is enough to execute the call', async () => {
    const to = devnet.accounts[6]!.address;
    const viaCast = BigInt(
      await cast('estimate', '--from', sender.address, token, 'transfer(address,uint256)', to, '1000'),
    );
    const direct = await client.estimateGas({
      account: sender.address,
      to: token,
      data: encodeFunctionData({ abi: aidTokenAbi, functionName: 'transfer', args: [to, 1000n] }),
    });
    expect(viaCast).toBe(direct);
    expect(viaCast).toBeGreaterThan(21_000n);
    const plain = BigInt(await cast('estimate', '--from', sender.address, to, '--value', '1'));
    expect(plain).toBe(21_000n);
    // The estimate is sufficient: a send with exactly that gas limit succeeds.
    const out = await cast(
      'send',
      '--private-key',
      sender.privateKey,
      '--json',
      '--gas-limit',
      viaCast.toString(),
      token,
      'transfer(address,uint256)',
      to,
      '1000',
    );
    expect((JSON.parse(out) as { status: string }).status).toBe('0x1');
  });
});
