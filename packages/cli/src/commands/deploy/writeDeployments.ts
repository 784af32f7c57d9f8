import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AidocError } from '@aidoc/sdk/errors';

/** The deployments file: chain id (decimal string) → contract name → address. */
export type DeploymentsFile = Record<string, Record<string, `0x${string}`>>;

/**
 * Read a deployments file; a missing file is empty, anything but `{ "<chainId>": { name: address } }` is an
 * `INVALID_INPUT` error (it is never overwritten blindly).
 *
 * @example
 * ```ts
 * const deployments = await readDeployments('aidoc.deployments.json');
 * console.log(deployments['31337']?.LifeBank);
 * ```
 */
export async function readDeployments(path: string): Promise<DeploymentsFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new AidocError('INVALID_INPUT', `Cannot read ${path}.`, { cause });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw notDeployments(path, cause);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw notDeployments(path);
  for (const [chainId, contracts] of Object.entries(parsed)) {
    const ok =
      /^\d+$/.test(chainId) &&
      typeof contracts === 'object' &&
      contracts !== null &&
      !Array.isArray(contracts) &&
      Object.values(contracts).every((a) => typeof a === 'string' && /^0x[0-9a-fA-F]{40}$/.test(a));
    if (!ok) throw notDeployments(path);
  }
  return parsed as DeploymentsFile;
}

/**
 * Merge one chain's contract addresses into a deployments file (other chains are kept, this chain's entry is
 * replaced) and write it atomically; returns the whole merged content.
 *
 * @example
 * ```ts
 * await writeDeployments('aidoc.deployments.json', 31337, { AidToken: '0x5FbDB2315678afecb367f032d93F642f64180aa3' });
 * ```
 */
export async function writeDeployments(
  path: string,
  chainId: number,
  contracts: Record<string, `0x${string}`>,
): Promise<DeploymentsFile> {
  const merged = { ...(await readDeployments(path)), [String(chainId)]: contracts };
  const sorted = Object.fromEntries(Object.entries(merged).sort(([a], [b]) => Number(a) - Number(b)));
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(tmp, `${JSON.stringify(sorted, null, 2)}\n`);
  await rename(tmp, path);
  return sorted;
}

function notDeployments(path: string, cause?: unknown): AidocError {
  return new AidocError('INVALID_INPUT', `${path} is not an AIDOC deployments file.`, {
    details:
      'Expected { "<chainId>": { "AidToken": "0x…", … } }. Fix or move the file, or pick another with --out.',
    ...(cause !== undefined ? { cause } : {}),
  });
}
