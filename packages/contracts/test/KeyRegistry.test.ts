import { type Account, bytesToHex } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyRegistryAbi } from '../src';
import { revertName, type SystemChain, send, startSystemChain } from './systemChain';

// Compressed secp256k1 public keys (the generator point G and 2G).
const key1 = '0x0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798';
const key2 = '0x02c6047f9441ed7d6d3045406e95c07cd85c778e4b8cef3ca7abac09b95c709ee5';

describe('KeyRegistry', () => {
  let chain: SystemChain;
  let alice: Account;
  let bob: Account;
  let registry: { address: `0x${string}`; abi: typeof keyRegistryAbi };
  const keyOf = (who: Account) =>
    chain.publicClient.readContract({ ...registry, functionName: 'keyOf', args: [who.address] });

  beforeAll(async () => {
    chain = await startSystemChain();
    [, alice, bob] = chain.accounts as [Account, Account, Account];
    registry = { address: chain.contracts.KeyRegistry, abi: keyRegistryAbi };
  });
  afterAll(async () => {
    await chain?.stop();
  });

  it('registers and rotates the caller’s key, bumping the version', async () => {
    expect((await keyOf(alice)).version).toBe(0n);
    await send(chain, alice, { ...registry, functionName: 'setKey', args: [key1] });
    expect(await keyOf(alice)).toMatchObject({ publicKey: key1, version: 1n });
    await send(chain, alice, { ...registry, functionName: 'setKey', args: [key2] });
    expect(await keyOf(alice)).toMatchObject({ publicKey: key2, version: 2n });
  });

  it('refuses keys that are not secp256k1 point encodings', async () => {
    for (const bad of ['0x', '0x0479be', `0x05${'11'.repeat(32)}`, bytesToHex(new Uint8Array(64))]) {
      expect(await revertName(send(chain, bob, { ...registry, functionName: 'setKey', args: [bad] }))).toBe(
        'InvalidPublicKey',
      );
    }
  });

  it('binds relayed keys to the account by EIP-712 signature: nobody registers a key for someone else', async () => {
    const chainId = await chain.publicClient.getChainId();
    const deadline = (await chain.publicClient.getBlock()).timestamp + 3600n;
    const sign = async (signer: Account, account: Account, publicKey: `0x${string}`, nonce: bigint) =>
      signer.signTypedData!({
        domain: { name: 'AIDOC KeyRegistry', version: '1', chainId, verifyingContract: registry.address },
        types: {
          SetKey: [
            { name: 'account', type: 'address' },
            { name: 'publicKey', type: 'bytes' },
            { name: 'nonce', type: 'uint256' },
            { name: 'deadline', type: 'uint256' },
          ],
        },
        primaryType: 'SetKey',
        message: { account: account.address, publicKey, nonce, deadline },
      });
    const nonce = await chain.publicClient.readContract({
      ...registry,
      functionName: 'nonces',
      args: [bob.address],
    });
    // Alice signs a key "for" Bob: refused.
    const forged = await sign(alice, bob, key1, nonce);
    expect(
      await revertName(
        send(chain, alice, {
          ...registry,
          functionName: 'setKeyWithSig',
          args: [bob.address, key1, deadline, forged],
        }),
      ),
    ).toBe('InvalidSignature');
    // Bob's own signature, relayed by Alice: accepted once.
    const genuine = await sign(bob, bob, key1, nonce);
    await send(chain, alice, {
      ...registry,
      functionName: 'setKeyWithSig',
      args: [bob.address, key1, deadline, genuine],
    });
    expect(await keyOf(bob)).toMatchObject({ publicKey: key1, version: 1n });
    expect(
      await revertName(
        send(chain, alice, {
          ...registry,
          functionName: 'setKeyWithSig',
          args: [bob.address, key1, deadline, genuine],
        }),
      ),
    ).toBe('InvalidSignature');
    // A signature over one key cannot register another.
    const next = await sign(bob, bob, key1, nonce + 1n);
    expect(
      await revertName(
        send(chain, alice, {
          ...registry,
          functionName: 'setKeyWithSig',
          args: [bob.address, key2, deadline, next],
        }),
      ),
    ).toBe('InvalidSignature');
    // Expired signatures are refused.
    const past = (await chain.publicClient.getBlock()).timestamp - 1n;
    expect(
      await revertName(
        send(chain, alice, {
          ...registry,
          functionName: 'setKeyWithSig',
          args: [bob.address, key2, past, next],
        }),
      ),
    ).toBe('SignatureExpired');
  });
});
