import * as dagCbor from '@ipld/dag-cbor';
import * as dagJson from '@ipld/dag-json';
import * as dagPb from '@ipld/dag-pb';
import { CID } from 'multiformats/cid';

/** Multicodec of raw blocks. */
export const RAW_CODE = 0x55;

/**
 * The CIDs a block links to, decoded according to the codec of its CID (dag-pb, dag-cbor, dag-json; raw and
 * unknown codecs have no links), as Kubo's pinner and garbage collector see them.
 *
 * @example
 * ```ts
 * const children = blockLinks(cid, await store.get(cid));
 * ```
 */
export function blockLinks(cid: CID, bytes: Uint8Array): CID[] {
  switch (cid.code) {
    case dagPb.code:
      return dagPb.decode(bytes).Links.map((link) => link.Hash);
    case dagCbor.code:
      return collectCids(dagCbor.decode(bytes), []);
    case dagJson.code:
      return collectCids(dagJson.decode(bytes), []);
    default:
      return [];
  }
}

function collectCids(value: unknown, out: CID[]): CID[] {
  const cid = CID.asCID(value);
  if (cid) {
    out.push(cid);
    return out;
  }
  if (Array.isArray(value)) {
    for (const item of value) collectCids(item, out);
  } else if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array)) {
    for (const item of Object.values(value)) collectCids(item, out);
  }
  return out;
}
