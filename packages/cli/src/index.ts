export { type CliContext, type CliIo, createCliContext, type OutputStream, wantsJson } from './cliContext';
export {
  type DeployRequest,
  type DeployResult,
  type DeployStepEvent,
  deployAidocSystem,
} from './commands/deploy/deploy';
export { type DeploymentsFile, readDeployments, writeDeployments } from './commands/deploy/writeDeployments';
export { type DevnetFaultRequest, type DevnetFaultResult, devnetFault } from './commands/devnet/fault';
export { type BlockRef, type DevnetStatus, devnetStatus } from './commands/devnet/status';
export { type DevnetInfo, type DevnetSession, devnetUp } from './commands/devnet/up';
export { type DevnetUpFlags, devnetUpOptions, toDevnetOptions } from './commands/devnet/upOptions';
export {
  type ValidatorFaultKind,
  type ValidatorStatus,
  validatorFaultKinds,
} from './commands/devnet/validatorStatus';
export type { OptionSpec } from './options/addOptions';
export { ExitCode, exitCodeFor } from './output/exitCodeFor';
export { type FormatErrorOptions, formatError } from './output/formatError';
export { jsonLine } from './output/jsonLine';
export { createProgram, runCli } from './program';
