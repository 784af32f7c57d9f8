import { AidocError } from '@aidoc/sdk/errors';
import { describe, expect, it } from 'vitest';
import { ExitCode, exitCodeFor } from '../src/output/exitCodeFor';
import { formatError } from '../src/output/formatError';

const portInUse = new AidocError(
  'PORT_IN_USE',
  'Cannot listen on 127.0.0.1:8545: the port is already in use.',
  {
    details: 'Pick another port with --port.',
    cause: new Error('listen EADDRINUSE'),
    data: { port: 8545 },
  },
);

describe('formatError', () => {
  it('prints an AidocError as Error: <shortMessage> and details, without a stack', () => {
    const text = formatError(portInUse, { json: false, debug: false });
    expect(text).toBe(
      'Error: Cannot listen on 127.0.0.1:8545: the port is already in use.\n\nPick another port with --port.\n',
    );
  });

  it('prints one JSON line {"error":{code,message,details,data}} in JSON mode', () => {
    const text = formatError(portInUse, { json: true, debug: false });
    expect(text.endsWith('\n')).toBe(true);
    expect(text.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(text)).toEqual({
      error: {
        code: 'PORT_IN_USE',
        message: 'Cannot listen on 127.0.0.1:8545: the port is already in use.',
        details: 'Pick another port with --port.',
        data: { port: 8545 },
      },
    });
  });

  it('shows an unexpected error with code INTERNAL and points at DEBUG=aidoc instead of a stack', () => {
    const error = new TypeError('boom');
    expect(formatError(error, { json: false, debug: false })).toBe(
      'Error: boom\nSet DEBUG=aidoc to see the stack trace.\n',
    );
    expect(JSON.parse(formatError(error, { json: true, debug: false }))).toEqual({
      error: { code: 'INTERNAL', message: 'boom' },
    });
  });

  it('adds the stack and cause only in debug mode', () => {
    const text = formatError(portInUse, { json: false, debug: true });
    expect(text).toContain('at ');
    expect(text).toContain('listen EADDRINUSE');
    expect(JSON.parse(formatError(portInUse, { json: true, debug: true })).error.stack).toContain('at ');
  });

  it('redacts secrets in text and JSON', () => {
    const secret = 'word1 word2 word3';
    const error = new AidocError('INVALID_INPUT', `bad mnemonic '${secret}'`);
    for (const json of [false, true]) {
      const text = formatError(error, { json, debug: true, secrets: [secret] });
      expect(text).not.toContain(secret);
      expect(text).toContain('[redacted]');
    }
  });

  it('maps input errors to exit code 2 and other failures to 1', () => {
    expect(exitCodeFor(new AidocError('INVALID_INPUT', 'bad'))).toBe(ExitCode.usage);
    expect(exitCodeFor(portInUse)).toBe(ExitCode.failure);
    expect(exitCodeFor(new Error('x'))).toBe(ExitCode.failure);
  });
});
