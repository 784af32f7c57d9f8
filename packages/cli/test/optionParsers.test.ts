import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import {
  integerInRange,
  parseHost,
  parseMnemonic,
  parsePort,
  parseSeconds,
} from '../src/options/optionParsers';

describe('option parsers', () => {
  it('parses ports 0–65535 and rejects the rest', () => {
    expect(parsePort('0')).toBe(0);
    expect(parsePort('8545')).toBe(8545);
    expect(parsePort('65535')).toBe(65535);
    for (const bad of ['65536', '-1', 'abc', '', '85.45', '0x10', '1e3']) {
      expect(() => parsePort(bad), bad).toThrow(InvalidArgumentError);
    }
  });

  it('parses whole numbers in a range', () => {
    const accounts = integerInRange(1, 1000);
    expect(accounts('10')).toBe(10);
    expect(() => accounts('0')).toThrow(/from 1 to 1000/);
    expect(() => accounts('1001')).toThrow(InvalidArgumentError);
    expect(() => accounts('2.5')).toThrow(InvalidArgumentError);
    expect(() => integerInRange(1, Number.MAX_SAFE_INTEGER)('9007199254740993')).toThrow(
      InvalidArgumentError,
    );
  });

  it('parses seconds with decimals and rejects non-numbers', () => {
    expect(parseSeconds('2')).toBe(2);
    expect(parseSeconds('0.5')).toBe(0.5);
    expect(parseSeconds('0')).toBe(0);
    for (const bad of ['abc', '-1', '', 'NaN', 'Infinity', '2s', '86401']) {
      expect(() => parseSeconds(bad), bad).toThrow(/number of seconds/);
    }
  });

  it('accepts host names and addresses, not URLs', () => {
    expect(parseHost('0.0.0.0')).toBe('0.0.0.0');
    expect(parseHost(' localhost ')).toBe('localhost');
    expect(parseHost('::1')).toBe('::1');
    expect(() => parseHost('http://127.0.0.1')).toThrow(InvalidArgumentError);
    expect(() => parseHost('')).toThrow(InvalidArgumentError);
  });

  it('accepts a valid BIP-39 mnemonic, normalised, and rejects a bad checksum', () => {
    expect(parseMnemonic('  Test test test test test test test test test test test   junk ')).toBe(
      'test test test test test test test test test test test junk',
    );
    expect(() => parseMnemonic('test test test test test test test test test test test test')).toThrow(
      /BIP-39/,
    );
    expect(() => parseMnemonic('hello world')).toThrow(InvalidArgumentError);
  });
});
