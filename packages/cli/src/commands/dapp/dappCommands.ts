import type { DAppInfo, RegisteredDApp } from '@aidoc/sdk';
import { AidocError } from '@aidoc/sdk/errors';
import { requireAccount } from '../../account/resolveAccount';
import type { CliContext } from '../../cliContext';
import type { GlobalFlags } from '../../options/globalOptions';
import { connectAidoc } from '../connectAidoc';

/** Options of `aidoc dapp register`. */
export interface DAppRegisterFlags extends GlobalFlags {
  name: string;
  topics?: string[];
  /** Encryption public key other DApps encrypt to (default: the account's own). */
  key?: `0x${string}`;
}

/** What `aidoc dapp register` registered. */
export interface DAppRegisterResult extends RegisteredDApp {
  owner: `0x${string}`;
  /** The accepted topics by name (the chain keeps only their hashes, in `topics`). */
  topicNames: string[];
}

/**
 * Register a DApp owned by `--account`, with its encryption key and the topics it accepts; a taken name is
 * refused with `ALREADY_KNOWN`.
 *
 * @example
 * ```ts
 * const { dappId } = await dappRegister({ name: 'lab-ocr', topics: ['lab-sheet.image'], account: 'dev:1' }, ctx);
 * ```
 */
export async function dappRegister(flags: DAppRegisterFlags, ctx: CliContext): Promise<DAppRegisterResult> {
  const account = await requireAccount(flags, ctx, 'Registering a DApp');
  const aidoc = await connectAidoc(flags, ctx, account);
  const topicNames = flags.topics ?? [];
  let registered: RegisteredDApp;
  try {
    registered = await aidoc.messaging.register({
      name: flags.name,
      topics: topicNames,
      ...(flags.key !== undefined ? { encryptionKey: flags.key } : {}),
    });
  } catch (error) {
    // A taken name: the SDK's refusal, with what to do about it on the command line.
    if (AidocError.is(error, 'ALREADY_KNOWN') && error.data?.contractError === 'NameTaken') {
      throw new AidocError('ALREADY_KNOWN', `A DApp named "${flags.name}" is already registered.`, {
        details: 'Pick another --name, or see it with `aidoc dapp show NAME`.',
        cause: error,
        data: error.data,
      });
    }
    throw error;
  }
  return { ...registered, owner: account.address, topicNames };
}

/** What `aidoc dapp show` prints: the DApp, and whether it accepts the topics asked about. */
export interface DAppShowResult extends DAppInfo {
  /** `--accepts` topics mapped to whether the DApp accepts them. */
  accepts?: Record<string, boolean>;
}

/**
 * Read a DApp from DAppRegistry by id or name (no account needed); with `accepts`, also which of those
 * topics it accepts.
 *
 * @example
 * ```ts
 * const dapp = await dappShow('lab-interpreter', { accepts: ['lab-sheet.values'] }, ctx);
 * ```
 */
export async function dappShow(
  dapp: string,
  flags: GlobalFlags & { accepts?: string[] },
  ctx: CliContext,
): Promise<DAppShowResult> {
  const aidoc = await connectAidoc(flags, ctx, undefined);
  const info = await aidoc.messaging.get(dapp);
  if (flags.accepts === undefined) return info;
  const accepts: Record<string, boolean> = {};
  for (const topic of flags.accepts) accepts[topic] = await aidoc.messaging.accepts(info.dappId, topic);
  return { ...info, accepts };
}

/** What `aidoc dapp list` prints. */
export interface DAppListResult {
  owner: `0x${string}`;
  dapps: DAppInfo[];
}

/**
 * List the active DApps `--account` owns.
 *
 * @example
 * ```ts
 * const { dapps } = await dappList({ account: 'dev:1' }, ctx);
 * ```
 */
export async function dappList(flags: GlobalFlags, ctx: CliContext): Promise<DAppListResult> {
  const account = await requireAccount(flags, ctx, 'Listing your DApps');
  const aidoc = await connectAidoc(flags, ctx, account);
  return { owner: account.address, dapps: await aidoc.messaging.owned() };
}
