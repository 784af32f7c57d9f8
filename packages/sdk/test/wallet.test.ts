import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { inspect, promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AidocError } from '../src/errors';
import {
  createKeystoreDirectory,
  createRandomWalletAccount,
  decryptKeystore,
  encryptKeystore,
  generateMnemonic,
  walletAccountFromMnemonic,
  walletAccountFromPrivateKey,
} from '../src/wallet';

const run = promisify(execFile);
const cast = resolve(__dirname, '../../../node_modules/.bin/cast');
const TEST_MNEMONIC = 'test test test test test test test test test test test junk';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aidoc-wallet-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('accounts', () => {
  it('derives the well-known test accounts from the mnemonic (m/44/60/0/0/i)', () => {
    const a0 = walletAccountFromMnemonic(TEST_MNEMONIC);
    const a1 = walletAccountFromMnemonic(TEST_MNEMONIC, { index: 1 });
    expect(a0.address).toBe('0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266');
    expect(a0.privateKey).toBe('0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80');
    expect(a1.address).toBe('0x70997970C51812dc3A010C7d01b50e0d17dc79C8');
    expect(a1.path).toBe("m/44'/60'/0'/0/1");
  });

  it('generates valid 12- and 24-word mnemonics', () => {
    expect(generateMnemonic().split(' ')).toHaveLength(12);
    const phrase = generateMnemonic(24);
    expect(phrase.split(' ')).toHaveLength(24);
    expect(walletAccountFromMnemonic(phrase).address).toMatch(/^0x[0-9a-fA-F]{40}$/);
  });

  it('refuses bad mnemonics and private keys with INVALID_INPUT', () => {
    expect(() => walletAccountFromMnemonic('test test test')).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    );
    expect(() => walletAccountFromPrivateKey('0x1234')).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    );
    expect(() => walletAccountFromPrivateKey(`0x${'0'.repeat(64)}`)).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    );
  });

  it('never puts a secret into an error', async () => {
    const almostKey = `0x${'ab'.repeat(31)}zz`;
    try {
      walletAccountFromPrivateKey(almostKey);
      expect.unreachable();
    } catch (e) {
      expect(JSON.stringify(e)).not.toContain('abab');
      expect(String(e)).not.toContain('abab');
    }
    const json = await encryptKeystore(createRandomWalletAccount(), 'hunter2-secret', { scryptN: 4096 });
    const err = await decryptKeystore(json, 'hunter3-secret').catch((e: unknown) => e);
    expect(AidocError.is(err, 'DECRYPTION_FAILED')).toBe(true);
    expect(`${String(err)} ${JSON.stringify(err)}`).not.toMatch(/hunter/);
  });

  it('never shows the private key in JSON, spreads or inspect', () => {
    const account = walletAccountFromMnemonic(TEST_MNEMONIC);
    const secret = account.privateKey.slice(2);
    expect(JSON.stringify(account)).not.toContain(secret);
    expect(JSON.stringify({ ...account })).not.toContain(secret);
    expect(inspect(account)).not.toContain(secret);
    expect(inspect(account.encryptionKey())).not.toContain(
      Buffer.from(account.encryptionKey().secretKey).toString('hex'),
    );
    expect(JSON.stringify(account.encryptionKey())).toContain('publicKey');
  });

  it('derives the same encryption key every time, different from the signing key', () => {
    const account = walletAccountFromMnemonic(TEST_MNEMONIC);
    const again = walletAccountFromPrivateKey(account.privateKey);
    expect(account.encryptionKey().publicKey).toBe(again.encryptionKey().publicKey);
    expect(Buffer.from(account.encryptionKey().secretKey).toString('hex')).not.toBe(
      account.privateKey.slice(2),
    );
    expect(account.encryptionKey().publicKey).toMatch(/^0x0[23][0-9a-f]{64}$/);
  });
});

describe('Web3 Secret Storage v3 keystores', () => {
  it('round-trips scrypt and refuses a wrong password with DECRYPTION_FAILED', async () => {
    const account = createRandomWalletAccount();
    const json = await encryptKeystore(account, 'pw', { scryptN: 4096 });
    expect(json.crypto.kdf).toBe('scrypt');
    expect(JSON.stringify(json)).not.toContain(account.privateKey.slice(2));
    expect((await decryptKeystore(JSON.stringify(json), 'pw')).address).toBe(account.address);
    await expect(decryptKeystore(json, 'wrong')).rejects.toSatisfy((e) =>
      AidocError.is(e, 'DECRYPTION_FAILED'),
    );
  });

  it('reads the pbkdf2 and scrypt test vectors of the Web3 Secret Storage definition', async () => {
    const pbkdf2 = {
      crypto: {
        cipher: 'aes-128-ctr',
        cipherparams: { iv: '6087dab2f9fdbbfaddc31a909735c1e6' },
        ciphertext: '5318b4d5bcd28de64ee5559e671353e16f075ecae9f99c7a79a38af5f869aa46',
        kdf: 'pbkdf2',
        kdfparams: {
          c: 262144,
          dklen: 32,
          prf: 'hmac-sha256',
          salt: 'ae3cd4e7013836a3df6bd7241b12db061dbe2c6785853cce422d148a624ce0bd',
        },
        mac: '517ead924a9d0dc3124507e3393d175ce3ff7c1e96529c6c555ce9e51205e9b2',
      },
      id: '3198bc9c-6672-5ab3-d995-4942343ae5b6',
      version: 3,
    };
    const scrypt = {
      crypto: {
        cipher: 'aes-128-ctr',
        cipherparams: { iv: '83dbcc02d8ccb40e466191a123791e0e' },
        ciphertext: 'd172bf743a674da9cdad04534d56926ef8358534d458fffccd4e6ad2fbde479c',
        kdf: 'scrypt',
        kdfparams: {
          dklen: 32,
          n: 262144,
          p: 8,
          r: 1,
          salt: 'ab0c7876052600dd703518d6fc3fe8984592145b591fc8fb5c6d43190334ba19',
        },
        mac: '2103ac29920d71da29f15d75b4a16dbe95cfd7ff8faea1056c33131d846e3097',
      },
      id: '3198bc9c-6672-5ab3-d995-4942343ae5b6',
      version: 3,
    };
    const key = '0x7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d';
    expect((await decryptKeystore(pbkdf2, 'testpassword')).privateKey).toBe(key);
    expect((await decryptKeystore(scrypt, 'testpassword')).privateKey).toBe(key);
  });

  it('keeps files 0600 in a 0700 folder and refuses to overwrite', async () => {
    const keystores = createKeystoreDirectory({ dir: join(dir, 'ks') });
    const account = createRandomWalletAccount();
    const entry = await keystores.save('alice', account, 'pw', { scryptN: 4096 });
    expect((await stat(entry.path)).mode & 0o777).toBe(0o600);
    expect((await stat(keystores.dir)).mode & 0o777).toBe(0o700);
    expect(await keystores.list()).toEqual([{ name: 'alice', address: account.address, path: entry.path }]);
    expect((await keystores.load('alice', 'pw')).address).toBe(account.address);
    expect((await keystores.load(account.address.toLowerCase(), 'pw')).address).toBe(account.address);
    await expect(keystores.save('alice', account, 'pw', { scryptN: 4096 })).rejects.toSatisfy((e) =>
      AidocError.is(e, 'INVALID_INPUT'),
    );
    await expect(keystores.save('../evil', account, 'pw')).rejects.toSatisfy((e) =>
      AidocError.is(e, 'INVALID_INPUT'),
    );
    await expect(keystores.load('bob', 'pw')).rejects.toSatisfy((e) => AidocError.is(e, 'NOT_FOUND'));
  });
});

describe('interop with cast wallet', () => {
  it('cast reads a keystore we write', async () => {
    const keystores = createKeystoreDirectory({ dir: join(dir, 'ours') });
    const account = createRandomWalletAccount();
    const entry = await keystores.save('ours', account, 'secret pw', { scryptN: 8192 });
    const { stdout: address } = await run(cast, [
      'wallet',
      'address',
      '--keystore',
      entry.path,
      '--password',
      'secret pw',
    ]);
    expect(address.trim()).toBe(account.address);
    const { stdout: decrypted } = await run(cast, [
      'wallet',
      'decrypt-keystore',
      '--keystore-dir',
      keystores.dir,
      'ours.json',
      '--unsafe-password',
      'secret pw',
    ]);
    expect(decrypted).toContain(account.privateKey);
  });

  it('we read a keystore cast wallet new writes', async () => {
    const castDir = join(dir, 'cast');
    await mkdir(castDir);
    const { stdout } = await run(cast, [
      'wallet',
      'new',
      castDir,
      'fromcast',
      '--unsafe-password',
      'cast pw',
    ]);
    const address = stdout.match(/0x[0-9a-fA-F]{40}/)?.[0];
    expect(address).toBeDefined();
    const keystores = createKeystoreDirectory({ dir: castDir });
    const files = await readdir(castDir);
    expect(files).toContain('fromcast');
    // cast writes the file without an extension and without an address field
    expect(await keystores.list()).toEqual([{ name: 'fromcast', path: join(castDir, 'fromcast') }]);
    // imported unchanged (no re-encryption) into another folder, 0600
    const mine = createKeystoreDirectory({ dir: join(dir, 'imported') });
    const imported = await mine.importKeystore('clinic', await readFile(join(castDir, 'fromcast'), 'utf8'));
    expect((await stat(imported.path)).mode & 0o777).toBe(0o600);
    expect((await mine.load('clinic', 'cast pw')).address.toLowerCase()).toBe(address?.toLowerCase());
    await expect(mine.importKeystore('bad', '{"version":3}')).rejects.toSatisfy((e) =>
      AidocError.is(e, 'INVALID_INPUT'),
    );
    const account = await keystores.load('fromcast', 'cast pw');
    expect(account.address.toLowerCase()).toBe(address?.toLowerCase());
    const { stdout: castKey } = await run(cast, [
      'wallet',
      'decrypt-keystore',
      '--keystore-dir',
      castDir,
      'fromcast',
      '--unsafe-password',
      'cast pw',
    ]);
    expect(castKey).toContain(account.privateKey);
  });
});
