import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import {
  parseAccountRef,
  parseAddressRef,
  parseAmount,
  parseDate,
  parseDuration,
  parseId,
  parseKeystoreName,
  parseScryptN,
} from '../src/options/dataOptionParsers';
import { toJsonValue } from '../src/output/toJsonValue';
import { formatFields, formatTable } from '../src/views/formatFields';

describe('data command option parsers', () => {
  it('parses ids, durations, amounts and dates, rejecting the rest as usage errors', () => {
    expect(parseId('12')).toBe(12n);
    for (const bad of ['0', '-1', '1.5', 'abc', ''])
      expect(() => parseId(bad), bad).toThrow(InvalidArgumentError);
    expect(parseDuration('3600')).toBe(3600);
    expect(parseDuration('90m')).toBe(5400);
    expect(parseDuration('12h')).toBe(43_200);
    expect(parseDuration('30d')).toBe(2_592_000);
    expect(parseDuration('2w')).toBe(1_209_600);
    for (const bad of ['0', 'soon', '1y', '-5m', '101000d']) {
      expect(() => parseDuration(bad), bad).toThrow(InvalidArgumentError);
    }
    expect(parseAmount('0.25')).toBe('0.25');
    expect(parseAmount('1.000000000000000001')).toBe('1.000000000000000001');
    for (const bad of ['1.5.2', '-1', '1e3', '0.0000000000000000001', '']) {
      expect(() => parseAmount(bad), bad).toThrow(InvalidArgumentError);
    }
    expect(parseDate('2024-05-01').toISOString()).toBe('2024-05-01T00:00:00.000Z');
    expect(() => parseDate('yesterday')).toThrow(InvalidArgumentError);
    expect(() => parseDate('2024-13-45')).toThrow(InvalidArgumentError);
  });

  it('parses accounts, address references, keystore names and scrypt costs', () => {
    expect(parseAccountRef('dev:1')).toBe('dev:1');
    expect(parseAccountRef('patient')).toBe('patient');
    expect(parseAccountRef('0x70997970C51812dc3A010C7d01b50e0d17dc79C8')).toBe(
      '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
    );
    for (const bad of ['dev:', 'dev:x', 'dev:1000', '../etc/passwd', '-x', '0x7099797']) {
      expect(() => parseAccountRef(bad), bad).toThrow(InvalidArgumentError);
    }
    expect(parseAddressRef('dev:3')).toBe('dev:3');
    expect(() => parseAddressRef('0x1234')).toThrow(/address/);
    expect(parseKeystoreName('lab-2')).toBe('lab-2');
    expect(() => parseKeystoreName('a/b')).toThrow(InvalidArgumentError);
    expect(() => parseKeystoreName('0xabc')).toThrow(InvalidArgumentError);
    expect(parseScryptN('4096')).toBe(4096);
    for (const bad of ['4095', '512', '2097152'])
      expect(() => parseScryptN(bad), bad).toThrow(InvalidArgumentError);
  });
});

describe('JSON and text rendering of results', () => {
  it('serialises bigints, dates and byte arrays', () => {
    expect(
      toJsonValue({
        id: 1n,
        at: new Date(0),
        key: new Uint8Array([0, 255]),
        nested: [{ n: 2n }],
        gone: undefined,
      }),
    ).toEqual({ id: '1', at: '1970-01-01T00:00:00.000Z', key: '0x00ff', nested: [{ n: '2' }] });
  });

  it('aligns fields and table columns', () => {
    expect(
      formatFields('Title', [
        ['a', '1'],
        ['long', '2'],
        ['skip', undefined],
      ]),
    ).toBe('Title\n  a     1\n  long  2\n');
    expect(
      formatTable(
        ['id', 'name'],
        [
          ['10', 'x'],
          ['2', 'yy'],
        ],
      ),
    ).toBe('id  name\n10  x\n2   yy\n');
  });
});
