import type { ContentClient } from '../content/createContentClient';
import { AidocError } from '../errors';

/**
 * Reads a payload from IPFS, refusing more than `limit` bytes, retrying a failed read three times. Internal.
 */
export async function fetchPayloadBytes(
  content: ContentClient,
  cid: string,
  limit: number,
): Promise<Uint8Array> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 4; attempt++) {
    if (attempt > 0) await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
    try {
      const parts: Uint8Array[] = [];
      let length = 0;
      for await (const part of content.cat(cid)) {
        length += part.byteLength;
        if (length > limit) {
          throw new AidocError('LIMIT_EXCEEDED', `The payload ${cid} is over the ${limit}-byte limit.`);
        }
        parts.push(part);
      }
      const out = new Uint8Array(length);
      let at = 0;
      for (const part of parts) {
        out.set(part, at);
        at += part.byteLength;
      }
      return out;
    } catch (error) {
      if (AidocError.is(error) && (error.code === 'LIMIT_EXCEEDED' || error.code === 'INVALID_INPUT'))
        throw error;
      lastError = error;
    }
  }
  throw AidocError.is(lastError)
    ? lastError
    : new AidocError('NETWORK', `Fetching the payload ${cid} failed.`, { cause: lastError });
}
