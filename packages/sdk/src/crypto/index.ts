export { canonicalJson, canonicalJsonBytes } from './canonicalJson';
export { deriveEncryptionKey } from './deriveEncryptionKey';
export { eciesDecrypt, eciesEncrypt } from './ecies';
export { type EncryptionKeyPair, encryptionKeyPairFromSecret } from './encryptionKeyPair';
export {
  decryptEnvelope,
  ENVELOPE_PREFIX_LENGTH,
  type EnvelopeHeader,
  encryptEnvelope,
  envelopeHeaderLength,
  type ParsedEnvelopeHeader,
  parseEnvelopeHeader,
  sha256Hex,
} from './envelope';
