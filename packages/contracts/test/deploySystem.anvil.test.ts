import {
  createPublicClient,
  createWalletClient,
  http,
  keccak256,
  type PublicClient,
  parseEther,
  stringToBytes,
  zeroHash,
} from 'viem';
import { privateKeyToAccount, privateKeyToAddress } from 'viem/accounts';
import { foundry } from 'viem/chains';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  aidTokenAbi,
  computeSystemAddresses,
  deploySystem,
  devnetContracts,
  devnetDeployer,
  devnetDeployerPrivateKey,
  keyRegistryAbi,
  systemDeploymentPlan,
} from '../src';
import { type AnvilNode, startAnvil } from './startAnvil';

// Anvil's first two well-known test accounts (public test keys).
const governanceKey = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
const userKey = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d';
const governance = privateKeyToAccount(governanceKey);
const user = privateKeyToAccount(userKey);

describe('system deployment on Anvil', () => {
  let anvil: AnvilNode;
  let publicClient: PublicClient;

  beforeAll(async () => {
    anvil = await startAnvil();
    publicClient = createPublicClient({ chain: foundry, transport: http(anvil.rpcUrl), pollingInterval: 50 });
  });
  afterAll(async () => {
    await anvil?.stop();
  });

  it('derives the devnet deployer from the documented seed', () => {
    expect(devnetDeployerPrivateKey).toBe(keccak256(stringToBytes('aidoc.devnet.deployer')));
    expect(devnetDeployer).toBe(privateKeyToAddress(devnetDeployerPrivateKey));
  });

  it('deploys from the devnet deployer to the devnet addresses, funds holders, and hands roles to governance', async () => {
    await publicClient.request({
      method: 'anvil_setBalance' as never,
      params: [devnetDeployer, `0x${parseEther('10').toString(16)}`] as never,
    });
    const walletClient = createWalletClient({
      account: privateKeyToAccount(devnetDeployerPrivateKey),
      chain: foundry,
      transport: http(anvil.rpcUrl),
    });
    const initialHolders = [
      { address: governance.address, amount: parseEther('10000') },
      { address: user.address, amount: parseEther('10000') },
    ];
    const { contracts } = await deploySystem({
      walletClient,
      publicClient,
      governance: governance.address,
      initialHolders,
    });
    expect(contracts).toEqual(devnetContracts);

    const token = { address: contracts.AidToken, abi: aidTokenAbi } as const;
    expect(await publicClient.readContract({ ...token, functionName: 'name' })).toBe('AIDOC Token');
    expect(await publicClient.readContract({ ...token, functionName: 'symbol' })).toBe('AID');
    expect(await publicClient.readContract({ ...token, functionName: 'decimals' })).toBe(18);
    expect(
      await publicClient.readContract({ ...token, functionName: 'balanceOf', args: [user.address] }),
    ).toBe(parseEther('10000'));
    const minterRole = await publicClient.readContract({ ...token, functionName: 'MINTER_ROLE' });
    const hasRole = (role: `0x${string}`, who: `0x${string}`) =>
      publicClient.readContract({ ...token, functionName: 'hasRole', args: [role, who] });
    expect(await hasRole(zeroHash, governance.address)).toBe(true);
    expect(await hasRole(minterRole, governance.address)).toBe(true);
    expect(await hasRole(zeroHash, devnetDeployer)).toBe(false);
    expect(await hasRole(minterRole, devnetDeployer)).toBe(false);

    expect(await hasRole(minterRole, contracts.LifeBank)).toBe(true);
    // Every upgradeable contract sits behind an initialized proxy owned by governance.
    for (const name of [
      'KeyRegistry',
      'LifeBank',
      'ModelRegistry',
      'DAppRegistry',
      'Messenger',
      'ComputeRegistry',
      'FederatedTraining',
    ] as const) {
      const owner = await publicClient.readContract({
        address: contracts[name],
        abi: keyRegistryAbi,
        functionName: 'owner',
      });
      expect(owner, name).toBe(governance.address);
    }

    // A non-minter cannot mint; governance can.
    await expect(
      publicClient.simulateContract({
        ...token,
        functionName: 'mint',
        args: [user.address, 1n],
        account: user,
      }),
    ).rejects.toThrow(/AccessControlUnauthorizedAccount/);
    const gov = createWalletClient({ account: governance, chain: foundry, transport: http(anvil.rpcUrl) });
    const hash = await gov.writeContract({ ...token, functionName: 'mint', args: [user.address, 5n] });
    expect((await publicClient.waitForTransactionReceipt({ hash })).status).toBe('success');
    expect(
      await publicClient.readContract({ ...token, functionName: 'balanceOf', args: [user.address] }),
    ).toBe(parseEther('10000') + 5n);
  });

  it('accepts an EIP-2612 permit signed by the holder', async () => {
    const token = { address: devnetContracts.AidToken, abi: aidTokenAbi } as const;
    const deadline = 2n ** 40n;
    const nonce = await publicClient.readContract({ ...token, functionName: 'nonces', args: [user.address] });
    const signature = await user.signTypedData({
      domain: { name: 'AIDOC Token', version: '1', chainId: foundry.id, verifyingContract: token.address },
      types: {
        Permit: [
          { name: 'owner', type: 'address' },
          { name: 'spender', type: 'address' },
          { name: 'value', type: 'uint256' },
          { name: 'nonce', type: 'uint256' },
          { name: 'deadline', type: 'uint256' },
        ],
      },
      primaryType: 'Permit',
      message: { owner: user.address, spender: governance.address, value: 123n, nonce, deadline },
    });
    const r = `0x${signature.slice(2, 66)}` as const;
    const s = `0x${signature.slice(66, 130)}` as const;
    const v = Number.parseInt(signature.slice(130, 132), 16);
    const gov = createWalletClient({ account: governance, chain: foundry, transport: http(anvil.rpcUrl) });
    const hash = await gov.writeContract({
      ...token,
      functionName: 'permit',
      args: [user.address, governance.address, 123n, deadline, v, r, s],
    });
    expect((await publicClient.waitForTransactionReceipt({ hash })).status).toBe('success');
    expect(
      await publicClient.readContract({
        ...token,
        functionName: 'allowance',
        args: [user.address, governance.address],
      }),
    ).toBe(123n);
  });

  it('enforces the optional cap, and deploys from an account that already sent transactions', async () => {
    const walletClient = createWalletClient({
      account: governance,
      chain: foundry,
      transport: http(anvil.rpcUrl),
    });
    const startNonce = await publicClient.getTransactionCount({ address: governance.address });
    expect(startNonce).toBeGreaterThan(0);
    const { contracts } = await deploySystem({
      walletClient,
      publicClient,
      governance: governance.address,
      tokenCap: 100n,
      initialHolders: [{ address: user.address, amount: 60n }],
    });
    expect(contracts).toEqual(computeSystemAddresses(governance.address, startNonce));
    const token = { address: contracts.AidToken, abi: aidTokenAbi } as const;
    expect(await publicClient.readContract({ ...token, functionName: 'cap' })).toBe(100n);
    await expect(
      publicClient.simulateContract({
        ...token,
        functionName: 'mint',
        args: [user.address, 41n],
        account: governance,
      }),
    ).rejects.toThrow(/CapExceeded/);
    await publicClient.simulateContract({
      ...token,
      functionName: 'mint',
      args: [user.address, 40n],
      account: governance,
    });
  });

  it('refuses a plan whose initial holdings exceed the cap', () => {
    expect(() =>
      systemDeploymentPlan({
        deployer: devnetDeployer,
        governance: governance.address,
        tokenCap: 10n,
        initialHolders: [{ address: user.address, amount: 11n }],
      }),
    ).toThrow(/exceeds tokenCap/);
  });
});
