import { aidTokenAbi, keyRegistryAbi } from '@aidoc/contracts';
import { type Devnet, startDevnet } from '@aidoc/devnet';
import { encodeFunctionData } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('eth_createAccessList', () => {
  let devnet: Devnet;
  beforeAll(async () => {
    devnet = await startDevnet({ port: 0, listen: false, validators: 1 });
  });
  afterAll(() => devnet.stop());

  it('lists the contract and the storage slots an ERC-20 transfer touches, and the list works in a transaction', async () => {
    const [sender, recipient] = devnet.accounts;
    const token = devnet.contracts.AidToken!;
    const call = {
      from: sender!.address,
      to: token,
      data: encodeFunctionData({
        abi: aidTokenAbi,
        functionName: 'transfer',
        args: [recipient!.address, 5n],
      }),
    };
    const r = (await devnet.provider.request({
      method: 'eth_createAccessList',
      params: [call, 'latest'],
    })) as {
      accessList: { address: string; storageKeys: string[] }[];
      gasUsed: string;
      error?: string;
    };
    expect(r.error).toBeUndefined();
    // As geth: the sender and the recipient (and its storage) are warm anyway and left out.
    const addresses = r.accessList.map((e) => e.address.toLowerCase());
    expect(addresses).not.toContain(sender!.address.toLowerCase());
    expect(addresses).not.toContain(token.toLowerCase());
    const hash = await devnet.provider.request({
      method: 'eth_sendTransaction',
      params: [{ ...call, gas: r.gasUsed, accessList: r.accessList }],
    });
    const receipt = (await devnet.provider.request({
      method: 'eth_getTransactionReceipt',
      params: [hash],
    })) as {
      status: string;
      gasUsed: string;
    };
    expect(receipt.status).toBe('0x1');
    expect(BigInt(receipt.gasUsed)).toBe(BigInt(r.gasUsed));
  });

  it('lists the implementation a proxy delegates to, and nothing for a plain transfer', async () => {
    const proxy = devnet.contracts.KeyRegistry!;
    const r = (await devnet.provider.request({
      method: 'eth_createAccessList',
      params: [
        {
          from: devnet.accounts[0]!.address,
          to: proxy,
          data: encodeFunctionData({
            abi: keyRegistryAbi,
            functionName: 'keyOf',
            args: [devnet.accounts[1]!.address],
          }),
        },
      ],
    })) as { accessList: { address: string; storageKeys: string[] }[] };
    // ERC-1967: the implementation address sits in the proxy's slot; the list names it.
    const slot = '0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc';
    const stored = (await devnet.provider.request({
      method: 'eth_getStorageAt',
      params: [proxy, slot, 'latest'],
    })) as string;
    const implementation = `0x${stored.slice(-40)}`;
    expect(r.accessList.map((e) => e.address.toLowerCase())).toContain(implementation.toLowerCase());

    const plain = (await devnet.provider.request({
      method: 'eth_createAccessList',
      params: [{ from: devnet.accounts[0]!.address, to: devnet.accounts[1]!.address, value: '0x1' }],
    })) as { accessList: unknown[]; gasUsed: string };
    expect(plain.accessList).toEqual([]);
    expect(BigInt(plain.gasUsed)).toBe(21_000n);
  });
});
