export {
  createKeystoreDirectory,
  defaultKeystoreDir,
  type KeystoreDirectory,
  type KeystoreEntry,
} from './createKeystoreDirectory';
export {
  decryptKeystore,
  type EncryptKeystoreOptions,
  encryptKeystore,
  type KeystoreV3,
  parseKeystore,
} from './keystore';
export {
  createRandomWalletAccount,
  ethereumPath,
  generateMnemonic,
  type WalletAccount,
  walletAccountFromMnemonic,
  walletAccountFromPrivateKey,
} from './walletAccount';
