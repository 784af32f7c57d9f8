/**
 * The size of a block given as its bytes or as its consecutive parts (what `ContentStore.put` takes).
 *
 * @example
 * ```ts
 * blockByteLength([header, chunk, trailer]); // header.byteLength + chunk.byteLength + trailer.byteLength
 * ```
 */
export function blockByteLength(block: Uint8Array | readonly Uint8Array[]): number {
  if (block instanceof Uint8Array) return block.byteLength;
  let size = 0;
  for (const part of block) size += part.byteLength;
  return size;
}
