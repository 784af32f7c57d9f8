import { HDKey } from '@scure/bip32';
import { generateMnemonic as generate, mnemonicToSeedSync, validateMnemonic } from '@scure/bip39';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import { type Address, bytesToHex, type Hex, isHex } from 'viem';
import { type LocalAccount, privateKeyToAccount } from 'viem/accounts';
import { z } from 'zod';
import { deriveEncryptionKey } from '../crypto/deriveEncryptionKey';
import type { EncryptionKeyPair } from '../crypto/encryptionKeyPair';
import { AidocError } from '../errors';

const inspect = Symbol.for('nodejs.util.inspect.custom');

/**
 * An account with its private key. The key is not enumerable: `JSON.stringify`, spreads, `console.log` and
 * error messages show the address (and derivation path) only.
 */
export interface WalletAccount {
  /** Checksummed address. */
  readonly address: Address;
  /** BIP-44 path when derived from a mnemonic. */
  readonly path?: string;
  /** The private key (hidden from JSON and logs; read it only to hand it to a signer or keystore). */
  readonly privateKey: Hex;
  /** A viem local account that signs with this key. */
  toViemAccount(): LocalAccount;
  /** The account's encryption key pair, derived from the private key with HKDF (same result every time). */
  encryptionKey(): EncryptionKeyPair;
}

const privateKeySchema = z
  .string()
  .regex(/^(0x)?[0-9a-fA-F]{64}$/, 'a 32-byte hex private key (64 hex digits, optional 0x)');

/**
 * The BIP-44 path of Ethereum account `index` (`m/44'/60'/0'/0/index`).
 *
 * @example
 * ```ts
 * ethereumPath(2); // "m/44'/60'/0'/0/2"
 * ```
 */
export function ethereumPath(index: number): string {
  return `m/44'/60'/0'/0/${index}`;
}

function makeAccount(privateKey: Hex, path?: string): WalletAccount {
  let viemAccount: LocalAccount;
  try {
    viemAccount = privateKeyToAccount(privateKey);
  } catch (cause) {
    throw new AidocError('INVALID_INPUT', 'The private key is not a valid secp256k1 key.', { cause });
  }
  const account = { address: viemAccount.address, ...(path !== undefined ? { path } : {}) } as WalletAccount;
  Object.defineProperties(account, {
    privateKey: { value: privateKey, enumerable: false },
    toViemAccount: { value: () => viemAccount, enumerable: false },
    encryptionKey: { value: () => deriveEncryptionKey(privateKey), enumerable: false },
    toJSON: {
      value: () => ({ address: viemAccount.address, ...(path !== undefined ? { path } : {}) }),
      enumerable: false,
    },
    [inspect]: {
      value: () => `WalletAccount { address: '${viemAccount.address}'${path ? `, path: '${path}'` : ''} }`,
    },
  });
  return Object.freeze(account);
}

/**
 * Generates a new BIP-39 English mnemonic (12 words by default, 24 for 256 bits of entropy).
 *
 * @example
 * ```ts
 * const phrase = generateMnemonic(); // "legal winner thank year wave …"
 * ```
 */
export function generateMnemonic(words: 12 | 24 = 12): string {
  if (words !== 12 && words !== 24) throw new AidocError('INVALID_INPUT', 'A mnemonic has 12 or 24 words.');
  return generate(wordlist, words === 12 ? 128 : 256);
}

/**
 * Derives account `index` (`m/44'/60'/0'/0/index`) from a BIP-39 mnemonic, as MetaMask, geth, Anvil and
 * `cast wallet` do.
 *
 * @example
 * ```ts
 * const account = walletAccountFromMnemonic('test test test test test test test test test test test junk');
 * account.address; // 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266
 * ```
 */
export function walletAccountFromMnemonic(
  mnemonic: string,
  options: { index?: number; passphrase?: string; path?: string } = {},
): WalletAccount {
  const parsed = z
    .object({
      index: z.number().int().min(0).max(0x7fffffff).optional(),
      passphrase: z.string().optional(),
      path: z
        .string()
        .regex(/^m(\/\d+'?)+$/)
        .optional(),
    })
    .safeParse(options);
  if (!parsed.success)
    throw new AidocError('INVALID_INPUT', 'Invalid mnemonic options.', { details: parsed.error.message });
  const normalized = typeof mnemonic === 'string' ? mnemonic.trim().toLowerCase().split(/\s+/).join(' ') : '';
  if (!validateMnemonic(normalized, wordlist)) {
    throw new AidocError('INVALID_INPUT', 'Not a valid BIP-39 mnemonic.', {
      details: 'Expected 12, 15, 18, 21 or 24 English words with a valid checksum.',
    });
  }
  const path = options.path ?? ethereumPath(options.index ?? 0);
  const key = HDKey.fromMasterSeed(mnemonicToSeedSync(normalized, options.passphrase ?? '')).derive(path);
  if (!key.privateKey) throw new AidocError('INTERNAL', 'Derivation gave no private key.');
  return makeAccount(bytesToHex(key.privateKey), path);
}

/**
 * Wraps a raw private key (hex, with or without 0x) as a {@link WalletAccount}.
 *
 * @example
 * ```ts
 * const account = walletAccountFromPrivateKey(process.env.PRIVATE_KEY!);
 * ```
 */
export function walletAccountFromPrivateKey(privateKey: string): WalletAccount {
  if (!privateKeySchema.safeParse(privateKey).success) {
    throw new AidocError(
      'INVALID_INPUT',
      'Not a private key: expected 64 hex digits (optionally 0x-prefixed).',
    );
  }
  const hex = (privateKey.startsWith('0x') ? privateKey : `0x${privateKey}`).toLowerCase() as Hex;
  if (!isHex(hex)) throw new AidocError('INVALID_INPUT', 'Not a private key.');
  return makeAccount(hex);
}

/**
 * Creates an account with a fresh random private key.
 *
 * @example
 * ```ts
 * const account = createRandomWalletAccount();
 * ```
 */
export function createRandomWalletAccount(): WalletAccount {
  const bytes = new Uint8Array(32);
  for (;;) {
    crypto.getRandomValues(bytes);
    try {
      return makeAccount(bytesToHex(bytes));
    } catch {
      // out of range: try again (probability ~2^-128)
    }
  }
}
