import { AidocError } from '@aidoc/sdk/errors';
import { HDKey } from '@scure/bip32';
import { mnemonicToSeedSync, validateMnemonic } from '@scure/bip39';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import { addressOf } from './nativeSecp256k1';

/** The well-known test mnemonic that Hardhat, Anvil and Foundry use. Public: never hold real funds with it. */
export const DEFAULT_MNEMONIC = 'test test test test test test test test test test test junk';

/** A derived dev account with its raw key. */
export interface DerivedAccount {
  address: `0x${string}`;
  privateKey: `0x${string}`;
}

/** Derive `count` accounts at `m/44'/60'/0'/0/i` from a BIP-39 mnemonic. */
export function deriveDevAccounts(mnemonic: string, count: number): DerivedAccount[] {
  const normalized = mnemonic.trim().split(/\s+/).join(' ');
  if (!validateMnemonic(normalized, wordlist)) {
    throw new AidocError('INVALID_INPUT', 'The mnemonic is not a valid BIP-39 English phrase.', {
      details: 'Use 12 or 24 words from the BIP-39 English word list, separated by spaces.',
    });
  }
  const root = HDKey.fromMasterSeed(mnemonicToSeedSync(normalized));
  const out: DerivedAccount[] = [];
  for (let i = 0; i < count; i++) {
    const key = root.derive(`m/44'/60'/0'/0/${i}`).privateKey!;
    out.push({
      address: `0x${Buffer.from(addressOf(key)).toString('hex')}`,
      privateKey: `0x${Buffer.from(key).toString('hex')}`,
    });
  }
  return out;
}
