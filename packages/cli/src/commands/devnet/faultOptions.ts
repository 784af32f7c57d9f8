import type { OptionSpec } from '../../options/addOptions';
import { integerInRange, parseRpcUrl } from '../../options/optionParsers';
import { defaultDevnetRpc } from './devnetRpcClient';

/** `--rpc URL` of the commands that talk to a running devnet. */
export const devnetRpcOption: OptionSpec = {
  flags: '--rpc <url>',
  description: 'JSON-RPC URL of the running devnet',
  parse: parseRpcUrl,
  defaultValue: defaultDevnetRpc,
};

/** The options of `aidoc devnet fault` (the fault kind and delay are arguments). */
export const devnetFaultOptions: readonly OptionSpec[] = [
  devnetRpcOption,
  {
    flags: '--validator <index>',
    description: 'validator node index (0, 1, …; see aidoc devnet status)',
    parse: integerInRange(0, 63),
    required: true,
  },
];

/** Parsed options of `aidoc devnet fault`. */
export interface DevnetFaultFlags {
  rpc: string;
  validator: number;
  json?: boolean;
}

/** Parsed options of `aidoc devnet status`. */
export interface DevnetStatusFlags {
  rpc: string;
  json?: boolean;
}
