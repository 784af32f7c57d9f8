import { createRequire } from 'node:module';
import { AidocError } from '@aidoc/sdk/errors';
import { Command, CommanderError } from 'commander';
import { type CliContext, type CliIo, createCliContext } from './cliContext';
import { addDataCommands } from './commands/addDataCommands';
import { deployOptions } from './commands/deploy/deployOptions';
import { devnetFaultOptions, devnetRpcOption } from './commands/devnet/faultOptions';
import { devnetUpOptions } from './commands/devnet/upOptions';
import { addModelCommands } from './commands/model/addModelCommands';
import { addMessagingCommands } from './commands/msg/addMessagingCommands';
import { addOptions } from './options/addOptions';
import { commandFlags, globalOptions } from './options/globalOptions';
import { ExitCode, exitCodeFor } from './output/exitCodeFor';
import { formatError } from './output/formatError';

const jsonFlag = [
  '--json',
  'print JSON (one document, then JSON lines); the default when stdout is not a terminal',
];

const devnetUpExamples = `
Examples:
  $ aidoc devnet up                         # chain on http://127.0.0.1:8545, live block view
  $ aidoc devnet up --block-time 2          # a block every 2 seconds
  $ aidoc devnet up --port 0 --json         # free port; ready line + JSON logs for scripts
  $ aidoc devnet up --host 0.0.0.0 --chain-id 1337 --accounts 20
  $ aidoc devnet up --validators 7 --round-timeout 500   # QBFT among 7 validators (tolerates 2 faulty)
  $ aidoc devnet up --with-models           # publish the reference models; inference on :9000

The account keys it prints are PUBLIC TEST KEYS: never use them on a real network.
Stop it with Ctrl+C (SIGINT) or SIGTERM.`;

const devnetFaultExamples = `
Examples:
  $ aidoc devnet fault --validator 1 crash          # validator 1 stops; 3 of 4 still commit
  $ aidoc devnet fault --validator 2 crash          # a second one: no quorum, finality stalls
  $ aidoc devnet fault --validator 1 heal           # clear every fault of validator 1
  $ aidoc devnet fault --validator 0 delay 800      # its messages arrive 800 ms late
  $ aidoc devnet fault --rpc http://127.0.0.1:9545 --validator 3 equivocate --json

Exit codes: 0 applied, 1 the devnet refused or cannot be reached, 2 usage error.`;

const deployExamples = `
Examples:
  $ aidoc deploy --rpc http://127.0.0.1:8545 --private-key 0x…            # prefer AIDOC_PRIVATE_KEY
  $ AIDOC_PRIVATE_KEY=0x… aidoc deploy --rpc https://rpc.example.org --governance 0xMultisig…
  $ aidoc deploy --rpc https://rpc.example.org --account deployer          # ~/.aidoc/keystores/deployer.json
  $ aidoc deploy --rpc http://127.0.0.1:9545 --account dev:0               # the devnet test mnemonic's account 0

Writes (or merges into) aidoc.deployments.json: { "<chainId>": { "AidToken": "0x…", … } }.
The key is never printed. Exit codes: 0 deployed, 1 failure (network, revert, funds), 2 usage error.`;

/**
 * Assemble the `aidoc` command tree. Commands are loaded lazily: `--help` never imports the devnet.
 *
 * @example
 * ```ts
 * await createProgram(createCliContext(io)).parseAsync(['node', 'aidoc', 'devnet', 'up']);
 * ```
 */
export function createProgram(ctx: CliContext): Command {
  const program = new Command('aidoc')
    .description('AIDOC developer toolkit: a local chain for health-data DApps, and tools to build on it.')
    .version(readVersion(), '-v, --version', 'print the aidoc version')
    .helpOption('-h, --help', 'show help')
    .configureOutput({
      writeOut: (text) => ctx.io.stdout.write(text),
      writeErr: (text) => ctx.io.stderr.write(text),
      outputError: () => {}, // runCli prints errors itself (text or JSON)
    })
    .exitOverride()
    .showSuggestionAfterError()
    .helpCommand(false)
    // Options given before a subcommand belong to the program; the data commands merge them with their own,
    // so `aidoc --json records list` and `aidoc records list --json` mean the same.
    .enablePositionalOptions();
  addOptions(program, globalOptions, ctx.secrets).option(jsonFlag[0]!, jsonFlag[1]);

  const devnet = program
    .command('devnet')
    .description('run a local AIDOC devnet for development and tests')
    .helpCommand(false);

  const up = devnet
    .command('up')
    .description(
      'start a devnet: an EVM chain with Ethereum JSON-RPC over HTTP and WebSocket, a Kubo-compatible IPFS API, an OIP v2 inference server, funded dev accounts and the system contracts',
    )
    .addHelpText('after', devnetUpExamples);
  addOptions(up, devnetUpOptions, ctx.secrets)
    .option(jsonFlag[0]!, jsonFlag[1])
    .action(async function (this: Command) {
      const { runDevnetUp } = await import('./commands/devnet/upRunner');
      // only --json is shared with the program: the rest of the program's options mean nothing to a devnet
      const json = commandFlags<{ json?: boolean }>(this).json;
      await runDevnetUp(json ? { ...this.opts(), json } : this.opts(), ctx);
    });

  const fault = devnet
    .command('fault')
    .description(
      'inject a fault into one validator of a running devnet (or heal it), to test a DApp against stalled finality',
    )
    .argument('<kind>', 'crash | recover | partition | heal | delay | equivocate')
    .argument('[ms]', 'with delay: milliseconds added to every message of the validator')
    .addHelpText('after', devnetFaultExamples);
  addOptions(fault, devnetFaultOptions, ctx.secrets)
    .option(jsonFlag[0]!, 'print the validator status as JSON (the default when stdout is not a terminal)')
    .action(async function (this: Command, kind: string, ms: string | undefined) {
      const { runDevnetFault } = await import('./commands/devnet/faultRunner');
      await runDevnetFault(kind, ms, commandFlags(this), ctx);
    });

  const status = devnet
    .command('status')
    .description('show the head, the finalized block and every validator of a running devnet');
  addOptions(status, [devnetRpcOption], ctx.secrets)
    .option(jsonFlag[0]!, 'print JSON (the default when stdout is not a terminal)')
    .action(async function (this: Command) {
      const { runDevnetStatus } = await import('./commands/devnet/faultRunner');
      await runDevnetStatus(commandFlags(this), ctx);
    });

  const deploy = program
    .command('deploy')
    .description('deploy the AIDOC system contracts onto any EVM network and record their addresses')
    .addHelpText('after', deployExamples);
  addOptions(deploy, deployOptions, ctx.secrets)
    .option(jsonFlag[0]!, 'print the result as JSON (the default when stdout is not a terminal)')
    .action(async function (this: Command) {
      const { runDeploy } = await import('./commands/deploy/deployRunner');
      await runDeploy(commandFlags(this), ctx);
    });

  addDataCommands(program, ctx);
  addModelCommands(program, ctx);
  addMessagingCommands(program, ctx);
  return program;
}

/**
 * Run the CLI on `argv` (as `process.argv`) and resolve with the exit code: 0 ok, 1 failure, 2 usage.
 * Errors are printed here: `Error: …` on a terminal, `{"error":{…}}` in JSON mode; stacks only with DEBUG=aidoc.
 *
 * @example
 * ```ts
 * process.exitCode = await runCli(process.argv, { stdout: process.stdout, stderr: process.stderr, env: process.env });
 * ```
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const ctx = createCliContext(io);
  const program = createProgram(ctx);
  try {
    await program.parseAsync([...argv]);
    return ExitCode.ok;
  } catch (thrown) {
    if (thrown instanceof CommanderError && thrown.exitCode === 0) return ExitCode.ok; // --help, --version
    if (thrown instanceof CommanderError && thrown.code === 'commander.help') return ExitCode.usage; // help shown
    const error = thrown instanceof CommanderError ? usageError(thrown, commandPath(program, argv)) : thrown;
    const json = argv.includes('--json') || io.stdout.isTTY !== true;
    const options = { debug: ctx.debug, secrets: ctx.secrets };
    if (json) io.stdout.write(formatError(error, { ...options, json: true }));
    if (!json || (!argv.includes('--json') && io.stderr.isTTY === true)) {
      io.stderr.write(formatError(error, { ...options, json: false }));
    }
    return exitCodeFor(error);
  }
}

function usageError(error: CommanderError, command: string): AidocError {
  return new AidocError('INVALID_INPUT', error.message.replace(/^error: /, ''), {
    details: `Run '${command} --help' for usage.`,
    data: { reason: error.code },
  });
}

/** The command an argv names (`aidoc records read`), skipping options and their values wherever they are. */
function commandPath(program: Command, argv: readonly string[]): string {
  const path = ['aidoc'];
  let command = program;
  const words = argv.slice(2);
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (word.startsWith('-')) {
      const option = command.options.find((o) => o.long === word || o.short === word);
      if (option && (option.required || option.optional)) i += 1; // its value
      continue;
    }
    const sub = command.commands.find((c) => c.name() === word);
    if (!sub) break;
    path.push(word);
    command = sub;
  }
  return path.join(' ');
}

function readVersion(): string {
  // src/program.ts and dist/bin.js both sit one folder below package.json.
  return (createRequire(import.meta.url)('../package.json') as { version: string }).version;
}
