import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { keccak256, stringToBytes } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/program';
import { collectIo } from './collectOutput';
import { type AnvilNode, startAnvilNode, workspaceBin } from './startAnvilNode';

const run = promisify(execFile);
const argv = (...args: string[]) => ['node', 'aidoc', ...args];
// Anvil's well-known public test keys: deployer, patient, clinic, a second deployer.
const deployerKey = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
const patientKey = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d';
const clinicKey = '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a';
const otherDeployerKey = '0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6';
const clinic = privateKeyToAccount(clinicKey).address;
const systemNames = [
  'AidToken',
  'KeyRegistry',
  'LifeBank',
  'ModelRegistry',
  'DAppRegistry',
  'Messenger',
  'ComputeRegistry',
  'FederatedTraining',
];
const otherChain = { AidToken: '0x5FbDB2315678afecb367f032d93F642f64180aa3' };

let anvil: AnvilNode;
let dir: string;
beforeAll(async () => {
  anvil = await startAnvilNode();
  dir = await mkdtemp(join(tmpdir(), 'aidoc-deploy-'));
});
afterAll(async () => {
  await anvil?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const cast = async (...args: string[]) => (await run(workspaceBin('cast'), args)).stdout.trim();
const castSend = (key: string, to: string, sig: string, ...args: string[]) =>
  cast('send', '--rpc-url', anvil.rpcUrl, '--private-key', key, to, sig, ...args);
const castCall = (to: string, sig: string, ...args: string[]) =>
  cast('call', '--rpc-url', anvil.rpcUrl, to, sig, ...args);

function expectNoKey(text: string, key: string) {
  expect(text).not.toContain(key.slice(2));
  expect(text.toLowerCase()).not.toContain(key.slice(2).toLowerCase());
}

describe('aidoc deploy onto Anvil', () => {
  it('deploys every contract with AIDOC_PRIVATE_KEY, merges the deployments file, and the cast smoke flow passes', async () => {
    const out = join(dir, 'aidoc.deployments.json');
    await writeFile(out, JSON.stringify({ '1': otherChain }));
    const io = collectIo({ tty: false, env: { AIDOC_PRIVATE_KEY: deployerKey } });
    const code = await runCli(argv('deploy', '--rpc', anvil.rpcUrl, '--out', out), io);
    expect(io.stderr.text()).toBe('');
    expect(code).toBe(0);
    expectNoKey(io.stdout.text(), deployerKey);
    const result = JSON.parse(io.stdout.text()) as {
      chainId: number;
      deployer: string;
      governance: string;
      contracts: Record<string, `0x${string}`>;
      transactions: string[];
    };
    expect(result.chainId).toBe(31337);
    expect(result.deployer).toBe(privateKeyToAccount(deployerKey).address);
    expect(result.governance).toBe(result.deployer);
    expect(Object.keys(result.contracts).sort()).toEqual([...systemNames].sort());

    const file = JSON.parse(await readFile(out, 'utf8')) as Record<string, Record<string, `0x${string}`>>;
    expect(Object.keys(file)).toEqual(['1', '31337']);
    expect(file['1']).toEqual(otherChain);
    expect(file['31337']).toEqual(result.contracts);
    for (const address of Object.values(file['31337']!)) {
      expect((await cast('code', '--rpc-url', anvil.rpcUrl, address)).length).toBeGreaterThan(2);
    }

    // Smoke flow with the addresses from the written file.
    const { KeyRegistry, LifeBank } = file['31337']!;
    await castSend(
      clinicKey,
      KeyRegistry!,
      'setKey(bytes)',
      '0x0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798',
    );
    expect(await castCall(KeyRegistry!, 'keyOf(address)((bytes,uint64,uint64))', clinic)).toMatch(
      /^\(0x0279be66.*, 1, /,
    );
    await castSend(
      patientKey,
      LifeBank!,
      'registerRecord(string,bytes32,string,string)',
      'bafy-smoke',
      keccak256(stringToBytes('smoke-record')),
      'laboratory',
      'fhir',
    );
    await castSend(
      patientKey,
      LifeBank!,
      'grant(address,(uint8,uint256[],string),string,uint64,string)',
      clinic,
      '(0,[1],"")',
      'treatment',
      '99999999999',
      'bafy-keys',
    );
    expect(await castCall(LifeBank!, 'hasAccess(address,uint256)(bool)', clinic, '1')).toBe('true');
    await castSend(patientKey, LifeBank!, 'revoke(uint256)', '1');
    expect(await castCall(LifeBank!, 'hasAccess(address,uint256)(bool)', clinic, '1')).toBe('false');
  });

  it('shows progress per step on a terminal, sets --governance, and never prints --private-key', async () => {
    const out = join(dir, 'tty.deployments.json');
    const governance = privateKeyToAccount(patientKey).address;
    const io = collectIo({ tty: true });
    const code = await runCli(
      argv(
        'deploy',
        '--rpc',
        anvil.rpcUrl,
        '--private-key',
        otherDeployerKey,
        '--governance',
        governance,
        '--out',
        out,
      ),
      io,
    );
    expect(code).toBe(0);
    const progress = io.stderr.text();
    expect(progress).toContain('Deploying the AIDOC system onto chain 31337');
    expect(progress).toMatch(/\[ ?1\/\d+\] create AidToken {2}0x[0-9a-f]{6}…[0-9a-f]{6} {2}gas \d+/);
    expect(progress).toContain('create FederatedTraining');
    expect(progress).toContain('renounces');
    expect(io.stdout.text()).toMatch(/LifeBank\s+0x[0-9a-fA-F]{40}/);
    expect(io.stdout.text()).toContain(`Governance: ${governance}`);
    expect(io.stdout.text()).toContain(`Addresses written to ${out}`);
    expectNoKey(progress + io.stdout.text(), otherDeployerKey);
    const file = JSON.parse(await readFile(out, 'utf8')) as Record<string, Record<string, string>>;
    // The governance owns the upgradeable contracts.
    expect((await castCall(file['31337']!.LifeBank!, 'owner()(address)')).toLowerCase()).toBe(
      governance.toLowerCase(),
    );
  });

  it('exits 2 without a key, with two keys, or with a bad AIDOC_PRIVATE_KEY, echoing no key', async () => {
    const out = join(dir, 'unused.json');
    const cases: { args: string[]; env?: Record<string, string> }[] = [
      { args: [] },
      { args: ['--private-key', deployerKey, '--account', 'alice'] },
      { args: [], env: { AIDOC_PRIVATE_KEY: `${deployerKey.slice(0, 40)}zz` } },
      { args: ['--private-key', 'not-a-key'] },
    ];
    for (const { args, env } of cases) {
      const io = collectIo({ tty: false, ...(env ? { env } : {}) });
      expect(
        await runCli(argv('deploy', '--rpc', anvil.rpcUrl, '--out', out, ...args), io),
        args.join(' '),
      ).toBe(2);
      expect(JSON.parse(io.stdout.text()).error.code).toBe('INVALID_INPUT');
      expectNoKey(io.stdout.text(), deployerKey);
      expect(io.stdout.text()).not.toContain(`${deployerKey.slice(2, 40)}zz`);
    }
    await expect(readFile(out)).rejects.toThrow();
  });

  it('refuses a file that is not a deployments file before spending anything', async () => {
    const out = join(dir, 'corrupt.json');
    await writeFile(out, '[1, 2, 3]');
    const before = await cast('nonce', '--rpc-url', anvil.rpcUrl, privateKeyToAccount(deployerKey).address);
    const io = collectIo({ tty: false, env: { AIDOC_PRIVATE_KEY: deployerKey } });
    expect(await runCli(argv('deploy', '--rpc', anvil.rpcUrl, '--out', out), io)).toBe(2);
    expect(JSON.parse(io.stdout.text()).error.message).toContain('not an AIDOC deployments file');
    expect(await cast('nonce', '--rpc-url', anvil.rpcUrl, privateKeyToAccount(deployerKey).address)).toBe(
      before,
    );
    expect(await readFile(out, 'utf8')).toBe('[1, 2, 3]');
  });

  it('exits 1 for an unfunded deployer and for an unreachable node, writing no file', async () => {
    const out = join(dir, 'failed.json');
    const unfunded = collectIo({ tty: false, env: { AIDOC_PRIVATE_KEY: `0x${'42'.repeat(32)}` } });
    expect(await runCli(argv('deploy', '--rpc', anvil.rpcUrl, '--out', out), unfunded)).toBe(1);
    expect(JSON.parse(unfunded.stdout.text()).error.code).toBe('INSUFFICIENT_FUNDS');
    expectNoKey(unfunded.stdout.text(), `0x${'42'.repeat(32)}`);
    const offline = collectIo({ tty: false, env: { AIDOC_PRIVATE_KEY: deployerKey } });
    expect(await runCli(argv('deploy', '--rpc', 'http://127.0.0.1:1', '--out', out), offline)).toBe(1);
    expect(JSON.parse(offline.stdout.text()).error.code).toBe('NETWORK');
    await expect(readFile(out)).rejects.toThrow();
  });
});
