import { stripVTControlCharacters } from 'node:util';
import type { ReceivedMessage } from '@aidoc/sdk';
import { AidocError } from '@aidoc/sdk/errors';
import { InvalidArgumentError } from 'commander';
import { render } from 'ink-testing-library';
import { createElement } from 'react';
import { describe, expect, it } from 'vitest';
import {
  parseDAppName,
  parseDAppRef,
  parseEncryptionPublicKey,
  parseJsonData,
  parseNotificationId,
  parseStorage,
  parseTopics,
} from '../src/commands/msg/messagingOptionParsers';
import type { MsgListenStart } from '../src/commands/msg/msgListen';
import { jsonLine } from '../src/output/jsonLine';
import { formatListenStart, formatPayloadPreview, formatReceivedMessage } from '../src/views/formatMessaging';
import { MessageListenView } from '../src/views/MessageListenView';
import { messageRecord, notificationRecord } from '../src/views/messagingRecords';

function message(
  sequence: bigint,
  payload: ReceivedMessage['payload'],
  extra: Partial<ReceivedMessage> = {},
) {
  return {
    id: `1-2-${sequence}`,
    fromDapp: 1n,
    toDapp: 2n,
    sequence,
    topic: `0x${'ab'.repeat(32)}`,
    topicName: 'lab-sheet.values',
    payload,
    error: undefined,
    encrypted: true,
    payloadCid: undefined,
    inline: true,
    blockNumber: 10n + sequence,
    logIndex: 0,
    txHash: `0x${'cd'.repeat(32)}`,
    ...extra,
  } satisfies ReceivedMessage;
}

const start: MsgListenStart = {
  dappId: 2n,
  name: 'lab-interpreter',
  cursor: '/tmp/c.json',
  finality: 'latest',
  channels: {},
  max: 3,
};

function source<T>() {
  const listeners = new Set<(value: T) => void>();
  return {
    subscribe: (listener: (value: T) => void) => {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    emit: (value: T) => {
      for (const listener of listeners) listener(value);
    },
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

/** Wait until some frame satisfies `match` (ink renders state changes asynchronously); a bound, not a speed check. */
async function frameMatching(frames: () => string[], match: (frame: string) => boolean): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const found = frames()
      .map((f) => stripVTControlCharacters(f))
      .findLast(match);
    if (found !== undefined) return found;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`no frame matched; last frame:\n${frames().at(-1)}`);
}

describe('MessageListenView', () => {
  it('prints each message once above a status line that counts them', async () => {
    const messages = source<ReceivedMessage>();
    const warnings = source<AidocError>();
    const view = render(
      createElement(MessageListenView, {
        start,
        onMessage: messages.subscribe,
        onWarning: warnings.subscribe,
        status: 'listening',
      }),
    );
    await tick();
    expect(stripVTControlCharacters(view.lastFrame() ?? '')).toContain(
      'Listening · DApp 2 (lab-interpreter) · 0 of 3 received',
    );
    messages.emit(message(1n, { glucose: 7.9 }));
    messages.emit(message(2n, 'hello'));
    await tick();
    const all = stripVTControlCharacters(view.frames.join('\n'));
    expect(all).toContain('#1 from DApp 1  lab-sheet.values  block 11  encrypted, inline');
    expect(all).toContain('{"glucose":7.9}');
    expect(all).toContain('"hello"');
    expect(all.split('#1 from DApp 1  lab-sheet').length - 1).toBe(1);
    await frameMatching(
      () => view.frames,
      (f) => f.includes('2 of 3 received · last #2 from DApp 1'),
    );
    warnings.emit(new AidocError('NETWORK', 'WebSocket closed; reconnecting.'));
    await tick();
    await frameMatching(
      () => view.frames,
      (f) => f.includes('! WebSocket closed; reconnecting.'),
    );
    view.rerender(
      createElement(MessageListenView, {
        start,
        onMessage: messages.subscribe,
        onWarning: warnings.subscribe,
        status: 'stopping',
      }),
    );
    await tick();
    await frameMatching(
      () => view.frames,
      (f) => f.includes('Stopping · DApp 2'),
    );
    view.unmount();
  });
});

describe('messaging text and JSON records', () => {
  it('renders bytes as base64 in JSON and by size in text; an unreadable payload shows its error', () => {
    const bytes = new Uint8Array([0, 1, 2, 250]);
    const record = JSON.parse(jsonLine(messageRecord(message(3n, bytes))));
    expect(record).toMatchObject({
      event: 'message',
      sequence: '3',
      fromDapp: '1',
      payloadBase64: 'AAEC+g==',
    });
    expect(record.payload).toBeUndefined();
    expect(formatPayloadPreview(bytes)).toBe('4 bytes');
    expect(formatPayloadPreview('x'.repeat(300), 20)).toHaveLength(20);

    const broken = message(4n, undefined, { error: new AidocError('DECRYPTION_FAILED', 'Wrong key.') });
    expect(JSON.parse(jsonLine(messageRecord(broken))).error).toMatchObject({
      code: 'DECRYPTION_FAILED',
      message: 'Wrong key.',
    });
    expect(formatReceivedMessage(broken)).toContain('unreadable: DECRYPTION_FAILED Wrong key.');

    const note = notificationRecord({
      id: `0x${'ab'.repeat(32)}-0`,
      user: '0x90F79bf6EB2c4f870365E785982E1f101E93b906',
      dappId: 2n,
      topic: `0x${'ab'.repeat(32)}`,
      payloadCid: 'bafy',
      blockNumber: 5n,
      logIndex: 0,
      txHash: `0x${'ab'.repeat(32)}`,
      read: true,
      dappName: 'lab-interpreter',
      topicName: 'lab-sheet.advice',
      body: new Uint8Array([104, 105]),
      error: undefined,
    });
    expect(note).toMatchObject({ bodyBase64: 'aGk=' });
    expect(note.body).toBeUndefined();
  });

  it('says where a listener resumes', () => {
    expect(formatListenStart(start)).toContain('from the start, stopping after 3.');
    expect(
      formatListenStart({ ...start, channels: { '1': '4', '5': '2' }, finality: 'finalized' }),
    ).toContain('resuming after #4 from DApp 1, #2 from DApp 5, stopping after 3, finalized blocks only');
  });
});

describe('messaging option parsers', () => {
  it('accept what the commands document and reject the rest as usage errors', () => {
    expect(parseJsonData('{"glucose":7.9}')).toEqual({ glucose: 7.9 });
    expect(parseJsonData('"text"')).toBe('text');
    expect(() => parseJsonData('{glucose:7.9}')).toThrow(InvalidArgumentError);
    expect(parseTopics(' a.b , c ,a.b')).toEqual(['a.b', 'c']);
    expect(() => parseTopics('a,,b')).toThrow(InvalidArgumentError);
    expect(parseDAppRef(' lab-ocr ')).toBe('lab-ocr');
    expect(parseDAppRef('12')).toBe('12');
    expect(() => parseDAppRef('0')).toThrow(InvalidArgumentError);
    expect(() => parseDAppName('42')).toThrow(InvalidArgumentError);
    expect(parseStorage('IPFS')).toBe('ipfs');
    expect(() => parseStorage('s3')).toThrow(InvalidArgumentError);
    expect(parseEncryptionPublicKey(`0x03${'ab'.repeat(32)}`)).toBe(`0x03${'ab'.repeat(32)}`);
    expect(() => parseEncryptionPublicKey(`0x05${'ab'.repeat(32)}`)).toThrow(InvalidArgumentError);
    expect(parseNotificationId(`0x${'Ab'.repeat(32)}-12`)).toBe(`0x${'Ab'.repeat(32)}-12`);
    expect(() => parseNotificationId(`0x${'ab'.repeat(31)}-1`)).toThrow(InvalidArgumentError);
  });
});
