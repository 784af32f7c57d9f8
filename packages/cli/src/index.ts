export { type CliContext, type CliIo, createCliContext, type OutputStream, wantsJson } from './cliContext';
export { type DevnetInfo, type DevnetSession, devnetUp } from './commands/devnet/up';
export { type DevnetUpFlags, devnetUpOptions, toDevnetOptions } from './commands/devnet/upOptions';
export { ExitCode, exitCodeFor } from './output/exitCodeFor';
export { type FormatErrorOptions, formatError } from './output/formatError';
export { jsonLine } from './output/jsonLine';
export { createProgram, runCli } from './program';
