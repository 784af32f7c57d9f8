import type { OptionSpec } from './addOptions';

/** The `--json` flag every data command takes. */
export const jsonOption: OptionSpec = {
  flags: '--json',
  description: 'print JSON (the default when stdout is not a terminal)',
};
