import {
  createCipheriv,
  createDecipheriv,
  pbkdf2,
  randomBytes,
  randomUUID,
  scrypt,
  timingSafeEqual,
} from 'node:crypto';
import { scryptAsync } from '@noble/hashes/scrypt.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { bytesToHex } from 'viem';
import { z } from 'zod';
import { AidocError } from '../errors';
import { type WalletAccount, walletAccountFromPrivateKey } from './walletAccount';

/** A Web3 Secret Storage v3 keystore (the JSON geth, `cast wallet` and MetaMask read and write). */
export interface KeystoreV3 {
  version: 3;
  id: string;
  /** Lowercase address without 0x (geth's convention). */
  address: string;
  crypto: {
    cipher: 'aes-128-ctr';
    cipherparams: { iv: string };
    ciphertext: string;
    kdf: 'scrypt' | 'pbkdf2';
    kdfparams: Record<string, number | string>;
    mac: string;
  };
}

const hex = z.string().regex(/^(0x)?[0-9a-fA-F]*$/);
const keystoreSchema = z.object({
  version: z.literal(3),
  id: z.string().optional(),
  address: z.string().optional(),
  crypto: z.object({
    cipher: z.literal('aes-128-ctr'),
    cipherparams: z.object({ iv: hex }),
    ciphertext: hex,
    kdf: z.enum(['scrypt', 'pbkdf2']),
    kdfparams: z.record(z.string(), z.union([z.number(), z.string()])),
    mac: hex,
  }),
});
const scryptParams = z.object({
  dklen: z.number().int().min(32).max(64),
  n: z
    .number()
    .int()
    .min(2)
    .max(2 ** 22)
    .refine((n) => (n & (n - 1)) === 0, 'n must be a power of two'),
  r: z.number().int().min(1).max(64),
  p: z.number().int().min(1).max(16),
  salt: hex,
});
const pbkdf2Params = z.object({
  dklen: z.number().int().min(32).max(64),
  c: z.number().int().min(1).max(10_000_000),
  prf: z.literal('hmac-sha256'),
  salt: hex,
});

const strip = (h: string) => (h.startsWith('0x') ? h.slice(2) : h);

function scryptKey(
  password: string,
  salt: Buffer,
  n: number,
  r: number,
  p: number,
  dklen: number,
): Promise<Buffer> {
  const normalized = password.normalize('NFKC');
  return new Promise<Buffer>((resolve, reject) => {
    scrypt(normalized, salt, dklen, { N: n, r, p, maxmem: 256 * n * r + 64 * 1024 * 1024 }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  }).catch(async () => {
    // OpenSSL refuses N >= 2^(16r) (e.g. the spec's own r=1 vector); the pure-JS scrypt computes it.
    return Buffer.from(await scryptAsync(normalized, salt, { N: n, r, p, dkLen: dklen, maxmem: 2 ** 31 }));
  });
}

function pbkdf2Key(password: string, salt: Buffer, c: number, dklen: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    pbkdf2(password.normalize('NFKC'), salt, c, dklen, 'sha256', (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

function mac(derived: Buffer, ciphertext: Buffer): Buffer {
  return Buffer.from(keccak_256(Buffer.concat([derived.subarray(16, 32), ciphertext])));
}

/** Options for {@link encryptKeystore}. */
export interface EncryptKeystoreOptions {
  /** scrypt cost N (power of two). Default 262144 (2^18, geth's "standard"); 4096 is geth's "light". */
  scryptN?: number;
}

/**
 * Encrypts an account into a Web3 Secret Storage v3 keystore (scrypt + AES-128-CTR + keccak MAC), readable
 * by geth, `cast wallet` and ethers.
 *
 * @example
 * ```ts
 * const json = await encryptKeystore(account, 'correct horse battery staple');
 * await writeFile('key.json', JSON.stringify(json), { mode: 0o600 });
 * ```
 */
export async function encryptKeystore(
  account: WalletAccount,
  password: string,
  options: EncryptKeystoreOptions = {},
): Promise<KeystoreV3> {
  if (typeof password !== 'string') throw new AidocError('INVALID_INPUT', 'The password must be a string.');
  const n = options.scryptN ?? 2 ** 18;
  if (!scryptParams.shape.n.safeParse(n).success) {
    throw new AidocError('INVALID_INPUT', 'scryptN must be a power of two between 2 and 2^22.');
  }
  const salt = randomBytes(32);
  const iv = randomBytes(16);
  const derived = await scryptKey(password, salt, n, 8, 1, 32);
  const cipher = createCipheriv('aes-128-ctr', derived.subarray(0, 16), iv);
  const ciphertext = Buffer.concat([
    cipher.update(Buffer.from(strip(account.privateKey), 'hex')),
    cipher.final(),
  ]);
  const result: KeystoreV3 = {
    version: 3,
    id: randomUUID(),
    address: account.address.slice(2).toLowerCase(),
    crypto: {
      cipher: 'aes-128-ctr',
      cipherparams: { iv: iv.toString('hex') },
      ciphertext: ciphertext.toString('hex'),
      kdf: 'scrypt',
      kdfparams: { dklen: 32, n, p: 1, r: 8, salt: salt.toString('hex') },
      mac: mac(derived, ciphertext).toString('hex'),
    },
  };
  derived.fill(0);
  return result;
}

/**
 * Decrypts a Web3 Secret Storage v3 keystore (scrypt or pbkdf2, as written by geth, `cast wallet new`,
 * MetaMask or ethers); throws `DECRYPTION_FAILED` for a wrong password.
 *
 * @example
 * ```ts
 * const account = await decryptKeystore(await readFile('key.json', 'utf8'), password);
 * ```
 */
export async function decryptKeystore(keystore: string | object, password: string): Promise<WalletAccount> {
  let raw: unknown = keystore;
  if (typeof keystore === 'string') {
    try {
      raw = JSON.parse(keystore);
    } catch (cause) {
      throw new AidocError('INVALID_INPUT', 'The keystore is not JSON.', { cause });
    }
  }
  // geth accepts "Crypto" as well as "crypto"
  if (raw && typeof raw === 'object' && !('crypto' in raw) && 'Crypto' in raw) {
    raw = { ...(raw as Record<string, unknown>), crypto: (raw as Record<string, unknown>).Crypto };
  }
  const parsed = keystoreSchema.safeParse(raw);
  if (!parsed.success) {
    throw new AidocError('INVALID_INPUT', 'Not a Web3 Secret Storage v3 keystore.', {
      details: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
    });
  }
  if (typeof password !== 'string') throw new AidocError('INVALID_INPUT', 'The password must be a string.');
  const c = parsed.data.crypto;
  let derived: Buffer;
  if (c.kdf === 'scrypt') {
    const p = scryptParams.safeParse(c.kdfparams);
    if (!p.success)
      throw new AidocError('INVALID_INPUT', 'Unsupported scrypt parameters.', { details: p.error.message });
    derived = await scryptKey(
      password,
      Buffer.from(strip(p.data.salt), 'hex'),
      p.data.n,
      p.data.r,
      p.data.p,
      p.data.dklen,
    );
  } else {
    const p = pbkdf2Params.safeParse(c.kdfparams);
    if (!p.success)
      throw new AidocError('INVALID_INPUT', 'Unsupported pbkdf2 parameters.', { details: p.error.message });
    derived = await pbkdf2Key(password, Buffer.from(strip(p.data.salt), 'hex'), p.data.c, p.data.dklen);
  }
  const ciphertext = Buffer.from(strip(c.ciphertext), 'hex');
  const expected = Buffer.from(strip(c.mac), 'hex');
  const actual = mac(derived, ciphertext);
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) {
    throw new AidocError('DECRYPTION_FAILED', 'Wrong password for this keystore (MAC mismatch).');
  }
  const decipher = createDecipheriv(
    'aes-128-ctr',
    derived.subarray(0, 16),
    Buffer.from(strip(c.cipherparams.iv), 'hex'),
  );
  const key = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  derived.fill(0);
  const account = walletAccountFromPrivateKey(bytesToHex(key));
  key.fill(0);
  const declared = parsed.data.address;
  if (declared && strip(declared).toLowerCase() !== account.address.slice(2).toLowerCase()) {
    throw new AidocError('INVALID_INPUT', 'The keystore address does not match its key.');
  }
  return account;
}

/**
 * Checks that a value has the Web3 Secret Storage v3 shape (without decrypting it) and returns it parsed.
 *
 * @example
 * ```ts
 * const json = parseKeystore(await readFile('UTC--2024…', 'utf8'));
 * ```
 */
export function parseKeystore(keystore: string | object): Record<string, unknown> {
  let raw: unknown = keystore;
  if (typeof keystore === 'string') {
    try {
      raw = JSON.parse(keystore);
    } catch (cause) {
      throw new AidocError('INVALID_INPUT', 'The keystore is not JSON.', { cause });
    }
  }
  const candidate =
    raw && typeof raw === 'object' && !('crypto' in raw) && 'Crypto' in raw
      ? { ...(raw as Record<string, unknown>), crypto: (raw as Record<string, unknown>).Crypto }
      : raw;
  const parsed = keystoreSchema.safeParse(candidate);
  if (!parsed.success) {
    throw new AidocError('INVALID_INPUT', 'Not a Web3 Secret Storage v3 keystore.', {
      details: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
    });
  }
  return raw as Record<string, unknown>;
}
