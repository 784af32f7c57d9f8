import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { type Devnet, startDevnet } from '@aidoc/devnet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const repo = resolve(__dirname, '../../../..');
const forge = join(repo, 'node_modules/.bin/forge');
const shim = join(__dirname, 'fixtures/solcjs-shim.cjs');
const KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';

// Unmodified forge (from @foundry-rs/forge) against the devnet. forge compiles with a native solc it would
// download; offline, `--use` points it at a solc-js command-line stand-in instead.
describe('forge drives the devnet', () => {
  let devnet: Devnet;
  let project: string;
  beforeAll(async () => {
    devnet = await startDevnet({ port: 0 });
    project = mkdtempSync(join(tmpdir(), 'aidoc-forge-'));
    mkdirSync(join(project, 'src'));
    mkdirSync(join(project, 'script'));
    writeFileSync(
      join(project, 'src/Counter.sol'),
      `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;
contract Counter {
  uint256 public n;
  event Bumped(uint256 n);
  function inc() external { n++; emit Bumped(n); }
}
`,
    );
    writeFileSync(
      join(project, 'script/Deploy.s.sol'),
      `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;
import {Counter} from "../src/Counter.sol";
interface Vm { function startBroadcast() external; function stopBroadcast() external; }
contract Deploy {
  Vm constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));
  function run() external { vm.startBroadcast(); Counter c = new Counter(); c.inc(); c.inc(); vm.stopBroadcast(); }
}
`,
    );
    writeFileSync(join(project, 'foundry.toml'), '[profile.default]\nsrc = "src"\nout = "out"\nlibs = []\n');
  });
  afterAll(async () => {
    await devnet.stop();
    rmSync(project, { recursive: true, force: true });
  });

  const forgeRun = (args: string[]) =>
    run(forge, [...args, '--use', shim, '--offline'], {
      cwd: project,
      env: { ...process.env, NO_COLOR: '1', FOUNDRY_DISABLE_NIGHTLY_WARNING: '1' },
      timeout: 120_000,
    });

  it('forge create deploys a contract whose code is then on chain', async () => {
    const { stdout } = await forgeRun([
      'create',
      'src/Counter.sol:Counter',
      '--rpc-url',
      devnet.rpcUrl,
      '--private-key',
      KEY,
      '--broadcast',
    ]);
    const address = /Deployed to: (0x[0-9a-fA-F]{40})/.exec(stdout)?.[1];
    const hash = /Transaction hash: (0x[0-9a-fA-F]{64})/.exec(stdout)?.[1];
    expect(address).toBeDefined();
    const receipt = (await devnet.provider.request({
      method: 'eth_getTransactionReceipt',
      params: [hash],
    })) as {
      status: string;
      contractAddress: string;
    };
    expect(receipt.status).toBe('0x1');
    expect(receipt.contractAddress.toLowerCase()).toBe(address!.toLowerCase());
    const code = (await devnet.provider.request({
      method: 'eth_getCode',
      params: [address, 'latest'],
    })) as string;
    expect(code.length).toBeGreaterThan(10);
  });

  it('forge script --broadcast simulates against the devnet, then sends and the state matches', async () => {
    const { stdout } = await forgeRun([
      'script',
      'script/Deploy.s.sol:Deploy',
      '--rpc-url',
      devnet.rpcUrl,
      '--private-key',
      KEY,
      '--broadcast',
    ]);
    expect(stdout).toContain('ONCHAIN EXECUTION COMPLETE & SUCCESSFUL');
    const broadcast = (await import(join(project, 'broadcast/Deploy.s.sol/31337/run-latest.json'), {
      with: { type: 'json' },
    })) as { default: { receipts: { status: string; contractAddress: string | null }[] } };
    const receipts = broadcast.default.receipts;
    expect(receipts).toHaveLength(3);
    expect(receipts.every((r) => r.status === '0x1')).toBe(true);
    const counter = receipts[0]!.contractAddress!;
    // n() after two inc() calls.
    const n = await devnet.provider.request({
      method: 'eth_call',
      params: [{ to: counter, data: '0x2e52d606' }],
    });
    expect(BigInt(n as string)).toBe(2n);
  });
});
