import { stripVTControlCharacters } from 'node:util';
import type { BlockSummary, DevnetLogEvent } from '@aidoc/devnet';
import { render } from 'ink-testing-library';
import { createElement } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DevnetInfo } from '../src/commands/devnet/up';
import type { ValidatorStatus } from '../src/commands/devnet/validatorStatus';
import { type ConsensusSnapshot, DevnetView } from '../src/views/DevnetView';

const info: DevnetInfo = {
  rpc: 'http://127.0.0.1:8545',
  ws: 'ws://127.0.0.1:8545',
  ipfs: 'http://127.0.0.1:5001',
  chainId: 31337,
  accounts: [
    {
      address: '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266',
      privateKey: '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80',
    },
    {
      address: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
      privateKey: '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d',
    },
  ],
  contracts: { AidToken: '0x5FbDB2315678afecb367f032d93F642f64180aa3' },
};

/** A tiny event source standing in for devnet.onBlock / the log relay. */
function source<T>() {
  const listeners = new Set<(value: T) => void>();
  return {
    subscribe: (listener: (value: T) => void) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit: (value: T) => {
      for (const listener of listeners) listener(value);
    },
    size: () => listeners.size,
  };
}

const block = (number: bigint, transactions: number): BlockSummary => ({
  number,
  hash: `0x1a2b3c${number.toString(16).padStart(52, '0')}7d8e9f`,
  timestamp: 1_700_000_000n + number,
  transactions,
  gasUsed: 21_000n * BigInt(transactions),
  baseFeePerGas: 875_000_000n,
});

let unmount: (() => void) | undefined;
afterEach(() => unmount?.());

function renderView(
  status: 'running' | 'stopping' = 'running',
  readConsensus?: () => Promise<ConsensusSnapshot>,
) {
  const blocks = source<BlockSummary>();
  const logs = source<DevnetLogEvent>();
  const props = {
    info,
    onBlock: blocks.subscribe,
    onLog: logs.subscribe,
    refreshMs: 10,
    ...(readConsensus ? { readConsensus } : {}),
  };
  const view = render(createElement(DevnetView, { ...props, status }));
  unmount = view.unmount;
  const frame = () => stripVTControlCharacters(view.lastFrame() ?? '');
  const rerender = (next: 'running' | 'stopping') =>
    view.rerender(createElement(DevnetView, { ...props, status: next }));
  return { blocks, logs, frame, rerender };
}

describe('DevnetView', () => {
  it('shows endpoints, chain id, contracts and the accounts marked as public test keys', () => {
    const { frame } = renderView();
    const text = frame();
    expect(text).toContain('http://127.0.0.1:8545');
    expect(text).toContain('ws://127.0.0.1:8545');
    expect(text).toMatch(/IPFS \(Kubo RPC API\)\s+http:\/\/127\.0\.0\.1:5001/);
    expect(text).toContain('31337 (0x7a69)');
    expect(text).toContain('PUBLIC TEST KEYS');
    expect(text).toContain('never use them on a real network');
    for (const account of info.accounts) {
      expect(text).toContain(account.address);
      expect(text).toContain(account.privateKey);
    }
    expect(text).toMatch(/AidToken\s+0x5FbDB2315678afecb367f032d93F642f64180aa3/);
    expect(text).toContain('waiting for the first block');
    expect(text).toContain('Press Ctrl+C to stop.');
  });

  it('lists new blocks, newest first, with tx count, gas, base fee and totals', async () => {
    const { blocks, frame } = renderView();
    await vi.waitFor(() => expect(blocks.size()).toBe(1));
    blocks.emit(block(1n, 2));
    blocks.emit(block(2n, 5));
    await vi.waitFor(() => expect(frame()).toContain('#2'));
    const text = frame();
    expect(text.indexOf('#2')).toBeLessThan(text.indexOf('#1'));
    expect(text).toMatch(/#2\s+0x1a2b3c…\w{6}\s+5 tx gas\s+105000 base fee 0\.875 gwei/);
    expect(text).toContain('2 blocks and 7 tx since start');
    expect(text).not.toContain('waiting for the first block');
  });

  it('shows log events and the stopping state', async () => {
    const { logs, frame, rerender } = renderView();
    await vi.waitFor(() => expect(logs.size()).toBe(1));
    logs.emit({ level: 'warn', msg: 'validator 2 is late' });
    await vi.waitFor(() => expect(frame()).toContain('warn  validator 2 is late'));
    rerender('stopping');
    await vi.waitFor(() => expect(frame()).toContain('Stopping the devnet'));
    expect(frame()).not.toContain('Press Ctrl+C');
  });
});

const validator = (index: number, faults: Partial<ValidatorStatus> = {}): ValidatorStatus => ({
  index,
  address: `0x${String(index).repeat(40)}`,
  validator: true,
  proposer: index === 0,
  crashed: false,
  partitioned: false,
  delayMs: 0,
  equivocating: false,
  height: 3,
  round: 0,
  active: true,
  committed: 2,
  synced: 0,
  ...faults,
});

describe('DevnetView consensus panel', () => {
  it('lists the validators with their condition and marks finalized blocks', async () => {
    let snapshot: ConsensusSnapshot = {
      validators: [0, 1, 2, 3].map((i) => validator(i)),
      finalized: 1n,
    };
    const { blocks, frame } = renderView('running', async () => snapshot);
    await vi.waitFor(() => expect(frame()).toContain('quorum 3'));
    expect(frame()).toContain('4 in the set');
    expect(frame()).toContain('finalized #1');
    expect(frame()).toMatch(/#0\s+0x0000…0000 proposer\s+ok/);
    expect(frame()).toContain('committing (4 reachable)');
    await vi.waitFor(() => expect(blocks.size()).toBe(1));
    const blockRow = (n: number) =>
      frame()
        .split('\n')
        .find((l) => new RegExp(`^\\s+#${n}\\s+0x1a2b3c`).test(l));
    blocks.emit(block(1n, 1));
    blocks.emit(block(2n, 1));
    await vi.waitFor(() => expect(blockRow(2)).toBeDefined());
    expect(blockRow(1)).toContain('✓ final');
    expect(blockRow(2)).toBeDefined();
    expect(blockRow(2)).not.toContain('✓ final');

    snapshot = {
      validators: [
        validator(0),
        validator(1, { crashed: true }),
        validator(2, { partitioned: true, delayMs: 50 }),
        validator(3),
      ],
      finalized: 2n,
    };
    await vi.waitFor(() => expect(frame()).toContain('FINALITY STALLED'));
    expect(frame()).toMatch(/#1\s+0x1111…1111 validator\s+crashed/);
    expect(frame()).toContain('partitioned+delayed 50 ms');
    expect(
      frame()
        .split('\n')
        .find((l) => l.includes('#2 ')),
    ).toContain('✓ final');
  });

  it('shows no validator panel without a consensus reader', () => {
    const { frame } = renderView();
    expect(frame()).not.toContain('Validators');
  });
});
