import { stripVTControlCharacters } from 'node:util';
import { Command } from 'commander';
import { render } from 'ink-testing-library';
import { createElement } from 'react';
import { describe, expect, it } from 'vitest';
import type { DevnetInfo } from '../src/commands/devnet/up';
import { devnetUpOptions, toDevnetOptions } from '../src/commands/devnet/upOptions';
import { addOptions } from '../src/options/addOptions';
import { runCli } from '../src/program';
import { DevnetView } from '../src/views/DevnetView';
import { devnetReadyRecord } from '../src/views/devnetRecords';
import { collectIo } from './collectOutput';

const info: DevnetInfo = {
  rpc: 'http://127.0.0.1:8545',
  ws: 'ws://127.0.0.1:8545',
  ipfs: 'http://127.0.0.1:5001',
  inference: 'http://127.0.0.1:9000',
  chainId: 31337,
  accounts: [],
  contracts: {},
};

function parseUp(args: string[]) {
  const command = addOptions(
    new Command('up').exitOverride().configureOutput({ writeErr: () => {} }),
    devnetUpOptions,
    new Set(),
  );
  command.parse(args, { from: 'user' });
  return toDevnetOptions(command.opts());
}

describe('devnet up: inference options', () => {
  it('passes --inference-port and --with-models to startDevnet as inferencePort and withModels', () => {
    expect(parseUp(['--inference-port', '0', '--with-models'])).toMatchObject({
      inferencePort: 0,
      withModels: true,
    });
    const defaults = parseUp([]);
    expect(defaults.inferencePort).toBeUndefined(); // startDevnet: 9000, or free with --port 0
    expect(defaults.withModels).toBeUndefined();
    expect(() => parseUp(['--inference-port', '70000'])).toThrow();
  });

  it('documents both flags in --help and rejects a bad port with exit code 2', async () => {
    const help = collectIo({ tty: true });
    expect(await runCli(['node', 'aidoc', 'devnet', 'up', '--help'], help)).toBe(0);
    expect(help.stdout.text().replace(/\s+/g, ' ')).toMatch(
      /--inference-port <port> .*9000, or a free port with --port 0/,
    );
    expect(help.stdout.text()).toContain('--with-models');
    const bad = collectIo({ tty: false });
    expect(await runCli(['node', 'aidoc', 'devnet', 'up', '--inference-port', 'x'], bad)).toBe(2);
    expect(JSON.parse(bad.stdout.text()).error.code).toBe('INVALID_INPUT');
  });

  it('puts "inference" in the ready line after "ipfs", and the endpoint in the terminal view', () => {
    expect(Object.keys(devnetReadyRecord(info))).toEqual([
      'rpc',
      'ws',
      'ipfs',
      'inference',
      'chainId',
      'accounts',
      'contracts',
    ]);
    expect(devnetReadyRecord(info).inference).toBe('http://127.0.0.1:9000');
    const view = render(
      createElement(DevnetView, { info, onBlock: () => () => {}, onLog: () => () => {}, status: 'running' }),
    );
    try {
      expect(stripVTControlCharacters(view.lastFrame() ?? '')).toMatch(
        /Inference \(OIP v2\)\s+http:\/\/127\.0\.0\.1:9000/,
      );
    } finally {
      view.unmount();
    }
  });
});

describe('aidoc model --help', () => {
  it('documents every model command and its flags', async () => {
    const cases: [string, string[]][] = [
      [
        'publish',
        ['--name', '--version', '--task', '--price', '--metadata', '--endpoint', '--account', '--json'],
      ],
      ['list', ['--task', '--search', '--all-versions', '--rpc', '--json']],
      ['info', ['<model>', '--ipfs', '--json']],
      ['infer', ['--input', '--pay', '--no-pay', '--inference', 'http://127.0.0.1:9000', '--json']],
      ['rate', ['<callId>', '<score>', '--comment', '--account', '--json']],
    ];
    for (const [name, flags] of cases) {
      const io = collectIo({ tty: true });
      expect(await runCli(['node', 'aidoc', 'model', name, '--help'], io), name).toBe(0);
      for (const flag of flags) expect(io.stdout.text(), `${name} ${flag}`).toContain(flag);
    }
  });

  it('refuses usage errors with exit code 2 before connecting anywhere', async () => {
    for (const args of [
      ['model', 'rate', '0', '5'],
      ['model', 'rate', '1', '9'],
      ['model', 'publish', 'x.onnx', '--name', 'a', '--version', '1'],
      ['model', 'infer', 'wdbc-classifier', '--input', 'r.json', '--inference', 'ftp://x'],
    ]) {
      const io = collectIo({ tty: false, env: { AIDOC_RPC: 'http://127.0.0.1:9' } });
      expect(await runCli(['node', 'aidoc', ...args], io), args.join(' ')).toBe(2);
      expect(JSON.parse(io.stdout.text()).error.code).toBe('INVALID_INPUT');
    }
  });
});
