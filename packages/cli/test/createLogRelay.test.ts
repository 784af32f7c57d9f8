import type { DevnetLogEvent } from '@aidoc/devnet';
import { describe, expect, it } from 'vitest';
import { createLogRelay } from '../src/output/createLogRelay';

describe('createLogRelay', () => {
  it('buffers events until a subscriber comes, then forwards them in order', () => {
    const relay = createLogRelay({ minLevel: 'info' });
    relay.push({ level: 'info', msg: 'one' });
    relay.push({ level: 'debug', msg: 'hidden' });
    const seen: string[] = [];
    const unsubscribe = relay.subscribe((event) => seen.push(event.msg));
    relay.push({ level: 'warn', msg: 'two' });
    unsubscribe();
    relay.push({ level: 'error', msg: 'after' });
    expect(seen).toEqual(['one', 'two']);
  });

  it('keeps at most maxBuffered events, dropping the oldest', () => {
    const relay = createLogRelay({ minLevel: 'debug', maxBuffered: 2 });
    for (const msg of ['a', 'b', 'c']) relay.push({ level: 'debug', msg } satisfies DevnetLogEvent);
    const seen: string[] = [];
    relay.subscribe((event) => seen.push(event.msg));
    expect(seen).toEqual(['b', 'c']);
  });
});
