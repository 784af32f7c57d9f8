import { AidocError } from '@aidoc/sdk/errors';
import type { Command } from 'commander';
import type { CliIo } from '../cliContext';
import type { OptionSpec } from './addOptions';
import { parseAccountRef, parseIpfsUrl } from './dataOptionParsers';
import { parseDirectory, parseFilePath, parseRpcUrl } from './optionParsers';

/** The options every wallet, keys, records, grant and access command accepts, before or after its name. */
export const globalOptions: readonly OptionSpec[] = [
  {
    flags: '--rpc <url>',
    description: 'JSON-RPC URL of the chain',
    parse: parseRpcUrl,
    defaultDescription: '$AIDOC_RPC or http://127.0.0.1:8545',
  },
  {
    flags: '--ipfs <url>',
    description: 'Kubo RPC API URL of the content store',
    parse: parseIpfsUrl,
    defaultDescription: '$AIDOC_IPFS or http://127.0.0.1:5001',
  },
  {
    flags: '--account <name>',
    description:
      'who acts: a keystore name or address in the keystore folder, or dev:N (devnet test account N)',
    parse: parseAccountRef,
    defaultDescription: '$AIDOC_ACCOUNT',
  },
  {
    flags: '--keystore-dir <path>',
    description: 'folder of the keystores',
    parse: parseDirectory,
    defaultDescription: '$AIDOC_KEYSTORE_DIR or ~/.aidoc/keystores',
  },
  {
    flags: '--password-file <path>',
    description:
      'file holding the keystore password (otherwise $AIDOC_KEYSTORE_PASSWORD or $AIDOC_PASSWORD, or a prompt on a terminal)',
    parse: parseFilePath,
  },
  {
    flags: '--deployments <path>',
    description: 'contract addresses file, for chains that do not answer aidoc_contracts',
    parse: parseFilePath,
    defaultDescription: './aidoc.deployments.json',
  },
];

/** Parsed global options (every one optional; defaults come from the environment, see {@link resolveEndpoints}). */
export interface GlobalFlags {
  rpc?: string;
  ipfs?: string;
  account?: string;
  keystoreDir?: string;
  passwordFile?: string;
  deployments?: string;
  json?: boolean;
}

/**
 * The options of a command merged with those of its ancestors; the command's own values win, so a global
 * option works before the subcommand (`aidoc --json records list`) and after it (`aidoc records list --json`).
 *
 * @example
 * ```ts
 * command.action(function (this: Command) { const flags = commandFlags<GlobalFlags>(this); });
 * ```
 */
export function commandFlags<T>(command: Command): T {
  const chain: Command[] = [];
  for (let c: Command | null = command; c; c = c.parent) chain.unshift(c);
  const merged: Record<string, unknown> = {};
  for (const c of chain) {
    for (const [key, value] of Object.entries(c.opts())) if (value !== undefined) merged[key] = value;
  }
  return merged as T;
}

/**
 * The chain and content URLs to use: the flags, else `$AIDOC_RPC` / `$AIDOC_IPFS`, else the local devnet's.
 *
 * @example
 * ```ts
 * const { rpc, ipfs } = resolveEndpoints(flags, ctx.io.env);
 * ```
 */
export function resolveEndpoints(flags: GlobalFlags, env: CliIo['env']): { rpc: string; ipfs: string } {
  return {
    rpc: flags.rpc ?? fromEnv(env, 'AIDOC_RPC', parseRpcUrl) ?? 'http://127.0.0.1:8545',
    ipfs: flags.ipfs ?? fromEnv(env, 'AIDOC_IPFS', parseIpfsUrl) ?? 'http://127.0.0.1:5001',
  };
}

/**
 * Read and parse an environment variable with an option parser; a bad value is an `INVALID_INPUT` error.
 *
 * @example
 * ```ts
 * const account = fromEnv(ctx.io.env, 'AIDOC_ACCOUNT', parseAccountRef); // undefined when unset
 * ```
 */
export function fromEnv<T>(env: CliIo['env'], name: string, parse: (raw: string) => T): T | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  try {
    return parse(raw);
  } catch (cause) {
    throw new AidocError('INVALID_INPUT', `$${name} is invalid: ${(cause as Error).message}`, { cause });
  }
}
