import { createRequire } from 'node:module';
import { keccak256 as keccak_256 } from './keccak256';

interface Secp256k1Native {
  ecdsaRecover(sig: Uint8Array, recid: number, msg32: Uint8Array, compressed?: boolean): Uint8Array;
  ecdsaSign(msg32: Uint8Array, privateKey: Uint8Array): { signature: Uint8Array; recid: number };
  publicKeyCreate(privateKey: Uint8Array, compressed?: boolean): Uint8Array;
}

// libsecp256k1 through the prebuilt `secp256k1` addon: ~30x faster sender recovery than pure JS (DESIGN.md §8).
const native = createRequire(import.meta.url)('secp256k1') as Secp256k1Native;

/** Recover the 64-byte uncompressed public key (no 0x04 prefix), with ethereumjs' `ecrecover` signature. */
export function ecrecover(
  msgHash: Uint8Array,
  v: bigint,
  r: Uint8Array,
  s: Uint8Array,
  chainId?: bigint,
): Uint8Array {
  let recovery: bigint;
  if (v === 0n || v === 1n) recovery = v;
  else if (v === 27n || v === 28n) recovery = v - 27n;
  else if (chainId !== undefined) recovery = v - (chainId * 2n + 35n);
  else recovery = v - 27n;
  if (recovery !== 0n && recovery !== 1n) throw new Error('Invalid signature v value');
  const sig = new Uint8Array(64);
  sig.set(leftPad32(r), 0);
  sig.set(leftPad32(s), 32);
  return native.ecdsaRecover(sig, Number(recovery), msgHash, false).slice(1);
}

/** Recover the signer address of a 65-byte `r || s || v` signature over a 32-byte hash. */
export function recoverAddress(hash: Uint8Array, signature: Uint8Array): Uint8Array {
  if (signature.length !== 65) throw new Error('signature must be 65 bytes');
  let v = signature[64]!;
  if (v >= 27) v -= 27;
  const pub = native.ecdsaRecover(signature.subarray(0, 64), v, hash, false).slice(1);
  return keccak_256(pub).slice(12);
}

/** Sign a 32-byte hash; returns the 65-byte `r || s || v` signature with v in {0, 1} (as QBFT seals use). */
export function signHash(hash: Uint8Array, privateKey: Uint8Array): Uint8Array {
  const { signature, recid } = native.ecdsaSign(hash, privateKey);
  const out = new Uint8Array(65);
  out.set(signature, 0);
  out[64] = recid;
  return out;
}

/** The 20-byte address of a private key. */
export function addressOf(privateKey: Uint8Array): Uint8Array {
  return keccak_256(native.publicKeyCreate(privateKey, false).slice(1)).slice(12);
}

function leftPad32(b: Uint8Array): Uint8Array {
  if (b.length === 32) return b;
  const out = new Uint8Array(32);
  out.set(b.subarray(Math.max(0, b.length - 32)), 32 - Math.min(32, b.length));
  return out;
}
