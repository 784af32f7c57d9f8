/**
 * Run `fn` over `items` with at most `limit` calls in flight, starting them in order; results keep item order.
 *
 * @example
 * ```ts
 * const balances = await mapWithConcurrency(addresses, 64, (a) => rpc.request('eth_getBalance', [a, 'latest']));
 * ```
 */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  async function worker(): Promise<void> {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T, index);
    }
  }
  const workers = Array.from({ length: Math.min(limit, items.length) }, () => worker());
  await Promise.all(workers);
  return results;
}
