import type { Command } from 'commander';
import type { CliContext } from '../../cliContext';
import type { OptionSpec } from '../../options/addOptions';
import { parseId } from '../../options/dataOptionParsers';
import { integerInRange, parseAddress, parseFilePath } from '../../options/optionParsers';
import { createCommandBuilders } from '../createCommandBuilders';
import {
  parseDAppName,
  parseDAppRef,
  parseEncryptionPublicKey,
  parseJsonData,
  parseNotificationId,
  parseStorage,
  parseTopic,
  parseTopics,
} from './messagingOptionParsers';

const messagingHelp = `
Global options (before or after the command): --rpc, --ipfs, --account NAME|dev:N, --keystore-dir,
--password-file, --deployments, --json. On a devnet, --account dev:N is its funded test account N.
A DApp is named by its id or its registered name.
Exit codes: 0 done, 1 refused or failed (the JSON error has a code such as NOT_FOUND for an unknown DApp,
ACCESS_DENIED for a topic the receiver does not accept), 2 usage error.`;

const dataOption: OptionSpec = {
  flags: '--data <json>',
  description: `the payload as JSON, e.g. '{"glucose":7.9}'`,
  parse: parseJsonData,
};
const noEncryptOption: OptionSpec = {
  flags: '--no-encrypt',
  description: 'send in plaintext (the chain and IPFS are public: anyone can read it)',
};

/**
 * Add the messaging command groups to the program: `dapp` (register, show, list), `msg` (send, listen, ack)
 * and `notify` (allow, send, list, read). Each leaf takes the global options and lazily imports its runner.
 *
 * @example
 * ```ts
 * addMessagingCommands(program, ctx);
 * ```
 */
export function addMessagingCommands(program: Command, ctx: CliContext): void {
  const { leaf, group } = createCommandBuilders(program, ctx, messagingHelp);

  // dapp ---------------------------------------------------------------------------------------------
  const dapp = group('dapp', 'register DApps for cross-DApp messaging (DAppRegistry); show and list them');
  leaf(
    dapp,
    'register',
    'register a DApp owned by --account, with its encryption key and the topics it accepts',
    [
      { flags: '--name <name>', description: 'unique DApp name', parse: parseDAppName, required: true },
      {
        flags: '--topics <topics>',
        description: 'accepted topics, separated by commas, e.g. lab-sheet.values,lab-sheet.image',
        parse: parseTopics,
      },
      {
        flags: '--key <publicKey>',
        description: 'encryption public key (hex) other DApps encrypt to',
        parse: parseEncryptionPublicKey,
        defaultDescription: "the account's own encryption key",
      },
    ],
    async (_args, flags) => {
      const { runDAppRegister } = await import('../dapp/dappRunner');
      await runDAppRegister(flags as never, ctx);
    },
    `
Examples:
  $ aidoc dapp register --name lab-ocr --topics lab-sheet.result --account dev:1
  $ aidoc dapp register --name lab-interpreter --topics lab-sheet.values --account dev:2 --json`,
  );
  leaf(
    dapp,
    'show',
    'show a DApp by id or name (no account needed)',
    [
      {
        flags: '--accepts <topics>',
        description: 'also say whether it accepts these topics (comma-separated)',
        parse: parseTopics,
      },
    ],
    async ([ref], flags) => {
      const { runDAppShow } = await import('../dapp/dappRunner');
      await runDAppShow(ref as string, flags, ctx);
    },
  ).argument('<dapp>', 'DApp id or name', parseDAppRef);
  leaf(dapp, 'list', 'list the active DApps --account owns', [], async (_args, flags) => {
    const { runDAppList } = await import('../dapp/dappRunner');
    await runDAppList(flags, ctx);
  });

  // msg ----------------------------------------------------------------------------------------------
  const msg = group('msg', 'send, listen for and acknowledge messages between DApps (Messenger)');
  leaf(
    msg,
    'send',
    "send a message from one of --account's DApps: encrypted to the receiver, inline or in IPFS",
    [
      {
        flags: '--to <dapp>',
        description: 'receiving DApp (id or name)',
        parse: parseDAppRef,
        required: true,
      },
      {
        flags: '--topic <topic>',
        description: 'a topic the receiver accepts',
        parse: parseTopic,
        required: true,
      },
      dataOption,
      { flags: '--file <path>', description: 'or send the bytes of this file', parse: parseFilePath },
      {
        flags: '--from <dapp>',
        description: 'sending DApp (id or name)',
        parse: parseDAppRef,
        defaultDescription: 'the only DApp --account owns',
      },
      {
        flags: '--storage <where>',
        description: 'auto (inline up to 8192 bytes, else IPFS), inline or ipfs',
        parse: parseStorage,
        defaultDescription: 'auto',
      },
      noEncryptOption,
    ],
    async (_args, flags) => {
      const { runMsgSend } = await import('./msgRunner');
      await runMsgSend(flags as never, ctx);
    },
    `
Examples:
  $ aidoc msg send --to lab-interpreter --topic lab-sheet.values --data '{"glucose":7.9}' --account dev:1
  $ aidoc msg send --to 2 --topic lab-sheet.image --file sheet.png --storage ipfs --account dev:1 --json`,
  );
  leaf(
    msg,
    'listen',
    "print each message to one of --account's DApps as it arrives, resuming from a cursor file",
    [
      {
        flags: '--cursor <file>',
        description: 'cursor file (created if missing), saved after each message',
        parse: parseFilePath,
        required: true,
      },
      {
        flags: '--max <count>',
        description: 'stop after this many messages',
        parse: integerInRange(1, 1_000_000_000),
      },
      { flags: '--finalized', description: 'deliver only messages in finalized blocks' },
    ],
    async ([ref], flags) => {
      const { runMsgListen } = await import('./msgRunner');
      await runMsgListen(ref as string, flags as never, ctx);
    },
    `
Runs until Ctrl+C (SIGINT), SIGTERM or --max messages. On a terminal it shows each message and a live status
line; otherwise (or with --json) it prints JSON lines: {"event":"listening",…}, one {"event":"message",…}
per message, then {"event":"stopped",…}. Restarted with the same cursor, it delivers only newer messages.

Examples:
  $ aidoc msg listen lab-interpreter --cursor interpreter.cursor.json --account dev:2
  $ aidoc msg listen 2 --cursor c.json --max 10 --json --account dev:2 | jq -c 'select(.event=="message") | .payload'`,
  ).argument('<dapp>', 'the listening DApp (id or name)', parseDAppRef);
  leaf(
    msg,
    'ack',
    'acknowledge a received message once, optionally with a result for the sender (encrypted, in IPFS)',
    [
      {
        flags: '--from <dapp>',
        description: 'the DApp that sent the message',
        parse: parseDAppRef,
        required: true,
      },
      {
        flags: '--to <dapp>',
        description: "the DApp that received it (--account's)",
        parse: parseDAppRef,
        required: true,
      },
      {
        flags: '--seq <n>',
        description: 'the message sequence number on that channel',
        parse: parseId,
        required: true,
      },
      {
        flags: '--topic <topic>',
        description: 'the message topic (looked up on chain if omitted)',
        parse: parseTopic,
      },
      { ...dataOption, description: `a result for the sender as JSON, e.g. '{"flagged":["glucose"]}'` },
      {
        flags: '--file <path>',
        description: 'or the bytes of this file as the result',
        parse: parseFilePath,
      },
      noEncryptOption,
    ],
    async (_args, flags) => {
      const { runMsgAck } = await import('./msgRunner');
      await runMsgAck(flags as never, ctx);
    },
    `
Examples:
  $ aidoc msg ack --from lab-ocr --to lab-interpreter --seq 1 --data '{"flagged":["glucose"]}' --account dev:2`,
  );

  // notify -------------------------------------------------------------------------------------------
  const notify = group('notify', 'notifications from DApps to users: allow, send, list, read');
  leaf(
    notify,
    'allow',
    'allow a DApp to notify --account (or withdraw that with --revoke)',
    [{ flags: '--revoke', description: 'withdraw the permission' }],
    async ([ref], flags) => {
      const { runNotifyAllow } = await import('../notify/notifyRunner');
      await runNotifyAllow(ref as string, flags, ctx);
    },
  ).argument('<dapp>', 'DApp id or name', parseDAppRef);
  leaf(
    notify,
    'send',
    "notify a user who allowed one of --account's DApps (encrypted to the user's registered key)",
    [
      { flags: '--user <address>', description: 'who to notify', parse: parseAddress, required: true },
      {
        flags: '--topic <topic>',
        description: 'what it is about, e.g. lab-sheet.advice',
        parse: parseTopic,
        required: true,
      },
      { ...dataOption, description: `the body as JSON, e.g. '{"text":"Glucose is high."}'`, required: true },
      {
        flags: '--from <dapp>',
        description: 'notifying DApp (id or name)',
        parse: parseDAppRef,
        defaultDescription: 'the only DApp --account owns',
      },
      noEncryptOption,
    ],
    async (_args, flags) => {
      const { runNotifySend } = await import('../notify/notifyRunner');
      await runNotifySend(flags as never, ctx);
    },
    `
Examples:
  $ aidoc notify send --user 0x90F79bf6EB2c4f870365E785982E1f101E93b906 --topic lab-sheet.advice \\
      --data '{"text":"Glucose is high: please see your doctor."}' --account dev:2`,
  );
  const stateOption: OptionSpec = {
    flags: '--state <file>',
    description: 'file that keeps which notifications were read',
    parse: parseFilePath,
    defaultDescription: '~/.aidoc/notifications/<address>.read.json',
  };
  leaf(
    notify,
    'list',
    'list notifications to --account (or --user), oldest first',
    [
      { flags: '--unread', description: 'only unread ones' },
      { flags: '--user <address>', description: 'another user (no --account needed)', parse: parseAddress },
      { flags: '--dapp <dapp>', description: 'only from this DApp', parse: parseDAppRef },
      stateOption,
    ],
    async (_args, flags) => {
      const { runNotifyList } = await import('../notify/notifyRunner');
      await runNotifyList(flags as never, ctx);
    },
  );
  leaf(
    notify,
    'read',
    'decrypt and show a notification to --account, and mark it read',
    [stateOption, { flags: '--no-mark', description: 'do not mark it read' }],
    async ([id], flags) => {
      const { runNotifyRead } = await import('../notify/notifyRunner');
      await runNotifyRead(id as string, flags, ctx);
    },
  ).argument('<id>', 'notification id from `aidoc notify list`', parseNotificationId);
}
