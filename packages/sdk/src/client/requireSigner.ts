import type { Account, Address, WalletClient } from 'viem';
import type { EncryptionKeyPair } from '../crypto/encryptionKeyPair';
import { AidocError } from '../errors';
import type { AidocContext } from './AidocContext';

/** The client's signer, or UNAUTHORIZED naming the action that needs one. Internal. */
export function requireSigner(
  ctx: AidocContext,
  action: string,
): { account: Account; address: Address; walletClient: WalletClient } {
  if (!ctx.account || !ctx.walletClient) {
    throw new AidocError('UNAUTHORIZED', `${action} needs a signer.`, {
      details: 'Pass `signer` (a private key, a WalletAccount or a viem account) to createAidoc.',
    });
  }
  return { account: ctx.account, address: ctx.account.address, walletClient: ctx.walletClient };
}

/** The client's encryption key pair, or UNAUTHORIZED naming the action that needs one. Internal. */
export function requireEncryptionKey(ctx: AidocContext, action: string): EncryptionKeyPair {
  if (!ctx.encryptionKey) {
    throw new AidocError('UNAUTHORIZED', `${action} needs the account's encryption key.`, {
      details:
        'Pass `signer` as a private key or WalletAccount (the key is derived from it), or pass `encryptionKey`.',
    });
  }
  return ctx.encryptionKey;
}
