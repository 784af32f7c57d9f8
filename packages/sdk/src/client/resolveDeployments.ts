import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { type Address, getAddress, isAddress, type PublicClient } from 'viem';
import { z } from 'zod';
import { AidocError } from '../errors';
import type { AidocContracts } from './AidocContext';

/** Contract addresses by name, or by chain id then name (the `aidoc.deployments.json` shape). */
export type DeploymentsInput = Record<string, string> | Record<string, Record<string, string>>;

const addressMap = z.record(
  z.string(),
  z.string().refine((a) => isAddress(a), 'an address'),
);
const byChain = z.record(z.string().regex(/^\d+$/), addressMap);

function pick(input: unknown, chainId: number, source: string): Record<string, Address> | undefined {
  const chains = byChain.safeParse(input);
  if (chains.success && Object.keys(chains.data).length > 0) {
    const entry = chains.data[String(chainId)];
    return entry ? normalize(entry) : undefined;
  }
  const flat = addressMap.safeParse(input);
  if (flat.success) return normalize(flat.data);
  throw new AidocError('INVALID_INPUT', `${source} is not a deployments map.`, {
    details: 'Expected { "<chainId>": { "AidToken": "0x…", "KeyRegistry": "0x…", "LifeBank": "0x…" } }.',
  });
}

function normalize(map: Record<string, string>): Record<string, Address> {
  return Object.fromEntries(Object.entries(map).map(([k, v]) => [k, getAddress(v)]));
}

function complete(map: Record<string, Address> | undefined): map is AidocContracts {
  return !!map && ['AidToken', 'KeyRegistry', 'LifeBank'].every((k) => k in map);
}

/**
 * Finds the system contract addresses: the `deployments` option first, then the server's `aidoc_contracts`
 * method (any server may answer it), then `aidoc.deployments.json` in the working directory (or `file`).
 *
 * @example
 * ```ts
 * const contracts = await resolveDeployments(publicClient, 31337, {});
 * ```
 */
export async function resolveDeployments(
  client: PublicClient,
  chainId: number,
  options: { deployments?: DeploymentsInput | string },
): Promise<AidocContracts> {
  const tried: string[] = [];
  if (options.deployments !== undefined && typeof options.deployments !== 'string') {
    const map = pick(options.deployments, chainId, 'The deployments option');
    if (complete(map)) return map;
    tried.push('the deployments option');
  }
  try {
    const answer = await client.request({ method: 'aidoc_contracts' as never, params: [] as never });
    const map = pick(answer, chainId, 'aidoc_contracts');
    if (complete(map)) return map;
  } catch (error) {
    if (AidocError.is(error)) throw error;
  }
  tried.push('aidoc_contracts');
  const file = resolve(
    typeof options.deployments === 'string' ? options.deployments : 'aidoc.deployments.json',
  );
  let text: string | undefined;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    text = undefined;
  }
  if (text !== undefined) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (cause) {
      throw new AidocError('INVALID_INPUT', `${file} is not JSON.`, { cause });
    }
    const map = pick(json, chainId, file);
    if (complete(map)) return map;
  }
  tried.push(file);
  throw new AidocError('NOT_FOUND', `No AIDOC contract addresses for chain ${chainId}.`, {
    details: `Looked in ${tried.join(', ')}. Deploy with \`aidoc deploy\` and pass \`deployments\` or write aidoc.deployments.json.`,
  });
}
