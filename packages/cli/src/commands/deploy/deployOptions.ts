import type { OptionSpec } from '../../options/addOptions';
import { parseAddress, parseDirectory, parseFilePath, parseRpcUrl } from '../../options/optionParsers';
import { parsePrivateKey } from './parsePrivateKey';

/** The options of `aidoc deploy`. */
export const deployOptions: readonly OptionSpec[] = [
  {
    flags: '--rpc <url>',
    description: 'JSON-RPC URL of the target EVM network',
    parse: parseRpcUrl,
    required: true,
  },
  {
    flags: '--account <name>',
    description:
      'deploy from this keystore (name or address) in the keystore folder, or dev:N (devnet test account N)',
  },
  {
    flags: '--private-key <key>',
    description:
      'deploy from this private key (prefer the AIDOC_PRIVATE_KEY variable: flags land in shell history)',
    parse: parsePrivateKey,
    secret: true,
  },
  {
    flags: '--governance <address>',
    description: 'governance of every contract: an owner or a multisig address',
    parse: parseAddress,
    defaultDescription: 'the deployer',
  },
  {
    flags: '--out <path>',
    description: 'deployments file to write or merge into (chain id → contract addresses)',
    parse: parseFilePath,
    defaultValue: 'aidoc.deployments.json',
  },
  {
    flags: '--keystore-dir <path>',
    description: 'folder of the keystores --account refers to',
    parse: parseDirectory,
    defaultDescription: '$AIDOC_KEYSTORE_DIR or ~/.aidoc/keystores',
  },
  {
    flags: '--password-file <path>',
    description:
      'file holding the keystore password (otherwise $AIDOC_KEYSTORE_PASSWORD, or a prompt on a terminal)',
    parse: parseFilePath,
  },
];

/** Parsed options of `aidoc deploy`. */
export interface DeployFlags {
  rpc: string;
  account?: string;
  privateKey?: `0x${string}`;
  governance?: `0x${string}`;
  out: string;
  keystoreDir?: string;
  passwordFile?: string;
  json?: boolean;
}
