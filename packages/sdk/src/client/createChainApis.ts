import { aidTokenAbi, keyRegistryAbi } from '@aidoc/contracts';
import { type Address, type Hash, type Hex, isAddress, parseEventLogs } from 'viem';
import { z } from 'zod';
import { AidocError } from '../errors';
import type { AidocContext } from './AidocContext';
import { awaitReceipt } from './awaitReceipt';
import { contractErrorToAidocError } from './contractErrorToAidocError';
import { fetchRegisteredKey, type RegisteredKey } from './fetchRegisteredKey';
import { requireEncryptionKey, requireSigner } from './requireSigner';
import { sendContractTransaction } from './sendContractTransaction';

/** Balances and transfers of the native coin and AID. */
export interface WalletApi {
  /** The client's account address (undefined without a signer). */
  readonly address: Address | undefined;
  /**
   * Native coin and AID balances, in wei.
   *
   * @example
   * ```ts
   * const { native, aid } = await aidoc.wallet.balance();
   * ```
   */
  balance(account?: Address): Promise<{ address: Address; native: bigint; aid: bigint }>;
  /**
   * Sends the native coin (`asset: 'native'`, default) or AID; amounts in wei.
   *
   * @example
   * ```ts
   * await aidoc.wallet.transfer({ to, amount: parseEther('1'), asset: 'AID' });
   * ```
   */
  transfer(input: { to: Address; amount: bigint; asset?: 'native' | 'AID' }): Promise<{ txHash: Hash }>;
}

/** A signed, relayable KeyRegistry registration (EIP-712 `SetKey`). */
export interface KeyRegistration {
  account: Address;
  publicKey: Hex;
  deadline: bigint;
  signature: Hex;
}

/** Encryption keys in KeyRegistry. */
export interface KeysApi {
  /** The client's encryption public key (compressed secp256k1). */
  readonly publicKey: Hex | undefined;
  /**
   * Registers (or rotates to) the client's encryption key, with the EIP-712 signature KeyRegistry checks.
   * Sends nothing when that key is already registered (unless `force`); `txHash` is then undefined.
   *
   * @example
   * ```ts
   * const { publicKey, version } = await aidoc.keys.register();
   * ```
   */
  register(options?: {
    force?: boolean;
  }): Promise<{ txHash: Hash | undefined; publicKey: Hex; version: number }>;
  /**
   * Signs a registration someone else may submit (a relayer paying gas).
   *
   * @example
   * ```ts
   * const signed = await aidoc.keys.signRegistration(); // hand to a relayer
   * ```
   */
  signRegistration(options?: { deadline?: bigint }): Promise<KeyRegistration>;
  /**
   * Submits a signed registration (anyone may send it).
   *
   * @example
   * ```ts
   * await relayer.keys.submitRegistration(signed);
   * ```
   */
  submitRegistration(registration: KeyRegistration): Promise<{ txHash: Hash; version: number }>;
  /**
   * An account's registered key, or undefined.
   *
   * @example
   * ```ts
   * const key = await aidoc.keys.get(grantee); // undefined: not registered
   * ```
   */
  get(account?: Address): Promise<RegisteredKey | undefined>;
}

const addressSchema = z.string().refine((a) => isAddress(a), 'an address');

/** Builds the wallet and keys APIs. Internal: use `createAidoc(...).wallet` / `.keys`. */
export function createChainApis(ctx: AidocContext): { wallet: WalletApi; keys: KeysApi } {
  const wallet: WalletApi = {
    address: ctx.account?.address,
    async balance(account) {
      if (account !== undefined && !isAddress(account))
        throw new AidocError('INVALID_INPUT', `Not an address: ${String(account)}.`);
      const address = account ?? requireSigner(ctx, 'Reading the balance').address;
      try {
        const [native, aid] = await Promise.all([
          ctx.publicClient.getBalance({ address }),
          ctx.publicClient.readContract({
            address: ctx.contracts.AidToken,
            abi: aidTokenAbi,
            functionName: 'balanceOf',
            args: [address],
          }),
        ]);
        return { address, native, aid };
      } catch (error) {
        throw contractErrorToAidocError(error, 'Reading the balance');
      }
    },
    async transfer(input) {
      const parsed = z
        .object({
          to: addressSchema,
          amount: z.bigint().positive(),
          asset: z.enum(['native', 'AID']).optional(),
        })
        .strict()
        .safeParse(input);
      if (!parsed.success)
        throw new AidocError('INVALID_INPUT', 'Invalid transfer.', { details: parsed.error.message });
      const to = parsed.data.to as Address;
      if (parsed.data.asset === 'AID') {
        const sent = await sendContractTransaction(ctx, 'Transferring AID', {
          address: ctx.contracts.AidToken,
          abi: aidTokenAbi,
          functionName: 'transfer',
          args: [to, parsed.data.amount],
        });
        return { txHash: sent.hash };
      }
      const { account, walletClient } = requireSigner(ctx, 'Transferring');
      try {
        const hash = await walletClient.sendTransaction({
          account,
          chain: ctx.chain,
          to,
          value: parsed.data.amount,
        });
        const receipt = await awaitReceipt(ctx, hash);
        if (receipt.status !== 'success')
          throw new AidocError('EXECUTION_REVERTED', 'The transfer reverted.');
        return { txHash: hash };
      } catch (error) {
        throw contractErrorToAidocError(error, 'Transferring');
      }
    },
  };

  async function signRegistration(options: { deadline?: bigint } = {}): Promise<KeyRegistration> {
    const { account, walletClient } = requireSigner(ctx, 'Signing a key registration');
    const keys = requireEncryptionKey(ctx, 'Signing a key registration');
    if (options.deadline !== undefined && typeof options.deadline !== 'bigint') {
      throw new AidocError('INVALID_INPUT', 'deadline must be a bigint (seconds since the epoch).');
    }
    const nonce = await ctx.publicClient.readContract({
      address: ctx.contracts.KeyRegistry,
      abi: keyRegistryAbi,
      functionName: 'nonces',
      args: [account.address],
    });
    const latest = await ctx.publicClient.getBlock({ blockTag: 'latest' });
    const deadline = options.deadline ?? latest.timestamp + 3600n;
    const signature = await walletClient.signTypedData({
      account,
      domain: {
        name: 'AIDOC KeyRegistry',
        version: '1',
        chainId: ctx.chainId,
        verifyingContract: ctx.contracts.KeyRegistry,
      },
      types: {
        SetKey: [
          { name: 'account', type: 'address' },
          { name: 'publicKey', type: 'bytes' },
          { name: 'nonce', type: 'uint256' },
          { name: 'deadline', type: 'uint256' },
        ],
      },
      primaryType: 'SetKey',
      message: { account: account.address, publicKey: keys.publicKey, nonce, deadline },
    });
    return { account: account.address, publicKey: keys.publicKey, deadline, signature };
  }

  async function submitRegistration(registration: KeyRegistration) {
    const parsed = z
      .object({
        account: addressSchema,
        publicKey: z.string().regex(/^0x(0[23][0-9a-fA-F]{64}|04[0-9a-fA-F]{128})$/),
        deadline: z.bigint().positive(),
        signature: z.string().regex(/^0x[0-9a-fA-F]+$/),
      })
      .safeParse(registration);
    if (!parsed.success)
      throw new AidocError('INVALID_INPUT', 'Invalid key registration.', { details: parsed.error.message });
    const sent = await sendContractTransaction(ctx, 'Registering the encryption key', {
      address: ctx.contracts.KeyRegistry,
      abi: keyRegistryAbi,
      functionName: 'setKeyWithSig',
      args: [registration.account, registration.publicKey, registration.deadline, registration.signature],
    });
    const event = parseEventLogs({ abi: keyRegistryAbi, logs: sent.receipt.logs, eventName: 'KeySet' })[0];
    return { txHash: sent.hash, version: Number(event?.args.version ?? 0n) };
  }

  const keys: KeysApi = {
    publicKey: ctx.encryptionKey?.publicKey,
    signRegistration,
    submitRegistration,
    async register(options = {}) {
      if (options.force !== undefined && typeof options.force !== 'boolean') {
        throw new AidocError('INVALID_INPUT', 'force must be a boolean.');
      }
      const { address } = requireSigner(ctx, 'Registering the encryption key');
      const mine = requireEncryptionKey(ctx, 'Registering the encryption key');
      const current = await fetchRegisteredKey(ctx, address);
      if (!options.force && current && current.publicKey.toLowerCase() === mine.publicKey.toLowerCase()) {
        return { txHash: undefined, publicKey: current.publicKey, version: current.version };
      }
      const registration = await signRegistration();
      const { txHash, version } = await submitRegistration(registration);
      return { txHash, publicKey: registration.publicKey, version };
    },
    async get(account) {
      if (account !== undefined && !isAddress(account))
        throw new AidocError('INVALID_INPUT', `Not an address: ${String(account)}.`);
      return fetchRegisteredKey(ctx, account ?? requireSigner(ctx, 'Reading the key').address);
    },
  };
  return { wallet, keys };
}
