import { createRequire } from 'node:module';
import { AidocError } from '@aidoc/sdk/errors';
import { Command, CommanderError } from 'commander';
import { type CliContext, type CliIo, createCliContext } from './cliContext';
import { devnetUpOptions } from './commands/devnet/upOptions';
import { addOptions } from './options/addOptions';
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

The account keys it prints are PUBLIC TEST KEYS: never use them on a real network.
Stop it with Ctrl+C (SIGINT) or SIGTERM.`;

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
    .helpCommand(false);

  const devnet = program
    .command('devnet')
    .description('run a local AIDOC devnet for development and tests')
    .helpCommand(false);

  const up = devnet
    .command('up')
    .description(
      'start a devnet: an EVM chain with Ethereum JSON-RPC over HTTP and WebSocket, funded dev accounts and the system contracts',
    )
    .addHelpText('after', devnetUpExamples);
  addOptions(up, devnetUpOptions, ctx.secrets)
    .option(jsonFlag[0]!, jsonFlag[1])
    .action(async (flags) => {
      const { runDevnetUp } = await import('./commands/devnet/upRunner');
      await runDevnetUp(flags, ctx);
    });

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
  try {
    await createProgram(ctx).parseAsync([...argv]);
    return ExitCode.ok;
  } catch (thrown) {
    if (thrown instanceof CommanderError && thrown.exitCode === 0) return ExitCode.ok; // --help, --version
    if (thrown instanceof CommanderError && thrown.code === 'commander.help') return ExitCode.usage; // help shown
    const error = thrown instanceof CommanderError ? usageError(thrown, argv) : thrown;
    const json = argv.includes('--json') || io.stdout.isTTY !== true;
    const options = { debug: ctx.debug, secrets: ctx.secrets };
    if (json) io.stdout.write(formatError(error, { ...options, json: true }));
    if (!json || (!argv.includes('--json') && io.stderr.isTTY === true)) {
      io.stderr.write(formatError(error, { ...options, json: false }));
    }
    return exitCodeFor(error);
  }
}

function usageError(error: CommanderError, argv: readonly string[]): AidocError {
  const words = argv.slice(2);
  const firstOption = words.findIndex((word) => word.startsWith('-'));
  const command = ['aidoc', ...(firstOption === -1 ? words : words.slice(0, firstOption))].join(' ');
  return new AidocError('INVALID_INPUT', error.message.replace(/^error: /, ''), {
    details: `Run '${command} --help' for usage.`,
    data: { reason: error.code },
  });
}

function readVersion(): string {
  // src/program.ts and dist/bin.js both sit one folder below package.json.
  return (createRequire(import.meta.url)('../package.json') as { version: string }).version;
}
