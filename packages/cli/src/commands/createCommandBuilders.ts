import type { Command } from 'commander';
import type { CliContext } from '../cliContext';
import { addOptions, type OptionSpec } from '../options/addOptions';
import { commandFlags, globalOptions } from '../options/globalOptions';
import { jsonOption } from '../options/jsonOption';

/** Action body of a leaf command: positional arguments, then the merged flags. */
export type LeafRun = (args: unknown[], flags: Record<string, unknown>) => Promise<void>;

/** Builders for command groups and their leaf commands. */
export interface CommandBuilders {
  /** Add a leaf under `parent` taking `options` plus the global options and `--json`. */
  leaf(
    parent: Command,
    name: string,
    description: string,
    options: readonly OptionSpec[],
    run: LeafRun,
    examples?: string,
  ): Command;
  /** Add a command group to the program. */
  group(name: string, description: string): Command;
}

/**
 * Builders shared by the command groups that talk to a chain: every leaf accepts the global options
 * (also before the command name) and `--json`, ends its help with `trailer`, and hands its runner the
 * positional arguments and the merged flags.
 *
 * @example
 * ```ts
 * const { group, leaf } = createCommandBuilders(program, ctx, accountHelp);
 * leaf(group('keys', 'encryption keys'), 'show', 'show a registered key', [], run);
 * ```
 */
export function createCommandBuilders(program: Command, ctx: CliContext, trailer: string): CommandBuilders {
  return {
    leaf(parent, name, description, options, run, examples) {
      const command = parent.command(name).description(description);
      addOptions(command, [...options, ...globalOptions, jsonOption], ctx.secrets);
      command.addHelpText('after', `${examples ?? ''}\n${trailer}`);
      command.action(async function (this: Command, ...args: unknown[]) {
        await run(args.slice(0, this.registeredArguments.length), commandFlags(this));
      });
      return command;
    },
    group: (name, description) => program.command(name).description(description).helpCommand(false),
  };
}
