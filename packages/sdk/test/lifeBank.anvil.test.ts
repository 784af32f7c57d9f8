import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deploySystem } from '@aidoc/contracts';
import { type ContentServer, createContentServer } from '@aidoc/devnet';
import { createPublicClient, createWalletClient, http, type PublicClient, parseEther } from 'viem';
import { foundry } from 'viem/chains';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAidoc } from '../src/client/createAidoc';
import { AidocError } from '../src/errors';
import { walletAccountFromMnemonic } from '../src/wallet';
import { heartRate } from './fhirFixtures';

// The SDK on a chain that is not the devnet: Anvil (reference EVM) with the system deployed by the
// deployment plan, addresses from aidoc.deployments.json, content on a stand-alone Kubo-compatible server.

const mnemonic = 'test test test test test test test test test test test junk';
const governance = walletAccountFromMnemonic(mnemonic, { index: 0 });
const patientAccount = walletAccountFromMnemonic(mnemonic, { index: 1 });
const hospitalAccount = walletAccountFromMnemonic(mnemonic, { index: 2 });
const strangerAccount = walletAccountFromMnemonic(mnemonic, { index: 3 });

let anvil: ChildProcess | undefined;
let rpcUrl: string;
let ipfs: ContentServer;
let dir: string;

async function startAnvil(): Promise<string> {
  const bin = createRequire(import.meta.url).resolve('@foundry-rs/anvil/bin.mjs');
  anvil = spawn(process.execPath, [bin, '--port', '0', '--hardfork', 'prague'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise<string>((resolve, reject) => {
    let seen = '';
    anvil?.stdout?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const match = /Listening on ([\d.]+:\d+)/.exec(seen);
      if (match) resolve(`http://${match[1]}`);
    });
    anvil?.once('exit', (code) => reject(new Error(`anvil exited with ${code}:\n${seen}`)));
  });
}

beforeAll(async () => {
  [rpcUrl, ipfs, dir] = await Promise.all([
    startAnvil(),
    createContentServer({ port: 0 }),
    mkdtemp(join(tmpdir(), 'aidoc-anvil-')),
  ]);
  const publicClient = createPublicClient({
    chain: foundry,
    transport: http(rpcUrl),
    pollingInterval: 50,
  }) as PublicClient;
  const walletClient = createWalletClient({
    account: governance.toViemAccount(),
    chain: foundry,
    transport: http(rpcUrl),
  });
  const { contracts } = await deploySystem({
    walletClient: walletClient as never,
    publicClient,
    governance: governance.address,
    initialHolders: [{ address: hospitalAccount.address, amount: parseEther('100') }],
  });
  await writeFile(join(dir, 'aidoc.deployments.json'), JSON.stringify({ [foundry.id]: contracts }, null, 2));
});

afterAll(async () => {
  await ipfs?.close();
  if (anvil && anvil.exitCode === null) {
    const exited = new Promise((resolve) => anvil?.once('exit', resolve));
    anvil.kill('SIGTERM');
    await exited;
  }
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the SDK unchanged on Anvil', () => {
  it('reads addresses from aidoc.deployments.json, then uploads, grants and reads', async () => {
    const connect = (signer: typeof patientAccount) =>
      createAidoc({
        rpc: rpcUrl,
        ipfs: ipfs.url,
        signer,
        deployments: join(dir, 'aidoc.deployments.json'),
        pollingIntervalMs: 50,
      });
    const patient = await connect(patientAccount);
    const hospital = await connect(hospitalAccount);
    const stranger = await connect(strangerAccount);
    await patient.keys.register();
    await hospital.keys.register();

    const obs = heartRate(58, '2024-05-10T06:00:00Z');
    const { recordId, reward } = await patient.records.upload({ resource: obs });
    expect(reward).toBe(parseEther('1'));
    await patient.grants.create({
      grantee: hospital.address as `0x${string}`,
      scope: { recordId },
      purpose: 'TREAT',
      expiresIn: 600,
    });
    expect((await hospital.records.read(recordId)).resource).toEqual(obs);
    const denied = await stranger.records.read(recordId).catch((e: unknown) => e);
    expect(AidocError.is(denied, 'ACCESS_DENIED')).toBe(true);

    const { requestId } = await hospital.access.request({
      owner: patient.address as `0x${string}`,
      scope: 'patient/*.rs?category=vital-signs',
      purpose: 'Cohort study',
      offer: '2.5',
      grantDuration: 3600,
    });
    await patient.access.approve(requestId);
    expect((await patient.wallet.balance()).aid).toBe(parseEther('1') + parseEther('2.5'));
  });

  it('without aidoc_contracts and without deployments it says where it looked', async () => {
    const err = await createAidoc({
      rpc: rpcUrl,
      ipfs: ipfs.url,
      deployments: join(dir, 'missing.json'),
    }).catch((e: unknown) => e);
    expect(AidocError.is(err, 'NOT_FOUND')).toBe(true);
    expect((err as AidocError).details).toContain('missing.json');
  });
});
