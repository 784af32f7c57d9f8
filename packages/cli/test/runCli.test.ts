import { describe, expect, it } from 'vitest';
import { runCli } from '../src/program';
import { collectIo } from './collectOutput';

const argv = (...args: string[]) => ['node', 'aidoc', ...args];

describe('runCli', () => {
  it('prints the package version with --version and exits 0', async () => {
    const io = collectIo({ tty: true });
    expect(await runCli(argv('--version'), io)).toBe(0);
    expect(io.stdout.text().trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('documents every devnet up option in --help', async () => {
    const io = collectIo({ tty: true });
    expect(await runCli(argv('devnet', 'up', '--help'), io)).toBe(0);
    const help = io.stdout.text();
    for (const flag of [
      '--host',
      '--port',
      '--chain-id',
      '--accounts',
      '--mnemonic',
      '--block-time',
      '--validators',
      '--round-timeout',
      '--json',
    ]) {
      expect(help).toContain(flag);
    }
    expect(help).toContain('PUBLIC TEST KEYS');
  });

  it('defaults to 4 validators and a 1000 ms round timeout, and rejects out-of-range values', async () => {
    const help = collectIo({ tty: true });
    await runCli(argv('devnet', 'up', '--help'), help);
    expect(help.stdout.text()).toMatch(/--validators <count>[\s\S]*\(default: 4\)/);
    expect(help.stdout.text()).toMatch(/--round-timeout <ms>[\s\S]*\(default: 1000\)/);
    for (const bad of [
      ['--validators', '0'],
      ['--validators', '65'],
      ['--round-timeout', '5'],
      ['--round-timeout', 'fast'],
    ]) {
      const io = collectIo({ tty: false });
      expect(await runCli(argv('devnet', 'up', ...bad), io), bad.join(' ')).toBe(2);
      expect(JSON.parse(io.stdout.text()).error.code).toBe('INVALID_INPUT');
    }
  });

  it('documents devnet fault, devnet status and deploy', async () => {
    for (const [command, flags] of [
      [
        ['devnet', 'fault'],
        ['--rpc', '--validator', 'crash', 'equivocate', 'delay'],
      ],
      [
        ['devnet', 'status'],
        ['--rpc', '--json'],
      ],
      [['deploy'], ['--rpc', '--account', '--private-key', '--governance', '--out', 'AIDOC_PRIVATE_KEY']],
    ] as const) {
      const io = collectIo({ tty: true });
      expect(await runCli(argv(...command, '--help'), io)).toBe(0);
      for (const flag of flags) expect(io.stdout.text(), `${command.join(' ')} ${flag}`).toContain(flag);
    }
  });

  it('exits 2 with a clear message for a bad --block-time on a terminal', async () => {
    const io = collectIo({ tty: true });
    expect(await runCli(argv('devnet', 'up', '--block-time', 'abc'), io)).toBe(2);
    expect(io.stdout.text()).toBe('');
    expect(io.stderr.text()).toMatch(
      /^Error: option '-b, --block-time <seconds>' argument 'abc' is invalid\./,
    );
    expect(io.stderr.text()).toContain("Run 'aidoc devnet up --help' for usage.");
    expect(io.stderr.text()).not.toContain('    at ');
  });

  it('exits 2 with one JSON error document for a bad number in --json mode', async () => {
    const io = collectIo({ tty: true });
    expect(await runCli(argv('devnet', 'up', '--port', '70000', '--json'), io)).toBe(2);
    const lines = io.stdout.text().trim().split('\n');
    expect(lines).toHaveLength(1);
    const { error } = JSON.parse(lines[0]!);
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toContain("'70000' is invalid");
    expect(io.stderr.text()).toBe('');
  });

  it('prints JSON errors when stdout is not a terminal, even without --json', async () => {
    const io = collectIo({ tty: false });
    expect(await runCli(argv('devnet', 'up', '--accounts', 'many'), io)).toBe(2);
    expect(JSON.parse(io.stdout.text()).error.code).toBe('INVALID_INPUT');
  });

  it('rejects unknown options and commands with exit code 2', async () => {
    const unknownOption = collectIo({ tty: true });
    expect(await runCli(argv('devnet', 'up', '--prot', '1'), unknownOption)).toBe(2);
    expect(unknownOption.stderr.text()).toContain("unknown option '--prot'");
    const unknownCommand = collectIo({ tty: true });
    expect(await runCli(argv('devnet', 'down'), unknownCommand)).toBe(2);
    expect(unknownCommand.stderr.text()).toContain("unknown command 'down'");
  });

  it('never echoes a rejected mnemonic', async () => {
    const mnemonic = 'correct horse battery staple';
    const io = collectIo({ tty: true, env: { DEBUG: 'aidoc' } });
    expect(await runCli(argv('devnet', 'up', '--mnemonic', mnemonic), io)).toBe(2);
    expect(io.stderr.text()).toContain('BIP-39');
    expect(io.stderr.text()).not.toContain(mnemonic);
  });
});
