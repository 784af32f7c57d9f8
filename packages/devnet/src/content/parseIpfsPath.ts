import { AidocError } from '@aidoc/sdk/errors';
import { CID } from 'multiformats/cid';

/** A content path split into its root CID and the remaining segments. */
export interface IpfsPath {
  cid: CID;
  /** Path below the root, without leading slash (`''` for the root itself). */
  rest: string;
  /** `cid` followed by `/rest`, the form ipfs-unixfs-exporter resolves. */
  exporterPath: string;
}

/**
 * Parses a Kubo path argument: `<cid>`, `<cid>/a/b`, `/ipfs/<cid>/a/b`. Throws `AidocError` `INVALID_INPUT`
 * with Kubo's `invalid path` message otherwise.
 *
 * @example
 * ```ts
 * parseIpfsPath('/ipfs/QmWSgS32xQEcXMeqd3YPJLrNBLSdsfYCep2U7CFkyrjXwY/mars.txt').rest; // 'mars.txt'
 * ```
 */
export function parseIpfsPath(arg: string): IpfsPath {
  let text = arg.trim();
  if (text.startsWith('/ipfs/')) text = text.slice('/ipfs/'.length);
  else if (text.startsWith('/')) {
    throw new AidocError('INVALID_INPUT', `invalid path "${arg}": unsupported namespace`);
  }
  const [first = '', ...segments] = text.split('/');
  let cid: CID;
  try {
    cid = CID.parse(first);
  } catch (cause) {
    throw new AidocError('INVALID_INPUT', `invalid path "${arg}": invalid cid: ${(cause as Error).message}`, {
      cause,
    });
  }
  const rest = segments.filter((s) => s !== '').join('/');
  return { cid, rest, exporterPath: rest === '' ? cid.toString() : `${cid}/${rest}` };
}
