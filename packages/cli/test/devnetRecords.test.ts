import type { BlockSummary } from '@aidoc/devnet';
import { describe, expect, it } from 'vitest';
import type { DevnetInfo } from '../src/commands/devnet/up';
import { jsonLine } from '../src/output/jsonLine';
import { blockRecord, devnetReadyRecord, logRecord } from '../src/views/devnetRecords';

const info: DevnetInfo = {
  rpc: 'http://127.0.0.1:8545',
  ws: 'ws://127.0.0.1:8545',
  chainId: 31337,
  accounts: [
    {
      address: '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266',
      privateKey: '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80',
    },
  ],
  contracts: { AidToken: '0x5FbDB2315678afecb367f032d93F642f64180aa3' },
};

const block: BlockSummary = {
  number: 12n,
  hash: `0x${'ab'.repeat(32)}`,
  timestamp: 1_700_000_000n,
  transactions: 3,
  gasUsed: 63_000n,
  baseFeePerGas: 2n ** 70n,
};

describe('devnet JSON records', () => {
  it('writes the ready line with exactly rpc, ws, chainId, accounts, contracts', () => {
    const parsed = JSON.parse(jsonLine(devnetReadyRecord(info)));
    expect(Object.keys(parsed)).toEqual(['rpc', 'ws', 'chainId', 'accounts', 'contracts']);
    expect(parsed).toEqual(info);
  });

  it('puts the IPFS endpoint next to the others when the devnet serves content', () => {
    const parsed = JSON.parse(jsonLine(devnetReadyRecord({ ...info, ipfs: 'http://127.0.0.1:5001' })));
    expect(Object.keys(parsed)).toEqual(['rpc', 'ws', 'ipfs', 'chainId', 'accounts', 'contracts']);
    expect(parsed.ipfs).toBe('http://127.0.0.1:5001');
  });

  it('writes blocks as {"event":"block"} with bigints as exact decimal strings', () => {
    const line = jsonLine(blockRecord(block));
    expect(line.endsWith('\n')).toBe(true);
    expect(JSON.parse(line)).toEqual({
      event: 'block',
      number: '12',
      hash: block.hash,
      timestamp: '1700000000',
      transactions: 3,
      gasUsed: '63000',
      baseFeePerGas: '1180591620717411303424',
    });
  });

  it('writes logger events as {"event":"log"} keeping their fields', () => {
    const record = logRecord({ level: 'warn', msg: 'slow block', event: 'ignored', ms: 1200, size: 5n });
    expect(JSON.parse(jsonLine(record))).toEqual({
      event: 'log',
      level: 'warn',
      msg: 'slow block',
      ms: 1200,
      size: '5',
    });
  });
});
