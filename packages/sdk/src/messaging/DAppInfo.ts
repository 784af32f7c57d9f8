import { dAppRegistryAbi } from '@aidoc/contracts';
import type { Address, Hex } from 'viem';
import type { AidocContext } from '../client/AidocContext';
import { contractErrorToAidocError } from '../client/contractErrorToAidocError';
import { requireSigner } from '../client/requireSigner';
import { AidocError } from '../errors';
import { messagingRefusal } from './messagingRefusal';

/** A DApp id (number or bigint) or its registered name. */
export type DAppRef = bigint | number | string;

/** A registered DApp, as DAppRegistry holds it. */
export interface DAppInfo {
  dappId: bigint;
  name: string;
  owner: Address;
  active: boolean;
  /** Compressed secp256k1 public key messages to this DApp are encrypted to. */
  encryptionKey: Hex;
  registeredAt: Date;
}

/** DAppRegistry's address, or NOT_FOUND when the deployment has none. Internal. */
export function dappRegistryAddress(ctx: AidocContext): Address {
  const address = ctx.contracts.DAppRegistry;
  if (!address) {
    throw new AidocError('NOT_FOUND', 'This deployment has no DAppRegistry contract.', {
      details: 'Messaging needs DAppRegistry and Messenger addresses in the deployments.',
    });
  }
  return address;
}

/** Messenger's address, or NOT_FOUND when the deployment has none. Internal. */
export function messengerAddress(ctx: AidocContext): Address {
  const address = ctx.contracts.Messenger;
  if (!address) {
    throw new AidocError('NOT_FOUND', 'This deployment has no Messenger contract.', {
      details: 'Messaging needs DAppRegistry and Messenger addresses in the deployments.',
    });
  }
  return address;
}

/** Resolves a DApp id or name to its id; NOT_FOUND for an unknown name. Internal. */
export async function resolveDAppId(ctx: AidocContext, ref: DAppRef, role: string): Promise<bigint> {
  if (typeof ref === 'bigint' || typeof ref === 'number') {
    if ((typeof ref === 'number' && !Number.isSafeInteger(ref)) || BigInt(ref) <= 0n) {
      throw new AidocError('INVALID_INPUT', `The ${role} DApp id must be a positive integer.`, {
        details: `Received ${String(ref)}.`,
      });
    }
    return BigInt(ref);
  }
  if (typeof ref !== 'string' || ref.length === 0) {
    throw new AidocError('INVALID_INPUT', `The ${role} DApp must be an id or a name.`);
  }
  if (/^\d+$/.test(ref)) return resolveDAppId(ctx, BigInt(ref), role);
  let id: bigint;
  try {
    id = await ctx.publicClient.readContract({
      address: dappRegistryAddress(ctx),
      abi: dAppRegistryAbi,
      functionName: 'dappIdOf',
      args: [ref],
    });
  } catch (error) {
    throw contractErrorToAidocError(error, `Looking up the DApp "${ref}"`);
  }
  if (id === 0n) {
    throw new AidocError('NOT_FOUND', `No DApp is registered as "${ref}".`, {
      details: 'Register it with messaging.register({ name, topics }) or check the spelling.',
      data: { dapp: ref },
    });
  }
  return id;
}

/** Reads a DApp from DAppRegistry; NOT_FOUND when unknown. Internal. */
export async function fetchDApp(ctx: AidocContext, ref: DAppRef, role = 'requested'): Promise<DAppInfo> {
  const dappId = await resolveDAppId(ctx, ref, role);
  try {
    const d = await ctx.publicClient.readContract({
      address: dappRegistryAddress(ctx),
      abi: dAppRegistryAbi,
      functionName: 'getDApp',
      args: [dappId],
    });
    return {
      dappId,
      name: d.name,
      owner: d.owner,
      active: d.active,
      encryptionKey: d.encryptionKey,
      registeredAt: new Date(Number(d.registeredAt) * 1000),
    };
  } catch (error) {
    throw messagingRefusal(contractErrorToAidocError(error, `Reading DApp ${dappId}`));
  }
}

/** Active DApps the client's account owns, by id. Internal. */
export async function ownedDAppIds(ctx: AidocContext): Promise<bigint[]> {
  const { address } = requireSigner(ctx, 'Finding your DApps');
  const registry = dappRegistryAddress(ctx);
  try {
    const [registered, handed] = await Promise.all([
      ctx.publicClient.getContractEvents({
        address: registry,
        abi: dAppRegistryAbi,
        eventName: 'DAppRegistered',
        args: { owner: address },
        fromBlock: ctx.fromBlock,
      }),
      ctx.publicClient.getContractEvents({
        address: registry,
        abi: dAppRegistryAbi,
        eventName: 'DAppOwnerSet',
        args: { owner: address },
        fromBlock: ctx.fromBlock,
      }),
    ]);
    const candidates = new Set<bigint>();
    for (const e of [...registered, ...handed])
      if (e.args.dappId !== undefined) candidates.add(e.args.dappId);
    const owned: bigint[] = [];
    for (const id of [...candidates].sort((a, b) => (a < b ? -1 : 1))) {
      const [owner, active] = await ctx.publicClient.readContract({
        address: registry,
        abi: dAppRegistryAbi,
        functionName: 'ownerAndStatus',
        args: [id],
      });
      if (active && owner.toLowerCase() === address.toLowerCase()) owned.push(id);
    }
    return owned;
  } catch (error) {
    throw contractErrorToAidocError(error, 'Finding your DApps');
  }
}

/** The acting DApp: `from` when given, else the only active DApp the account owns. Internal. */
export async function actingDAppId(
  ctx: AidocContext,
  from: DAppRef | undefined,
  action: string,
): Promise<bigint> {
  if (from !== undefined) return resolveDAppId(ctx, from, 'sending');
  const owned = await ownedDAppIds(ctx);
  if (owned.length === 1 && owned[0] !== undefined) return owned[0];
  throw new AidocError('INVALID_INPUT', `${action}: say which DApp acts (the \`from\` option).`, {
    details:
      owned.length === 0
        ? 'This account owns no active DApp; register one with messaging.register({ name, topics }).'
        : `This account owns DApps ${owned.join(', ')}.`,
  });
}
