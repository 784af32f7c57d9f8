import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import { createPublicClient, createWalletClient, http, keccak256, stringToBytes } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { foundry } from 'viem/chains';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deploySystem, type SystemContractName } from '../src';
import { type AnvilNode, startAnvil } from './startAnvil';

const run = promisify(execFile);
const castBin = createRequire(import.meta.url).resolve('@foundry-rs/cast/bin.mjs');
// Anvil's well-known test keys (public): governance/deployer, a patient, a clinic.
const govKey = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
const patientKey = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d';
const clinicKey = '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a';
const clinic = privateKeyToAccount(clinicKey).address;

describe('deploy onto Anvil, then drive the smoke flow with cast', () => {
  let anvil: AnvilNode;
  let contracts: Record<SystemContractName, `0x${string}`>;
  const cast = async (...args: string[]) => (await run(process.execPath, [castBin, ...args])).stdout.trim();
  const castSend = (key: string, to: string, sig: string, ...args: string[]) =>
    cast('send', '--rpc-url', anvil.rpcUrl, '--private-key', key, to, sig, ...args);
  const castCall = (to: string, sig: string, ...args: string[]) =>
    cast('call', '--rpc-url', anvil.rpcUrl, to, sig, ...args);

  beforeAll(async () => {
    anvil = await startAnvil();
    const transport = http(anvil.rpcUrl);
    const gov = privateKeyToAccount(govKey);
    ({ contracts } = await deploySystem({
      walletClient: createWalletClient({ account: gov, chain: foundry, transport }),
      publicClient: createPublicClient({ chain: foundry, transport, pollingInterval: 50 }),
      governance: gov.address,
    }));
  });
  afterAll(async () => {
    await anvil?.stop();
  });

  it('register key, register record, grant, hasAccess true, revoke, hasAccess false', async () => {
    const { KeyRegistry, LifeBank } = contracts;
    await castSend(
      clinicKey,
      KeyRegistry,
      'setKey(bytes)',
      '0x0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798',
    );
    expect(await castCall(KeyRegistry, 'keyOf(address)((bytes,uint64,uint64))', clinic)).toMatch(
      /^\(0x0279be66.*, 1, /,
    );
    const hash = keccak256(stringToBytes('smoke-record'));
    await castSend(
      patientKey,
      LifeBank,
      'registerRecord(string,bytes32,string,string)',
      'bafy-smoke',
      hash,
      'laboratory',
      'fhir',
    );
    await castSend(
      patientKey,
      LifeBank,
      'grant(address,(uint8,uint256[],string),string,uint64,string)',
      clinic,
      '(0,[1],"")',
      'treatment',
      '99999999999',
      'bafy-keys',
    );
    expect(await castCall(LifeBank, 'hasAccess(address,uint256)(bool)', clinic, '1')).toBe('true');
    await castSend(patientKey, LifeBank, 'revoke(uint256)', '1');
    expect(await castCall(LifeBank, 'hasAccess(address,uint256)(bool)', clinic, '1')).toBe('false');
  });
});
