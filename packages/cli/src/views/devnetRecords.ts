import type { BlockSummary, DevnetLogEvent } from '@aidoc/devnet';
import type { DevnetInfo } from '../commands/devnet/up';

/**
 * The `--json` ready document of `aidoc devnet up`: `{rpc, ws, ipfs, inference, chainId, accounts, contracts}`.
 *
 * @example
 * ```ts
 * process.stdout.write(jsonLine(devnetReadyRecord(session.info)));
 * ```
 */
export function devnetReadyRecord(info: DevnetInfo): Record<string, unknown> {
  return {
    rpc: info.rpc,
    ws: info.ws,
    ...(info.ipfs !== undefined ? { ipfs: info.ipfs } : {}),
    ...(info.inference !== undefined ? { inference: info.inference } : {}),
    chainId: info.chainId,
    accounts: info.accounts.map(({ address, privateKey }) => ({ address, privateKey })),
    contracts: info.contracts,
  };
}

/**
 * A JSON log line for a new block: `{"event":"block","number":…}` (bigints become decimal strings in `jsonLine`).
 *
 * @example
 * ```ts
 * devnet.onBlock((block) => process.stdout.write(jsonLine(blockRecord(block))));
 * ```
 */
export function blockRecord(block: BlockSummary): Record<string, unknown> {
  return {
    event: 'block',
    number: block.number,
    hash: block.hash,
    timestamp: block.timestamp,
    transactions: block.transactions,
    gasUsed: block.gasUsed,
    baseFeePerGas: block.baseFeePerGas,
  };
}

/**
 * A JSON log line for a devnet logger event: `{"event":"log","level":…,"msg":…,…fields}`.
 *
 * @example
 * ```ts
 * logRecord({ level: 'info', msg: 'listening', port: 8545 });
 * // { event: 'log', level: 'info', msg: 'listening', port: 8545 }
 * ```
 */
export function logRecord(event: DevnetLogEvent): Record<string, unknown> {
  const { level, msg, event: _ignored, ...fields } = event;
  return { event: 'log', level, msg, ...fields };
}
