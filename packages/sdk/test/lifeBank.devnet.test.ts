import { lifeBankAbi } from '@aidoc/contracts';
import { type Devnet, startDevnet } from '@aidoc/devnet';
import { CID } from 'multiformats/cid';
import { getAddress, type Hex, parseUnits } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AidocClient, createAidoc } from '../src/client/createAidoc';
import {
  canonicalJsonBytes,
  decryptEnvelope,
  encryptionKeyPairFromSecret,
  parseEnvelopeHeader,
  sha256Hex,
} from '../src/crypto';
import { AidocError } from '../src/errors';
import { fetchKeyBundle } from '../src/grants/keyBundle';
import { grantWrapAad, ownerKeyMaterial, unwrapKeyMaterial } from '../src/records/recordKeys';
import { walletAccountFromPrivateKey } from '../src/wallet';
import { bloodPressure, dischargeLetter, glucose, heartRate, labReport, vitalsBundle } from './fhirFixtures';

let devnet: Devnet;
let patient: AidocClient;
let hospital: AidocClient;
let clinic: AidocClient;
let stranger: AidocClient;
let keyless: AidocClient;

async function refusal(promise: Promise<unknown>): Promise<AidocError> {
  try {
    await promise;
  } catch (e) {
    if (AidocError.is(e)) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

async function recordCount(): Promise<bigint> {
  return patient.publicClient.readContract({
    address: patient.contracts.LifeBank,
    abi: lifeBankAbi,
    functionName: 'recordCount',
  });
}

/** Number of blocks in the content store: a refusal must not add any. */
async function countBlocks(): Promise<number> {
  let n = 0;
  for await (const _ of devnet.content.blocks()) n++;
  return n;
}

async function advance(seconds: number): Promise<void> {
  await devnet.provider.request({ method: 'evm_increaseTime', params: [seconds] });
  await devnet.provider.request({ method: 'evm_mine', params: [] });
}

function client(index: number, extra: Partial<Parameters<typeof createAidoc>[0]> = {}) {
  const account = devnet.accounts[index];
  if (!account) throw new Error('no such dev account');
  return createAidoc({
    rpc: devnet.rpcUrl,
    ipfs: devnet.ipfsUrl,
    signer: account.privateKey,
    pollingIntervalMs: 50,
    ...extra,
  });
}

beforeAll(async () => {
  devnet = await startDevnet({ port: 0 });
  [patient, hospital, clinic, stranger, keyless] = await Promise.all([
    client(1),
    client(2),
    client(3),
    client(4),
    client(5),
  ]);
  for (const c of [patient, hospital, clinic, stranger]) await c.keys.register();
});

afterAll(async () => {
  await devnet?.stop();
});

describe('client and keys', () => {
  it('finds the contracts through aidoc_contracts and registers keys with an EIP-712 signature', async () => {
    expect(patient.contracts.LifeBank).toBe(getAddress(devnet.contracts.LifeBank as Hex));
    expect(patient.chainId).toBe(devnet.chainId);
    const key = await hospital.keys.get();
    expect(key?.publicKey).toBe(hospital.keys.publicKey);
    expect(key?.version).toBe(1);
    expect(await keyless.keys.get()).toBeUndefined();
    const again = await hospital.keys.register();
    expect(again.txHash).toBeUndefined();
    expect(again.version).toBe(1);
  });

  it('works over an in-process EIP-1193 provider as over HTTP', async () => {
    const viaProvider = await createAidoc({
      provider: devnet.provider,
      ipfs: devnet.ipfsUrl,
      signer: devnet.accounts[6]?.privateKey as Hex,
      pollingIntervalMs: 50,
    });
    await viaProvider.keys.register();
    const { recordId } = await viaProvider.records.upload({
      resource: heartRate(55, '2024-04-30T06:00:00Z'),
    });
    expect((await viaProvider.records.read(recordId)).resource).toEqual(
      heartRate(55, '2024-04-30T06:00:00Z'),
    );
    await viaProvider.records.deactivate(recordId);
    expect((await refusal(viaProvider.records.read(recordId))).code).toBe('ACCESS_DENIED');
    expect(await viaProvider.records.list()).toEqual([]);
    expect((await viaProvider.records.list({ includeInactive: true }))[0]?.active).toBe(false);
  });

  it('uses the deployments option when the server does not answer aidoc_contracts', async () => {
    const viaOption = await createAidoc({
      rpc: devnet.rpcUrl,
      ipfs: devnet.ipfsUrl,
      deployments: { [String(devnet.chainId)]: devnet.contracts },
    });
    expect(viaOption.contracts.KeyRegistry).toBe(getAddress(devnet.contracts.KeyRegistry as Hex));
    const err = await refusal(
      createAidoc({ rpc: devnet.rpcUrl, ipfs: devnet.ipfsUrl, provider: devnet.provider }),
    );
    expect(err.code).toBe('INVALID_INPUT');
  });

  it('relays a signed key registration sent by another account', async () => {
    const reg = await stranger.keys.signRegistration();
    const { version } = await clinic.keys.submitRegistration(reg);
    expect(version).toBe(2);
    const tampered = { ...reg, publicKey: hospital.keys.publicKey as Hex };
    expect((await refusal(clinic.keys.submitRegistration(tampered))).code).toBe('INVALID_SIGNATURE');
  });

  it('reads balances and moves the native coin and AID', async () => {
    const before = await stranger.wallet.balance();
    await patient.wallet.transfer({ to: stranger.address as Hex, amount: 10n ** 18n });
    await patient.wallet.transfer({ to: stranger.address as Hex, amount: 5n, asset: 'AID' });
    const after = await stranger.wallet.balance();
    expect(after.native - before.native).toBe(10n ** 18n);
    expect(after.aid - before.aid).toBe(5n);
    expect((await refusal(patient.wallet.transfer({ to: '0x1234' as Hex, amount: 1n }))).code).toBe(
      'INVALID_INPUT',
    );
  });
});

describe('records', () => {
  it('round-trips every record kind through encryption, IPFS and the chain, and pays the life-mining reward', async () => {
    const aidBefore = (await patient.wallet.balance()).aid;
    const inputs = [
      { resource: heartRate(72, '2024-05-01T07:00:00Z') },
      { resource: bloodPressure(121, 79, '2024-05-01T07:02:00Z') },
      { resource: labReport },
      { resource: dischargeLetter },
      { resource: vitalsBundle },
    ];
    for (const input of inputs) {
      const up = await patient.records.upload(input);
      const read = await patient.records.read(up.recordId);
      expect(read.via).toBe('owner');
      expect(read.resource).toEqual(input.resource);
      expect(read.record.contentHash).toBe(up.contentHash);
      expect(up.reward).toBeGreaterThan(0n);
    }
    const file = new Uint8Array(300_000).map((_, i) => (i * 7) % 251);
    const progress: number[] = [];
    const up = await patient.records.upload(
      { data: file, mediaType: 'application/octet-stream', category: 'genome' },
      { onProgress: (n) => progress.push(n) },
    );
    const read = await patient.records.read(up.recordId);
    expect(Buffer.from(read.data).equals(Buffer.from(file))).toBe(true);
    for (const t of [up.timings, read.timings]) {
      expect(Object.keys(t).sort()).toEqual(['chainMs', 'contentMs', 'cryptoMs']);
      expect(Object.values(t).every((ms) => Number.isFinite(ms) && ms >= 0)).toBe(true);
    }
    expect(read.resource).toBeUndefined();
    expect(progress.length).toBeGreaterThan(0);
    expect((await patient.wallet.balance()).aid).toBeGreaterThan(aidBefore);
  });

  it('lists records by owner, category and date', async () => {
    const vitals = await patient.records.list({ category: 'vital-signs' });
    expect(vitals.length).toBe(2);
    expect(vitals.every((r) => r.schema === 'fhir+json;Observation')).toBe(true);
    const all = await hospital.records.list({ owner: patient.address as Hex });
    expect(all.length).toBe(6);
    expect(await patient.records.list({ since: new Date(Date.now() + 86_400_000 * 365) })).toEqual([]);
  });

  it('refuses invalid FHIR and changes nothing on chain', async () => {
    const before = await recordCount();
    const blocksBefore = await countBlocks();
    const wrongUnit = heartRate(72, '2024-05-01T07:00:00Z');
    wrongUnit.valueQuantity.code = 'kg';
    expect((await refusal(patient.records.upload({ resource: wrongUnit }))).code).toBe('INVALID_INPUT');
    const { code: _c, ...noCode } = heartRate(72, '2024-05-01T07:00:00Z');
    expect((await refusal(patient.records.upload({ resource: noCode }))).code).toBe('INVALID_INPUT');
    expect(await recordCount()).toBe(before);
    expect(await countBlocks()).toBe(blocksBefore);
  });

  it('a failed registration leaves no record and unpins the content', async () => {
    // a fresh account with no coin cannot pay gas
    const poor = await createAidoc({
      rpc: devnet.rpcUrl,
      ipfs: devnet.ipfsUrl,
      signer: `0x${'11'.repeat(32)}`,
    });
    const pinnedBefore = new Set<string>();
    for await (const p of devnet.content.pins({ type: 'recursive' })) pinnedBefore.add(p.cid.toString());
    const before = await recordCount();
    const err = await refusal(poor.records.upload({ resource: heartRate(90, '2024-05-09T07:00:00Z') }));
    expect(err.code).toBe('INSUFFICIENT_FUNDS');
    expect(await recordCount()).toBe(before);
    const pinnedAfter = new Set<string>();
    for await (const p of devnet.content.pins({ type: 'recursive' })) pinnedAfter.add(p.cid.toString());
    expect([...pinnedAfter].filter((c) => !pinnedBefore.has(c))).toEqual([]);
  });
});

describe('grants and refusals', () => {
  let recordId: bigint;

  beforeAll(async () => {
    recordId = (await patient.records.upload({ resource: glucose })).recordId;
  });

  it('a party without a grant never obtains plaintext', async () => {
    const err = await refusal(stranger.records.read(recordId));
    expect(err.code).toBe('ACCESS_DENIED');
  });

  it('refuses a grant to an account with no registered key, with nothing on chain', async () => {
    const grantsBefore = await patient.grants.list({ includeInactive: true });
    const blocksBefore = await countBlocks();
    const err = await refusal(
      patient.grants.create({
        grantee: keyless.address as Hex,
        scope: { recordId },
        purpose: 'TREAT',
        expiresIn: 3600,
      }),
    );
    expect(err.code).toBe('NOT_FOUND');
    expect(await patient.grants.list({ includeInactive: true })).toHaveLength(grantsBefore.length);
    expect(await countBlocks()).toBe(blocksBefore);
  });

  it('refuses a grant that the contract would refuse before storing any key bundle', async () => {
    const blocksBefore = await countBlocks();
    const past = await refusal(
      patient.grants.create({
        grantee: hospital.address as Hex,
        scope: { recordId },
        purpose: 'TREAT',
        expiresAt: new Date(0),
      }),
    );
    expect(past.code).toBe('INVALID_INPUT');
    expect(past.data?.contractError).toBe('InvalidExpiry');
    const notMine = await refusal(
      hospital.grants.create({
        grantee: clinic.address as Hex,
        scope: { recordId },
        purpose: 'TREAT',
        expiresIn: 60,
      }),
    );
    expect(notMine.code).toBe('UNAUTHORIZED');
    expect(await countBlocks()).toBe(blocksBefore);
  });

  it('grants one record: the grantee reads it, logs the access, others still cannot', async () => {
    const g = await patient.grants.create({
      grantee: hospital.address as Hex,
      scope: `record:${recordId}`,
      purpose: 'TREAT',
      expiresIn: 3600,
    });
    expect(g.recordIds).toEqual([recordId]);
    const read = await hospital.records.read(recordId, { logAccess: true });
    expect(read.via).toBe(g.grantId);
    expect(read.resource).toEqual(glucose);
    expect(read.accessLogTx).toMatch(/^0x/);
    expect((await refusal(stranger.records.read(recordId))).code).toBe('ACCESS_DENIED');
    const received = await hospital.grants.list({ direction: 'received' });
    expect(received.map((x) => x.grantId)).toContain(g.grantId);
  });

  it('refuses after expiry', async () => {
    await patient.grants.create({
      grantee: clinic.address as Hex,
      scope: { recordId },
      purpose: 'RESEARCH',
      expiresIn: 60,
    });
    expect((await clinic.records.read(recordId)).resource).toEqual(glucose);
    await advance(120);
    expect((await refusal(clinic.records.read(recordId))).code).toBe('ACCESS_DENIED');
    const given = await patient.grants.list({ includeInactive: true });
    expect(given.find((x) => x.grantee === clinic.address)?.status).toBe('expired');
  });

  it('refuses with the wrong encryption key', async () => {
    const impostor = await createAidoc({
      rpc: devnet.rpcUrl,
      ipfs: devnet.ipfsUrl,
      signer: devnet.accounts[2]?.privateKey as Hex,
      encryptionKey: encryptionKeyPairFromSecret(new Uint8Array(32).fill(7)),
    });
    expect((await refusal(impostor.records.read(recordId))).code).toBe('DECRYPTION_FAILED');
  });

  it('revocation stops reads; rotation re-keys for remaining grantees and locks out a kept old key', async () => {
    const target = (await patient.records.upload({ resource: heartRate(66, '2024-05-02T07:00:00Z') }))
      .recordId;
    const toHospital = await patient.grants.create({
      grantee: hospital.address as Hex,
      scope: { recordId: target },
      purpose: 'TREAT',
      expiresIn: 3600,
    });
    const toClinic = await patient.grants.create({
      grantee: clinic.address as Hex,
      scope: { recordId: target },
      purpose: 'TREAT',
      expiresIn: 3600,
    });
    expect((await hospital.records.read(target)).resource).toBeDefined();

    // the hospital keeps the data key it was given
    const oldRecord = await hospital.records.get(target);
    const bundle = await fetchKeyBundle({ content: hospital.content } as never, toHospital.keyBundleCid);
    const hospitalKeys = walletAccountFromPrivateKey(devnet.accounts[2]?.privateKey as Hex).encryptionKey();
    const entry = bundle.keys.find((k) => k.recordId === target.toString());
    const kept = unwrapKeyMaterial(
      hospitalKeys,
      Buffer.from(entry?.wrappedKey ?? '', 'base64'),
      grantWrapAad(
        { chainId: hospital.chainId, contracts: hospital.contracts } as never,
        target,
        oldRecord.contentHash,
      ),
    );

    expect(await devnet.content.pinTypeOf(CID.parse(toHospital.keyBundleCid))).toBe('recursive');
    await patient.grants.revoke(toHospital.grantId);
    expect(await devnet.content.pinTypeOf(CID.parse(toHospital.keyBundleCid))).toBeUndefined();
    expect((await refusal(hospital.records.read(target))).code).toBe('ACCESS_DENIED');
    expect((await refusal(patient.grants.revoke(toHospital.grantId))).code).toBe('INVALID_INPUT');

    const rotated = await patient.grants.rotate(target);
    expect(rotated.version).toBe(2);
    expect(rotated.regranted.map((r) => r.grantee)).toEqual([clinic.address]);
    expect(rotated.regranted[0]?.previousGrantId).toBe(toClinic.grantId);
    // the remaining grantee reads the new version; the owner too
    expect((await clinic.records.read(target)).record.version).toBe(2);
    expect((await patient.records.read(target)).resource).toEqual(heartRate(66, '2024-05-02T07:00:00Z'));
    // the old key decrypts nothing new
    const fresh = await devnet.content.get(CID.parse(rotated.cid)).catch(() => undefined);
    expect(fresh).toBeDefined();
    const envelope = await hospital.content.catBytes(rotated.cid);
    expect(() => decryptEnvelope(envelope, kept.dataKey)).toThrow(
      expect.objectContaining({ code: 'DECRYPTION_FAILED' }),
    );
  });

  it('a category grant (SMART scope) covers the category, including records uploaded later', async () => {
    const g = await patient.grants.create({
      grantee: stranger.address as Hex,
      scope: 'patient/Observation.rs?category=vital-signs',
      purpose: 'CAREMGT',
      expiresIn: 3600,
    });
    const vitals = await patient.records.list({ category: 'vital-signs' });
    expect(g.recordIds.sort()).toEqual(vitals.map((r) => r.recordId).sort());
    for (const r of vitals)
      expect((await stranger.records.read(r.recordId)).resource?.resourceType).toBe('Observation');
    const later = await patient.records.upload({ resource: heartRate(80, '2024-05-03T07:00:00Z') });
    expect(later.regranted.map((x) => x.grantee)).toContain(stranger.address);
    expect((await stranger.records.read(later.recordId)).resource).toEqual(
      heartRate(80, '2024-05-03T07:00:00Z'),
    );
    // the scope does not reach other categories
    const lab = (await patient.records.list({ category: 'laboratory' }))[0];
    expect((await refusal(stranger.records.read(lab?.recordId ?? 1n))).code).toBe('ACCESS_DENIED');
  });
});

describe('tampering', () => {
  async function registerRaw(bytes: Uint8Array, contentHash?: Hex) {
    const { cid } = await patient.content.add(bytes);
    const hash = contentHash ?? sha256Hex(bytes);
    const { request } = await patient.publicClient.simulateContract({
      account: devnet.accounts[1]?.address as Hex,
      address: patient.contracts.LifeBank,
      abi: lifeBankAbi,
      functionName: 'registerRecord',
      args: [cid, hash, 'tamper-test', 'fhir+json;Observation'],
    });
    const wallet = walletAccountFromPrivateKey(devnet.accounts[1]?.privateKey as Hex).toViemAccount();
    const { createWalletClient, http } = await import('viem');
    const hashTx = await createWalletClient({
      account: wallet,
      transport: http(devnet.rpcUrl),
    }).writeContract({
      ...request,
      chain: null,
    } as never);
    const receipt = await patient.publicClient.waitForTransactionReceipt({ hash: hashTx });
    const log = (
      await patient.publicClient.getContractEvents({
        address: patient.contracts.LifeBank,
        abi: lifeBankAbi,
        eventName: 'RecordRegistered',
        blockHash: receipt.blockHash,
      })
    )[0];
    return log?.args.recordId as bigint;
  }

  it('refuses a tampered ciphertext, a tampered header, and content that does not match the registered hash', async () => {
    const original = await patient.records.upload({ resource: heartRate(61, '2024-05-04T07:00:00Z') });
    const envelope = await patient.content.catBytes(original.cid);

    const body = Uint8Array.from(envelope);
    body[body.length - 20] = (body[body.length - 20] ?? 0) ^ 1;
    const badBody = await registerRaw(body);
    expect((await refusal(patient.records.read(badBody))).code).toBe('DECRYPTION_FAILED');

    const text = Buffer.from(envelope).toString('latin1');
    const header = Buffer.from(text.replace('fhir+json;Observation', 'fhir+json;Observatiom'), 'latin1');
    const badHeader = await registerRaw(new Uint8Array(header));
    expect((await refusal(patient.records.read(badHeader))).code).toBe('DECRYPTION_FAILED');

    const mismatched = await registerRaw(
      Uint8Array.from([...envelope, 0]),
      sha256Hex(new TextEncoder().encode('other')),
    );
    const err = await refusal(patient.records.read(mismatched));
    expect(err.code).toBe('DECRYPTION_FAILED');
    expect(err.data?.reason).toBe('content-hash-mismatch');
  });
});

describe('paid access requests', () => {
  it('request with escrow → the owner sees it → approve pays the owner and the requester reads', async () => {
    const seen: bigint[] = [];
    const stop = patient.access.watchAccessRequests((r) => {
      seen.push(r.requestId);
    });
    try {
      const patientAid = (await patient.wallet.balance()).aid;
      const hospitalAid = (await hospital.wallet.balance()).aid;
      const { requestId, approveTxHash } = await hospital.access.request({
        owner: patient.address as Hex,
        scope: 'patient/*.rs?category=laboratory',
        purpose: 'Diabetes screening study',
        offer: '5',
        grantDuration: 7 * 86_400,
      });
      expect(approveTxHash).toMatch(/^0x/);
      expect((await hospital.wallet.balance()).aid).toBe(hospitalAid - parseUnits('5', 18));
      const pending = await patient.access.list();
      expect(pending.map((r) => r.requestId)).toContain(requestId);
      await expect.poll(() => seen, { timeout: 10_000 }).toContain(requestId);

      expect((await refusal(stranger.access.approve(requestId))).code).toBe('UNAUTHORIZED');
      const approved = await patient.access.approve(requestId);
      expect(approved.paid).toBe(parseUnits('5', 18));
      expect((await patient.wallet.balance()).aid).toBe(patientAid + parseUnits('5', 18));
      const lab = await patient.records.list({ category: 'laboratory' });
      for (const r of lab) expect((await hospital.records.read(r.recordId)).resource).toBeDefined();
      expect((await patient.access.get(requestId)).status).toBe('approved');
      expect(await patient.access.list()).toEqual([]);
    } finally {
      stop();
    }
  });

  it('deny refunds the escrow', async () => {
    const before = (await clinic.wallet.balance()).aid;
    const { requestId } = await clinic.access.request({
      owner: patient.address as Hex,
      scope: 'patient/*.rs?category=genome',
      purpose: 'Ancestry',
      offer: 3n,
      grantDuration: 86_400,
    });
    expect((await clinic.wallet.balance()).aid).toBe(before - 3n);
    await patient.access.deny(requestId);
    expect((await clinic.wallet.balance()).aid).toBe(before);
    expect((await patient.access.get(requestId)).status).toBe('denied');
    expect(
      (
        await refusal(
          clinic.records.read((await patient.records.list({ category: 'genome' }))[0]?.recordId ?? 1n),
        )
      ).code,
    ).toBe('ACCESS_DENIED');
  });

  it('an expired request cannot be approved; anyone can trigger its refund', async () => {
    const before = (await clinic.wallet.balance()).aid;
    const { requestId } = await clinic.access.request({
      owner: patient.address as Hex,
      scope: 'patient/*.rs?category=document',
      purpose: 'Insurance claim',
      offer: 2n,
      grantDuration: 86_400,
      expiresIn: 60,
    });
    await advance(120);
    expect((await patient.access.get(requestId)).status).toBe('expired');
    expect((await refusal(patient.access.approve(requestId))).code).toBe('ACCESS_DENIED');
    const { refunded } = await stranger.access.withdraw(requestId);
    expect(refunded).toBe(2n);
    expect((await clinic.wallet.balance()).aid).toBe(before);
    expect(
      (await clinic.access.list({ direction: 'outgoing', status: 'all' })).find(
        (r) => r.requestId === requestId,
      )?.status,
    ).toBe('withdrawn');
  });
});

describe('audit', () => {
  it("a record's history lists registered, granted, requested, approved, read, revoked and rotated", async () => {
    const r = await patient.records.upload({
      resource: { ...glucose, effectiveDateTime: '2024-06-01T08:00:00Z' },
    });
    const g = await patient.grants.create({
      grantee: clinic.address as Hex,
      scope: { recordId: r.recordId },
      purpose: 'TREAT',
      expiresIn: 3600,
    });
    await clinic.records.read(r.recordId, { logAccess: true });
    const { requestId } = await stranger.access.request({
      owner: patient.address as Hex,
      scope: { recordId: r.recordId },
      purpose: 'Second opinion',
      grantDuration: 3600,
    });
    await patient.access.approve(requestId);
    await patient.grants.revoke(g.grantId);
    await patient.grants.rotate(r.recordId);
    await patient.audit.logAccess(r.recordId);
    const history = await hospital.audit.history(r.recordId);
    const types = history.map((e) => e.type);
    for (const t of [
      'registered',
      'granted',
      'read',
      'requested',
      'approved',
      'revoked',
      'rotated',
    ] as const) {
      expect(types).toContain(t);
    }
    // category-wide grants and requests made before the record existed cover it too, so they may come first
    expect(types.indexOf('registered')).toBeLessThan(
      history.findIndex((e) => e.type === 'granted' && e.grantId === g.grantId),
    );
    expect(types.indexOf('revoked')).toBeLessThan(types.indexOf('rotated'));
    expect(history.find((e) => e.type === 'read')?.actor).toBe(clinic.address);
    expect(history.find((e) => e.type === 'requested' && e.requestId === requestId)?.purpose).toBe(
      'Second opinion',
    );
    const blocks = history.map((e) => e.blockNumber);
    expect([...blocks].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(blocks);
  });
});

describe('confidentiality of the whole run', () => {
  it('no plaintext and no data key ever reached a transaction or a stored IPFS block', async () => {
    const keysOf = new Map(
      devnet.accounts.map((a) => [
        a.address.toLowerCase(),
        walletAccountFromPrivateKey(a.privateKey).encryptionKey(),
      ]),
    );
    // every envelope ever registered (including versions replaced by rotation), with its key and plaintext
    const base = { address: patient.contracts.LifeBank, abi: lifeBankAbi, fromBlock: 0n } as const;
    const registered = await patient.publicClient.getContractEvents({
      ...base,
      eventName: 'RecordRegistered',
    });
    const updated = await patient.publicClient.getContractEvents({ ...base, eventName: 'RecordUpdated' });
    const ownerOf = new Map(registered.map((e) => [e.args.recordId, e.args.owner?.toLowerCase() ?? '']));
    const envelopes = [...registered, ...updated]
      .filter((e) => e.args.cid && !('category' in e.args && e.args.category === 'tamper-test'))
      .map((e) => ({ cid: e.args.cid as string, owner: ownerOf.get(e.args.recordId) ?? '' }));
    const needles: { what: string; bytes: Buffer }[] = [];
    let checked = 0;
    for (const { cid, owner } of envelopes) {
      const envelope = await patient.content.catBytes(cid);
      const parsed = parseEnvelopeHeader(envelope);
      const ownerKeys = keysOf.get(owner);
      if (!ownerKeys) throw new Error(`no key for owner ${owner}`);
      const material = ownerKeyMaterial(ownerKeys, parsed);
      const plaintext = Buffer.from(decryptEnvelope(envelope, material.dataKey));
      const key = Buffer.from(material.dataKey);
      needles.push({ what: `data key of ${cid}`, bytes: key });
      needles.push({ what: `hex data key of ${cid}`, bytes: Buffer.from(key.toString('hex')) });
      needles.push({ what: `base64 data key of ${cid}`, bytes: Buffer.from(key.toString('base64')) });
      for (
        let at = 0;
        at + 48 <= plaintext.length && at < 200_000;
        at += Math.max(48, Math.floor(plaintext.length / 4))
      ) {
        needles.push({ what: `plaintext of ${cid} at ${at}`, bytes: plaintext.subarray(at, at + 48) });
      }
      checked++;
    }
    expect(checked).toBeGreaterThan(10);
    for (const resource of [glucose, labReport, dischargeLetter, vitalsBundle]) {
      needles.push({
        what: `${resource.resourceType} JSON`,
        bytes: Buffer.from(canonicalJsonBytes(resource)),
      });
    }
    needles.push({ what: 'letter text', bytes: Buffer.from('Discharged in good condition') });
    needles.push({
      what: 'letter base64',
      bytes: Buffer.from(Buffer.from('Discharged in good condition. Follow').toString('base64').slice(0, 40)),
    });

    const haystacks: { where: string; bytes: Buffer }[] = [];
    const latest = await patient.publicClient.getBlockNumber();
    for (let n = 0n; n <= latest; n++) {
      const block = await patient.publicClient.getBlock({ blockNumber: n, includeTransactions: true });
      for (const tx of block.transactions)
        haystacks.push({ where: `tx ${tx.hash}`, bytes: Buffer.from(tx.input.slice(2), 'hex') });
    }
    for await (const cid of devnet.content.blocks()) {
      haystacks.push({ where: `block ${cid}`, bytes: Buffer.from(await devnet.content.get(cid)) });
    }
    expect(haystacks.length).toBeGreaterThan(50);
    const leaks: string[] = [];
    for (const h of haystacks)
      for (const n of needles) if (h.bytes.includes(n.bytes)) leaks.push(`${n.what} in ${h.where}`);
    expect(leaks).toEqual([]);
  });
});
