import type { Command } from 'commander';
import type { CliContext } from '../../cliContext';
import { addOptions, type OptionSpec } from '../../options/addOptions';
import { parseAmount, parseId } from '../../options/dataOptionParsers';
import { commandFlags, globalOptions } from '../../options/globalOptions';
import { parseFilePath } from '../../options/optionParsers';
import { parseInferenceUrl, parseInputSource, parseScore } from './modelOptionParsers';

const modelOptions: readonly OptionSpec[] = [
  {
    flags: '--inference <url>',
    description: 'Open Inference Protocol v2 server for model infer',
    parse: parseInferenceUrl,
    defaultDescription: '$AIDOC_INFERENCE or http://127.0.0.1:9000',
  },
  ...globalOptions,
  { flags: '--json', description: 'print one JSON document (the default when stdout is not a terminal)' },
];

const modelHelp = `
Global options: --rpc, --ipfs, --inference, --account NAME|dev:N, --keystore-dir, --password-file,
--deployments, --json. On a devnet started with --with-models, wdbc-classifier and ecg200-classifier exist.
Exit codes: 0 done, 1 refused or failed (the JSON error has a code, e.g. ALREADY_KNOWN for a version that
is already published), 2 usage error.`;

/**
 * Add `aidoc model` (publish, list, info, infer, rate) to the program. Each command takes the global
 * options plus `--inference`, and lazily imports its runner.
 *
 * @example
 * ```ts
 * addModelCommands(program, ctx);
 * ```
 */
export function addModelCommands(program: Command, ctx: CliContext): void {
  const model = program
    .command('model')
    .description('publish models to the ModelRegistry, list and inspect them, run inference, rate calls')
    .helpCommand(false);
  const leaf = (name: string, description: string, options: readonly OptionSpec[], examples: string) => {
    const command = model.command(name).description(description);
    addOptions(command, [...options, ...modelOptions], ctx.secrets);
    command.addHelpText('after', `\nExamples:\n${examples}\n${modelHelp}`);
    return command;
  };

  leaf(
    'publish',
    'publish a model version: an ONNX file (validated, stored in IPFS) or an AI-API model endpoint',
    [
      { flags: '--name <name>', description: 'model name, e.g. ecg-classifier', required: true },
      { flags: '--version <version>', description: 'version label, e.g. 1.0.0 (immutable)', required: true },
      { flags: '--task <task>', description: 'what it does, e.g. ecg-classification', required: true },
      {
        flags: '--price <AID>',
        description: 'price per call in AID, e.g. 0.1',
        parse: parseAmount,
        defaultDescription: 'free',
      },
      {
        flags: '--metadata <file.json>',
        description: 'JSON object of your own fields (description, dataset, licence…)',
        parse: parseFilePath,
      },
      {
        flags: '--endpoint <url>',
        description: 'register this OIP endpoint instead of a file (AI-API model)',
      },
    ],
    `  $ aidoc model publish models/wdbc-classifier.onnx --name my-wdbc --version 1.0.0 \\
      --task breast-cancer-diagnosis --price 0.1 --account dev:0
  $ aidoc model publish --endpoint https://triton.example.org --name lab-ocr --version 2 --task ocr --account lab`,
  )
    .argument('[file]', 'the ONNX file', parseFilePath)
    .action(async function (this: Command, file: string | undefined) {
      const { runModelPublish } = await import('./modelRunner');
      await runModelPublish(file, commandFlags(this), ctx);
    });

  leaf(
    'list',
    'list the latest version of every listed model',
    [
      { flags: '--task <task>', description: 'only models for this task' },
      { flags: '--search <text>', description: 'only names containing this text' },
      { flags: '--all-versions', description: 'every version, not only the latest' },
    ],
    `  $ aidoc model list
  $ aidoc model list --task ecg-classification --json`,
  ).action(async function (this: Command) {
    const { runModelList } = await import('./modelRunner');
    await runModelList(commandFlags(this), ctx);
  });

  leaf(
    'info',
    'show a model version: task, price, rating, versions, inputs and outputs',
    [],
    `  $ aidoc model info wdbc-classifier            # the latest version
  $ aidoc model info ecg200-classifier@1.0.0 --json`,
  )
    .argument('<model>', 'name or name@version')
    .action(async function (this: Command, ref: string) {
      const { runModelInfo } = await import('./modelRunner');
      await runModelInfo(ref, commandFlags(this), ctx);
    });

  leaf(
    'infer',
    'run inference over the Open Inference Protocol, paying the price from --account when there is one',
    [
      {
        flags: '--input <file>',
        description: 'OIP v2 request JSON ({"inputs":[{name, shape, datatype, data}]}), or - for stdin',
        parse: parseInputSource,
        required: true,
      },
      { flags: '--pay', description: 'pay for the call even when the model is free (so it can be rated)' },
      { flags: '--no-pay', description: 'do not pay, even when the model has a price' },
      {
        flags: '--binary',
        description:
          'send and receive tensors as raw bytes (binary tensor data extension: Triton, the devnet)',
      },
    ],
    `  $ aidoc model infer wdbc-classifier@1.0.0 --input request.json
  $ cat request.json | aidoc model infer ecg200-classifier --input - --account dev:1 --json
  $ aidoc model infer ecg200-classifier@1.0.0 --input batch.json --binary`,
  )
    .argument('<model>', 'name or name@version')
    .action(async function (this: Command, ref: string) {
      const { runModelInfer } = await import('./modelRunner');
      await runModelInfer(ref, commandFlags(this), ctx);
    });

  leaf(
    'rate',
    'rate a call you paid for, once, from 1 (worst) to 5 (best)',
    [{ flags: '--comment <text>', description: 'a comment, stored in IPFS' }],
    `  $ aidoc model rate 3 5 --comment 'Agrees with pathology' --account dev:1`,
  )
    .argument('<callId>', 'the call id printed by model infer', parseId)
    .argument('<score>', '1 to 5', parseScore)
    .action(async function (this: Command, callId: bigint, score: number) {
      const { runModelRate } = await import('./modelRunner');
      await runModelRate(callId, score, commandFlags(this), ctx);
    });
}
