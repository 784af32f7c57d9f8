import type { DevnetOptions } from '@aidoc/devnet';
import type { OptionSpec } from '../../options/addOptions';
import {
  integerInRange,
  parseDirectory,
  parseHost,
  parseMnemonic,
  parsePort,
  parseSeconds,
} from '../../options/optionParsers';

/**
 * The options of `aidoc devnet up`. Each key (the camel-cased long flag) is also the key of the
 * `DevnetOptions` field it sets, so a new devnet option is one entry here.
 */
export const devnetUpOptions: readonly OptionSpec[] = [
  {
    flags: '--host <host>',
    description: 'interface to bind the servers to (0.0.0.0 for all)',
    parse: parseHost,
    defaultValue: '127.0.0.1',
  },
  {
    flags: '-p, --port <port>',
    description: 'JSON-RPC port for HTTP and WebSocket (0 picks a free port)',
    parse: parsePort,
    defaultValue: 8545,
  },
  {
    flags: '--chain-id <id>',
    description: 'chain id',
    parse: integerInRange(1, Number.MAX_SAFE_INTEGER),
    defaultValue: 31337,
  },
  {
    flags: '-a, --accounts <count>',
    description: 'number of funded dev accounts',
    parse: integerInRange(1, 1000),
    defaultValue: 10,
  },
  {
    flags: '-m, --mnemonic <words>',
    description: "BIP-39 mnemonic the dev accounts are derived from (m/44'/60'/0'/0/i)",
    parse: parseMnemonic,
    defaultDescription: 'the public test mnemonic "test test … junk"',
    secret: true,
  },
  {
    flags: '-b, --block-time <seconds>',
    description: 'seconds between blocks, decimals allowed (0: a block as soon as a transaction arrives)',
    defaultDescription: 'instant mining',
    parse: parseSeconds,
  },
  {
    flags: '--validators <count>',
    description: 'number of QBFT validators (4 tolerates one faulty validator; 1 is a single sealer)',
    parse: integerInRange(1, 64),
    defaultValue: 4,
  },
  {
    flags: '--round-timeout <ms>',
    description: 'first QBFT round timeout in milliseconds; it doubles after each failed round',
    parse: integerInRange(10, 600_000),
    defaultValue: 1000,
  },
  {
    flags: '--ipfs-port <port>',
    description: 'port of the Kubo-compatible IPFS RPC API (0 picks a free port)',
    parse: parsePort,
    defaultDescription: '5001, or a free port with --port 0',
  },
  {
    flags: '--inference-port <port>',
    description: 'port of the Open Inference Protocol v2 server (0 picks a free port)',
    parse: parsePort,
    defaultDescription: '9000, or a free port with --port 0',
  },
  {
    flags: '--with-models',
    description:
      'publish the reference models (wdbc-classifier, ecg200-classifier) to the ModelRegistry at start',
  },
  {
    flags: '-d, --data-dir <path>',
    description: 'keep chain, state and content in this directory and resume from it on the next start',
    parse: parseDirectory,
    defaultDescription: 'in memory',
  },
  {
    flags: '--fsync',
    description: 'with --data-dir: flush every block to disk (survives power loss, not only a crash)',
  },
];

/** Parsed options of `aidoc devnet up`: every flag but the output ones is a `DevnetOptions` field. */
export type DevnetUpFlags = DevnetOptions & { json?: boolean };

/**
 * Pick the `DevnetOptions` out of the parsed flags (output flags such as `--json` stay behind).
 *
 * @example
 * ```ts
 * toDevnetOptions({ port: 0, json: true }); // { port: 0 }
 * ```
 */
export function toDevnetOptions(flags: DevnetUpFlags): DevnetOptions {
  const { json: _json, ...options } = flags;
  return options;
}
