import { type Account, keccak256, parseEventLogs, stringToBytes } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dAppRegistryAbi, messengerAbi } from '../src';
import { revertName, type SystemChain, send, startSystemChain } from './systemChain';

const topic = (name: string) => keccak256(stringToBytes(name));
const ocrTopic = topic('lab-sheet.ocr');
const key = '0x0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798';

describe('DAppRegistry and Messenger', () => {
  let chain: SystemChain;
  let ocrOwner: Account;
  let interpOwner: Account;
  let patient: Account;
  let stranger: Account;
  let dapps: { address: `0x${string}`; abi: typeof dAppRegistryAbi };
  let messenger: { address: `0x${string}`; abi: typeof messengerAbi };
  let ocr: bigint;
  let interp: bigint;

  beforeAll(async () => {
    chain = await startSystemChain();
    [, ocrOwner, interpOwner, patient, stranger] = chain.accounts as [
      Account,
      Account,
      Account,
      Account,
      Account,
    ];
    dapps = { address: chain.contracts.DAppRegistry, abi: dAppRegistryAbi };
    messenger = { address: chain.contracts.Messenger, abi: messengerAbi };
  });
  afterAll(async () => {
    await chain?.stop();
  });

  it('registers DApps with unique names, keys and accepted topics', async () => {
    await send(chain, ocrOwner, { ...dapps, functionName: 'register', args: ['lab-ocr', key, []] });
    await send(chain, interpOwner, {
      ...dapps,
      functionName: 'register',
      args: ['lab-interpret', key, [ocrTopic]],
    });
    ocr = await chain.publicClient.readContract({ ...dapps, functionName: 'dappIdOf', args: ['lab-ocr'] });
    interp = await chain.publicClient.readContract({
      ...dapps,
      functionName: 'dappIdOf',
      args: ['lab-interpret'],
    });
    expect([ocr, interp]).toEqual([1n, 2n]);
    expect(
      await chain.publicClient.readContract({
        ...dapps,
        functionName: 'acceptsTopic',
        args: [interp, ocrTopic],
      }),
    ).toBe(true);
    expect(
      await revertName(
        send(chain, stranger, { ...dapps, functionName: 'register', args: ['lab-ocr', key, []] }),
      ),
    ).toBe('NameTaken');
    expect(
      await revertName(
        send(chain, stranger, { ...dapps, functionName: 'setTopic', args: [ocr, ocrTopic, true] }),
      ),
    ).toBe('NotDAppOwner');
  });

  it('numbers messages per channel and refuses senders that do not own the DApp or topics not accepted', async () => {
    const sequences: bigint[] = [];
    for (const cid of ['bafy-1', 'bafy-2']) {
      const receipt = await send(chain, ocrOwner, {
        ...messenger,
        functionName: 'send',
        args: [ocr, interp, ocrTopic, cid, '0x'],
      });
      const [event] = parseEventLogs({ abi: messengerAbi, logs: receipt.logs, eventName: 'MessageSent' });
      expect(event?.args.payloadCid).toBe(cid);
      sequences.push(BigInt(event?.args.sequence ?? 0));
    }
    expect(sequences).toEqual([1n, 2n]);
    // The reverse channel has its own numbering.
    await send(chain, ocrOwner, { ...dapps, functionName: 'setTopic', args: [ocr, ocrTopic, true] });
    await send(chain, interpOwner, {
      ...messenger,
      functionName: 'send',
      args: [interp, ocr, ocrTopic, '', '0x01'],
    });
    expect(
      await chain.publicClient.readContract({
        ...messenger,
        functionName: 'channelSequence',
        args: [interp, ocr],
      }),
    ).toBe(1n);
    expect(
      await revertName(
        send(chain, stranger, {
          ...messenger,
          functionName: 'send',
          args: [ocr, interp, ocrTopic, 'x', '0x'],
        }),
      ),
    ).toBe('NotDAppOwner');
    expect(
      await revertName(
        send(chain, ocrOwner, {
          ...messenger,
          functionName: 'send',
          args: [ocr, interp, topic('other'), 'x', '0x'],
        }),
      ),
    ).toBe('TopicNotAccepted');
    expect(
      await revertName(
        send(chain, ocrOwner, {
          ...messenger,
          functionName: 'send',
          args: [ocr, interp, ocrTopic, '', '0x'],
        }),
      ),
    ).toBe('InvalidPayload');
    // An inactive receiver gets nothing.
    await send(chain, interpOwner, { ...dapps, functionName: 'setActive', args: [interp, false] });
    expect(
      await revertName(
        send(chain, ocrOwner, {
          ...messenger,
          functionName: 'send',
          args: [ocr, interp, ocrTopic, 'x', '0x'],
        }),
      ),
    ).toBe('DAppInactive');
    await send(chain, interpOwner, { ...dapps, functionName: 'setActive', args: [interp, true] });
  });

  it('acknowledges a message once, by the receiver only, and only messages that exist', async () => {
    expect(
      await revertName(
        send(chain, ocrOwner, { ...messenger, functionName: 'ack', args: [ocr, interp, 1n, 'r'] }),
      ),
    ).toBe('NotDAppOwner');
    await send(chain, interpOwner, {
      ...messenger,
      functionName: 'ack',
      args: [ocr, interp, 1n, 'bafy-result'],
    });
    expect(
      await chain.publicClient.readContract({
        ...messenger,
        functionName: 'isAcked',
        args: [ocr, interp, 1n],
      }),
    ).toBe(true);
    expect(
      await revertName(
        send(chain, interpOwner, { ...messenger, functionName: 'ack', args: [ocr, interp, 1n, 'r'] }),
      ),
    ).toBe('AlreadyAcked');
    expect(
      await revertName(
        send(chain, interpOwner, { ...messenger, functionName: 'ack', args: [ocr, interp, 9n, 'r'] }),
      ),
    ).toBe('UnknownMessage');
  });

  it('notifies a user only after the user allowed the DApp', async () => {
    const notify = () =>
      send(chain, interpOwner, {
        ...messenger,
        functionName: 'notify',
        args: [interp, patient.address, topic('result-ready'), 'bafy-note'],
      });
    expect(await revertName(notify())).toBe('NotificationsNotAllowed');
    await send(chain, patient, { ...messenger, functionName: 'allowNotifications', args: [interp, true] });
    const receipt = await notify();
    const [event] = parseEventLogs({ abi: messengerAbi, logs: receipt.logs, eventName: 'Notified' });
    expect(event?.args.user).toBe(patient.address);
    await send(chain, patient, { ...messenger, functionName: 'allowNotifications', args: [interp, false] });
    expect(await revertName(notify())).toBe('NotificationsNotAllowed');
  });
});
