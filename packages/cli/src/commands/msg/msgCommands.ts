import { readFile } from 'node:fs/promises';
import type { JsonValue, MessagePayload, SentMessage } from '@aidoc/sdk';
import { AidocError } from '@aidoc/sdk/errors';
import { requireAccount } from '../../account/resolveAccount';
import type { CliContext } from '../../cliContext';
import type { GlobalFlags } from '../../options/globalOptions';
import { connectAidoc } from '../connectAidoc';

/** Options of `aidoc msg send`. */
export interface MsgSendFlags extends GlobalFlags {
  to: string;
  topic: string;
  /** The payload as JSON. */
  data?: JsonValue;
  /** Or a file whose bytes are the payload. */
  file?: string;
  /** Which of the account's DApps sends (default: its only one). */
  from?: string;
  storage?: 'auto' | 'inline' | 'ipfs';
  /** `--no-encrypt` sets false. */
  encrypt?: boolean;
}

/** What `aidoc msg send` sent. */
export interface MsgSendResult extends SentMessage {
  /** The file the payload came from. */
  file?: string;
}

/**
 * Read the payload of a command: the JSON of `--data` or the bytes of `--file`; exactly one must be given.
 *
 * @example
 * ```ts
 * const payload = await readPayloadOption({ data: { glucose: 7.9 } }, 'msg send');
 * ```
 */
export async function readPayloadOption(
  flags: { data?: JsonValue | undefined; file?: string | undefined },
  command: string,
): Promise<MessagePayload> {
  if ((flags.data === undefined) === (flags.file === undefined)) {
    throw new AidocError('INVALID_INPUT', `${command} needs exactly one of --data JSON or --file PATH.`, {
      details: `Run 'aidoc ${command} --help' for usage.`,
    });
  }
  if (flags.data !== undefined) return flags.data;
  try {
    return new Uint8Array(await readFile(flags.file as string));
  } catch (cause) {
    throw new AidocError('INVALID_INPUT', `Cannot read ${flags.file}.`, { cause });
  }
}

/**
 * Send a message from one of `--account`'s DApps to another DApp: the JSON of `--data` or the bytes of
 * `--file`, encrypted to the receiver's key unless `--no-encrypt`, inline or in IPFS per `--storage`.
 *
 * @example
 * ```ts
 * const sent = await msgSend({ to: 'lab-interpreter', topic: 'lab-sheet.values', data: { glucose: 7.9 }, account: 'dev:1' }, ctx);
 * ```
 */
export async function msgSend(flags: MsgSendFlags, ctx: CliContext): Promise<MsgSendResult> {
  const payload = await readPayloadOption(flags, 'msg send');
  const account = await requireAccount(flags, ctx, 'Sending a message');
  const aidoc = await connectAidoc(flags, ctx, account);
  const sent = await aidoc.messaging.send(flags.to, flags.topic, payload, {
    ...(flags.from !== undefined ? { from: flags.from } : {}),
    ...(flags.storage !== undefined ? { storage: flags.storage } : {}),
    ...(flags.encrypt === false ? { encrypt: false } : {}),
  });
  return { ...sent, ...(flags.file !== undefined ? { file: flags.file } : {}) };
}

/** Options of `aidoc msg ack`. */
export interface MsgAckFlags extends GlobalFlags {
  /** The DApp that sent the message. */
  from: string;
  /** The DApp that received it (one of the account's). */
  to: string;
  seq: bigint;
  /** The message's topic (looked up on chain when absent). */
  topic?: string;
  /** A result for the sender, as JSON. */
  data?: JsonValue;
  /** Or a file whose bytes are the result. */
  file?: string;
  /** `--no-encrypt` sets false. */
  encrypt?: boolean;
}

/** What `aidoc msg ack` recorded. */
export interface MsgAckResult {
  fromDapp: bigint;
  toDapp: bigint;
  sequence: bigint;
  txHash: `0x${string}`;
  /** CID of the result in IPFS ('' without a result). */
  resultCid: string;
}

/**
 * Acknowledge a received message once, as the owner of the receiving DApp, optionally with a result
 * (encrypted to the sender DApp's key and stored in IPFS). A second ack is refused with `ALREADY_KNOWN`.
 *
 * @example
 * ```ts
 * await msgAck({ from: 'lab-ocr', to: 'lab-interpreter', seq: 1n, data: { flagged: [] }, account: 'dev:2' }, ctx);
 * ```
 */
export async function msgAck(flags: MsgAckFlags, ctx: CliContext): Promise<MsgAckResult> {
  if (flags.data !== undefined && flags.file !== undefined) {
    throw new AidocError('INVALID_INPUT', 'msg ack takes --data JSON or --file PATH, not both.');
  }
  const result =
    flags.data !== undefined || flags.file !== undefined
      ? await readPayloadOption(flags, 'msg ack')
      : undefined;
  const account = await requireAccount(flags, ctx, 'Acknowledging a message');
  const aidoc = await connectAidoc(flags, ctx, account);
  const [from, to] = await Promise.all([aidoc.messaging.get(flags.from), aidoc.messaging.get(flags.to)]);
  let acked: { txHash: `0x${string}`; resultCid: string };
  try {
    acked = await aidoc.messaging.ack(
      {
        fromDapp: from.dappId,
        toDapp: to.dappId,
        sequence: flags.seq,
        ...(flags.topic !== undefined ? { topic: flags.topic } : {}),
      },
      result,
      flags.encrypt === false ? { encrypt: false } : {},
    );
  } catch (error) {
    // A second ack: the SDK's refusal, restated with the DApp ids the command line resolved.
    if (AidocError.is(error, 'ALREADY_KNOWN') && error.data?.contractError === 'AlreadyAcked') {
      throw new AidocError(
        'ALREADY_KNOWN',
        `Message #${flags.seq} from DApp ${from.dappId} to DApp ${to.dappId} was already acknowledged.`,
        { cause: error, data: error.data },
      );
    }
    throw error;
  }
  return { fromDapp: from.dappId, toDapp: to.dappId, sequence: flags.seq, ...acked };
}
