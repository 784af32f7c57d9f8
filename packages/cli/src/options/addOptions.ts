import { type Command, Option } from 'commander';

/** One command-line option, declared as data so a command's options are a table. */
export interface OptionSpec {
  /** Commander flags, e.g. `--block-time <seconds>`. The camel-cased long name is the option's key. */
  flags: string;
  description: string;
  /** Parser for the raw string; throw commander's `InvalidArgumentError` to reject it (exit code 2). */
  parse?: (raw: string) => unknown;
  /** Default value (not parsed), shown in `--help`. */
  defaultValue?: unknown;
  /** How `--help` shows the default, when the value itself says little. */
  defaultDescription?: string;
  /** The value is a secret: it is redacted from every error message. */
  secret?: boolean;
  /** The option must be given (commander reports a missing one as a usage error). */
  required?: boolean;
}

/**
 * Add a table of {@link OptionSpec}s to a commander command; raw values of secret options go to `secrets`.
 *
 * @example
 * ```ts
 * addOptions(command, [{ flags: '--port <number>', description: 'Port', parse: parsePort }], new Set());
 * ```
 */
export function addOptions(command: Command, specs: readonly OptionSpec[], secrets: Set<string>): Command {
  for (const spec of specs) {
    const shownDefault = spec.defaultValue === undefined && spec.defaultDescription;
    const option = new Option(
      spec.flags,
      shownDefault ? `${spec.description} (default: ${spec.defaultDescription})` : spec.description,
    );
    if (spec.defaultValue !== undefined) option.default(spec.defaultValue, spec.defaultDescription);
    const parse = spec.parse;
    if (parse || spec.secret) {
      option.argParser((raw: string) => {
        if (spec.secret) secrets.add(raw);
        return parse ? parse(raw) : raw;
      });
    }
    if (spec.required) option.makeOptionMandatory();
    command.addOption(option);
  }
  return command;
}
