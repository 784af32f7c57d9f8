import { AidocError } from '@aidoc/sdk/errors';
import type { StateOverrides } from '../chain/Chain';
import type { CallParams } from '../chain/txFromCallParams';

/** An invalid-params error naming the parameter and what was expected. */
export function invalidParam(name: string, expected: string, got?: unknown): AidocError {
  const shown = got === undefined ? 'nothing' : JSON.stringify(got)?.slice(0, 80);
  return new AidocError('INVALID_PARAMS', `invalid ${name}: expected ${expected}, got ${shown}`);
}

const HEX_RE = /^0x[0-9a-fA-F]*$/;
const QUANTITY_RE = /^0x(0|[1-9a-fA-F][0-9a-fA-F]*)$/;
const ADDRESS_RE = /^0x[0-9a-fA-F]{40}$/;
const HASH_RE = /^0x[0-9a-fA-F]{64}$/;

/** Parse a JSON-RPC QUANTITY (0x-prefixed hex, no leading zeros; numbers are accepted leniently). */
export function parseQuantity(v: unknown, name = 'quantity'): bigint {
  if (typeof v === 'string' && QUANTITY_RE.test(v)) return BigInt(v);
  // Lenient: leading zeros as some clients send them, and plain safe integers.
  if (typeof v === 'string' && /^0x[0-9a-fA-F]+$/.test(v) && v.length <= 66) return BigInt(v);
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
  throw invalidParam(name, 'a hex quantity like "0x1a"', v);
}

/** Parse a JSON-RPC DATA string into bytes. */
export function parseData(v: unknown, name = 'data'): Uint8Array {
  if (typeof v !== 'string' || !HEX_RE.test(v) || v.length % 2 !== 0) {
    throw invalidParam(name, 'an even-length 0x-prefixed hex string', v);
  }
  return Uint8Array.from(Buffer.from(v.slice(2), 'hex'));
}

/** Parse a 20-byte address; returns it lowercased. */
export function parseAddress(v: unknown, name = 'address'): `0x${string}` {
  if (typeof v !== 'string' || !ADDRESS_RE.test(v))
    throw invalidParam(name, 'a 20-byte 0x-prefixed address', v);
  return v.toLowerCase() as `0x${string}`;
}

/** Parse a 32-byte hash; returns it lowercased. */
export function parseHash(v: unknown, name = 'hash'): `0x${string}` {
  if (typeof v !== 'string' || !HASH_RE.test(v)) throw invalidParam(name, 'a 32-byte 0x-prefixed hash', v);
  return v.toLowerCase() as `0x${string}`;
}

/** Parse a storage slot (any quantity or up-to-32-byte data) into 32 bytes. */
export function parseSlot(v: unknown, name = 'slot'): Uint8Array {
  if (typeof v !== 'string' || !HEX_RE.test(v) || v.length > 66 || v.length < 3) {
    throw invalidParam(name, 'a storage slot as 0x-prefixed hex of at most 32 bytes', v);
  }
  return Uint8Array.from(Buffer.from(v.slice(2).padStart(64, '0'), 'hex'));
}

/** A block selector before resolution. */
export type BlockSelector =
  | { tag: 'latest' | 'pending' | 'earliest' | 'safe' | 'finalized' }
  | { number: bigint }
  | { hash: `0x${string}`; requireCanonical: boolean };

/** Parse a block tag, number, or EIP-1898 `{ blockHash | blockNumber }` object. */
export function parseBlockSelector(v: unknown, name = 'block'): BlockSelector {
  if (v === undefined || v === null) return { tag: 'latest' };
  if (typeof v === 'string') {
    if (v === 'latest' || v === 'pending' || v === 'earliest' || v === 'safe' || v === 'finalized')
      return { tag: v };
    if (HASH_RE.test(v)) return { hash: v.toLowerCase() as `0x${string}`, requireCanonical: false };
    return { number: parseQuantity(v, name) };
  }
  if (typeof v === 'number') return { number: parseQuantity(v, name) };
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (o.blockHash !== undefined) {
      return {
        hash: parseHash(o.blockHash, `${name}.blockHash`),
        requireCanonical: o.requireCanonical === true,
      };
    }
    if (o.blockNumber !== undefined) return parseBlockSelector(o.blockNumber, `${name}.blockNumber`);
  }
  throw invalidParam(
    name,
    'a block number, a tag (latest, pending, safe, finalized, earliest) or a block hash',
    v,
  );
}

function optional<T>(
  o: Record<string, unknown>,
  key: string,
  parse: (v: unknown, n: string) => T,
): T | undefined {
  const v = o[key];
  return v === undefined || v === null ? undefined : parse(v, key);
}

/** Parse a transaction/call object (`eth_call`, `eth_estimateGas`, `eth_sendTransaction`). */
export function parseCallObject(v: unknown, name = 'transaction'): CallParams {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw invalidParam(name, 'a transaction object', v);
  const o = v as Record<string, unknown>;
  const input = o.input ?? o.data;
  if (o.input !== undefined && o.data !== undefined && o.input !== o.data) {
    throw new AidocError('INVALID_PARAMS', 'both "data" and "input" are set and differ: send only "input"');
  }
  const accessList = o.accessList;
  if (accessList !== undefined && accessList !== null && !Array.isArray(accessList)) {
    throw invalidParam('accessList', 'an array', accessList);
  }
  const out: CallParams = {
    from: optional(o, 'from', parseAddress),
    to: optional(o, 'to', parseAddress),
    gas: optional(o, 'gas', parseQuantity),
    gasPrice: optional(o, 'gasPrice', parseQuantity),
    maxFeePerGas: optional(o, 'maxFeePerGas', parseQuantity),
    maxPriorityFeePerGas: optional(o, 'maxPriorityFeePerGas', parseQuantity),
    value: optional(o, 'value', parseQuantity),
    data: input === undefined || input === null ? undefined : parseData(input, 'input'),
    nonce: optional(o, 'nonce', parseQuantity),
    type: o.type === undefined || o.type === null ? undefined : Number(parseQuantity(o.type, 'type')),
    accessList: Array.isArray(accessList)
      ? accessList.map((e, i) => {
          const item = e as Record<string, unknown>;
          if (!Array.isArray(item?.storageKeys))
            throw invalidParam(`accessList[${i}].storageKeys`, 'an array', e);
          return {
            address: parseAddress(item.address, `accessList[${i}].address`),
            storageKeys: item.storageKeys.map((k) => parseHash(k, `accessList[${i}].storageKeys`)),
          };
        })
      : undefined,
  };
  if (
    out.gasPrice !== undefined &&
    (out.maxFeePerGas !== undefined || out.maxPriorityFeePerGas !== undefined)
  ) {
    throw new AidocError(
      'INVALID_PARAMS',
      'both gasPrice and (maxFeePerGas or maxPriorityFeePerGas) specified: send one fee model',
    );
  }
  return out;
}

/** Parse geth-style state overrides. */
export function parseStateOverrides(v: unknown): StateOverrides | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw invalidParam('state overrides', 'an object', v);
  const out: StateOverrides = {};
  for (const [addr, raw] of Object.entries(v as Record<string, unknown>)) {
    const a = parseAddress(addr, 'state override address');
    const o = (raw ?? {}) as Record<string, unknown>;
    const slots = (x: unknown, n: string) => {
      if (x === undefined || x === null) return undefined;
      const m: Record<string, Uint8Array> = {};
      for (const [k, val] of Object.entries(x as Record<string, unknown>)) {
        m[`0x${Buffer.from(parseSlot(k, n)).toString('hex')}`] = parseSlot(val, n);
      }
      return m;
    };
    const entry: StateOverrides[string] = {};
    const balance = optional(o, 'balance', parseQuantity);
    const nonce = optional(o, 'nonce', parseQuantity);
    const code = optional(o, 'code', parseData);
    const state = slots(o.state, 'state');
    const stateDiff = slots(o.stateDiff, 'stateDiff');
    if (balance !== undefined) entry.balance = balance;
    if (nonce !== undefined) entry.nonce = nonce;
    if (code !== undefined) entry.code = code;
    if (state !== undefined) entry.state = state;
    if (stateDiff !== undefined) entry.stateDiff = stateDiff;
    out[a] = entry;
  }
  return out;
}

/** Log filter criteria after parsing. */
export interface LogFilter {
  fromBlock?: BlockSelector;
  toBlock?: BlockSelector;
  blockHash?: `0x${string}`;
  addresses?: Set<string>;
  /** Per position: undefined = any, otherwise one of the listed topics. */
  topics: (Set<string> | undefined)[];
}

/** Parse an `eth_getLogs` / `eth_newFilter` filter object. */
export function parseLogFilter(v: unknown): LogFilter {
  const o = (v ?? {}) as Record<string, unknown>;
  if (typeof o !== 'object' || Array.isArray(o)) throw invalidParam('filter', 'a filter object', v);
  const out: LogFilter = { topics: [] };
  if (o.blockHash !== undefined && o.blockHash !== null) {
    if (o.fromBlock !== undefined || o.toBlock !== undefined) {
      throw new AidocError('INVALID_PARAMS', 'cannot specify both blockHash and fromBlock/toBlock');
    }
    out.blockHash = parseHash(o.blockHash, 'blockHash');
  }
  if (o.fromBlock !== undefined && o.fromBlock !== null)
    out.fromBlock = parseBlockSelector(o.fromBlock, 'fromBlock');
  if (o.toBlock !== undefined && o.toBlock !== null) out.toBlock = parseBlockSelector(o.toBlock, 'toBlock');
  if (o.address !== undefined && o.address !== null) {
    const list = Array.isArray(o.address) ? o.address : [o.address];
    out.addresses = new Set(list.map((a) => parseAddress(a, 'address')));
  }
  if (o.topics !== undefined && o.topics !== null) {
    if (!Array.isArray(o.topics) || o.topics.length > 4)
      throw invalidParam('topics', 'an array of up to 4 entries', o.topics);
    out.topics = o.topics.map((t, i) => {
      if (t === null || t === undefined) return undefined;
      const list = Array.isArray(t) ? t : [t];
      if (list.length === 0) return undefined;
      return new Set(list.map((x) => parseHash(x, `topics[${i}]`)));
    });
  }
  return out;
}

/** Hex QUANTITY encoding. */
export function toQuantity(v: bigint | number): `0x${string}` {
  return `0x${v.toString(16)}`;
}

/** Hex DATA encoding. */
export function toData(b: Uint8Array): `0x${string}` {
  return `0x${Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex')}`;
}
