import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Devnet, startDevnet } from '@aidoc/devnet';
import { walletAccountFromMnemonic } from '@aidoc/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bloodPressure,
  dischargeLetter,
  glucose,
  heartRate,
  labReport,
  vitalsBundle,
} from '../../sdk/test/fhirFixtures';
import { runCli } from '../src/program';
import { collectIo } from './collectOutput';
import { spawnCli } from './spawnCli';

const DEV_MNEMONIC = 'test test test test test test test test test test test junk';
const owner = walletAccountFromMnemonic(DEV_MNEMONIC, { index: 1 });
const institution = walletAccountFromMnemonic(DEV_MNEMONIC, { index: 2 });

// A FHIR R4 Observation (heart rate, LOINC 8867-4, UCUM /min) as a patient's device would export it.
const observation = {
  resourceType: 'Observation',
  status: 'final',
  category: [
    {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }],
    },
  ],
  code: { coding: [{ system: 'http://loinc.org', code: '8867-4', display: 'Heart rate' }] },
  subject: { reference: 'Patient/example' },
  effectiveDateTime: '2024-05-06T07:00:00Z',
  valueQuantity: { value: 72, unit: 'beats/minute', system: 'http://unitsofmeasure.org', code: '/min' },
};

let devnet: Devnet;
let dir: string;
let env: Record<string, string>;

beforeAll(async () => {
  devnet = await startDevnet({ port: 0 });
  dir = await mkdtemp(join(tmpdir(), 'aidoc-cli-data-'));
  env = { AIDOC_RPC: devnet.rpcUrl, AIDOC_IPFS: devnet.ipfsUrl };
});
afterAll(async () => {
  await devnet?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as one JSON document (any shape: each command's result). */
  // biome-ignore lint/suspicious/noExplicitAny: the parsed output of many different commands
  json: Record<string, any>;
}

/** Run `aidoc …` in process, stdout a pipe (JSON) unless `tty`, against the devnet through AIDOC_RPC/AIDOC_IPFS. */
async function aidoc(args: string[], options: { tty?: boolean; env?: Record<string, string> } = {}) {
  const io = collectIo({ tty: options.tty ?? false, env: { ...env, ...options.env } });
  const code = await runCli(['node', 'aidoc', ...args], io);
  const stdout = io.stdout.text();
  let json: Run['json'] = {};
  if (!options.tty) json = JSON.parse(stdout);
  return { code, stdout, stderr: io.stderr.text(), json } satisfies Run;
}

describe('the data-access flow through the aidoc CLI', () => {
  it('owner uploads, institution requests, owner approves, institution reads, owner revokes, the read is refused, history shows it all', async () => {
    // both parties register their encryption keys (the second call sends nothing)
    const ownerKey = await aidoc(['keys', 'register', '--account', 'dev:1', '--json']);
    expect(ownerKey.code).toBe(0);
    expect(ownerKey.json.address).toBe(owner.address);
    expect(ownerKey.json.publicKey).toMatch(/^0x0[23][0-9a-f]{64}$/);
    expect(ownerKey.json.txHash).toMatch(/^0x[0-9a-f]{64}$/);
    const again = await aidoc(['keys', 'register', '--account', 'dev:1']);
    expect(again.json.txHash).toBeUndefined();
    expect(again.json.version).toBe(ownerKey.json.version);
    expect((await aidoc(['keys', 'register', '--account', 'dev:2'])).code).toBe(0);
    const shown = await aidoc(['keys', 'show', institution.address]);
    expect(shown.json).toMatchObject({ address: institution.address, registered: true });

    // the owner uploads an Observation written to a file (global options before the command work too)
    const file = join(dir, 'heart-rate.json');
    await writeFile(file, JSON.stringify(observation, null, 2));
    const upload = await aidoc(['--account', 'dev:1', '--json', 'records', 'upload', file]);
    expect(upload.code, upload.stdout).toBe(0);
    const recordId: string = upload.json.recordId;
    expect(recordId).toMatch(/^\d+$/);
    expect(upload.json).toMatchObject({
      kind: 'fhir',
      category: 'vital-signs',
      schema: 'fhir+json;Observation',
      file,
    });
    expect(upload.json.cid).toMatch(/^Qm/);
    expect(BigInt(upload.json.reward)).toBeGreaterThan(0n);
    // the plaintext went nowhere near the output's CID: the stored content is ciphertext
    const stored = Buffer.from(
      await (
        await fetch(`${devnet.ipfsUrl}/api/v0/cat?arg=${upload.json.cid}`, { method: 'POST' })
      ).arrayBuffer(),
    ).toString('latin1');
    expect(stored).not.toContain('8867-4');

    const listed = await aidoc(['records', 'list', '--account', 'dev:1', '--category', 'vital-signs']);
    expect(listed.json.records.map((r: { recordId: string }) => r.recordId)).toContain(recordId);

    // before any grant the institution cannot read
    const early = await aidoc(['records', 'read', recordId, '--account', 'dev:2']);
    expect(early.code).toBe(1);
    expect(early.json.error.code).toBe('ACCESS_DENIED');

    // the institution asks, offering 5 AID in escrow
    const before = await aidoc(['wallet', 'balance', '--account', 'dev:1']);
    const request = await aidoc([
      'access',
      'request',
      '--account',
      'dev:2',
      '--owner',
      owner.address,
      '--scope',
      `record:${recordId}`,
      '--purpose',
      'Cardiology second opinion',
      '--offer',
      '5',
      '--duration',
      '1d',
    ]);
    expect(request.code, request.stdout).toBe(0);
    const requestId: string = request.json.requestId;
    expect(request.json.offer).toBe('5000000000000000000');
    const pending = await aidoc(['access', 'list', '--account', 'dev:1']);
    expect(pending.json.direction).toBe('incoming');
    expect(pending.json.requests).toEqual([
      expect.objectContaining({
        requestId,
        requester: institution.address,
        purpose: 'Cardiology second opinion',
        status: 'pending',
      }),
    ]);

    // the owner approves: a grant is created and the offer is paid
    const approve = await aidoc(['access', 'approve', requestId, '--account', 'dev:1']);
    expect(approve.code, approve.stdout).toBe(0);
    const grantId: string = approve.json.grantId;
    expect(approve.json.recordIds).toEqual([recordId]);
    expect(approve.json.paid).toBe('5000000000000000000');
    const after = await aidoc(['wallet', 'balance', owner.address]);
    expect(BigInt(after.json.aid) - BigInt(before.json.aid)).toBe(5n * 10n ** 18n);

    // the institution reads the record: the plaintext matches what the owner wrote
    const read = await aidoc(['records', 'read', recordId, '--account', 'dev:2', '--log-access']);
    expect(read.code, read.stdout).toBe(0);
    expect(read.json.resource).toEqual(observation);
    expect(read.json.via).toBe(grantId);
    expect(read.json.accessLogTx).toMatch(/^0x[0-9a-f]{64}$/);
    // on a terminal the resource is printed as JSON, the summary goes to stderr
    const onTerminal = await aidoc(['records', 'read', recordId, '--account', 'dev:2'], { tty: true });
    expect(onTerminal.code).toBe(0);
    expect(JSON.parse(onTerminal.stdout)).toEqual(observation);
    expect(onTerminal.stderr).toContain(`through grant ${grantId}`);
    // --out writes the plaintext bytes
    const out = join(dir, 'read.json');
    expect((await aidoc(['records', 'read', recordId, '--account', 'dev:2', '--out', out])).code).toBe(0);
    expect(JSON.parse(await readFile(out, 'utf8'))).toEqual(observation);

    const received = await aidoc(['grant', 'list', '--account', 'dev:2', '--received']);
    expect(received.json.grants).toEqual([
      expect.objectContaining({ grantId, owner: owner.address, status: 'active' }),
    ]);

    // the owner revokes; the institution's next read is refused (exit 1, ACCESS_DENIED), also as a real process
    const revoke = await aidoc(['grant', 'revoke', grantId, '--account', 'dev:1']);
    expect(revoke.code, revoke.stdout).toBe(0);
    expect(revoke.json.grantId).toBe(grantId);
    const refused = await aidoc(['records', 'read', recordId, '--account', 'dev:2']);
    expect(refused.code).toBe(1);
    expect(refused.json.error.code).toBe('ACCESS_DENIED');
    expect(refused.json.error.data).toMatchObject({ recordId, reader: institution.address });
    const child = spawnCli(['records', 'read', recordId, '--account', 'dev:2', '--json'], 60_000, env);
    const exited = await child.exited;
    expect(exited.code).toBe(1);
    expect(JSON.parse(child.lines.join('\n')).error.code).toBe('ACCESS_DENIED');
    const stillGiven = await aidoc(['grant', 'list', '--account', 'dev:1', '--all']);
    expect(stillGiven.json.grants).toEqual([expect.objectContaining({ grantId, status: 'revoked' })]);

    // the audit trail: every step, oldest first
    const history = await aidoc(['records', 'history', recordId]);
    expect(history.code).toBe(0);
    const types = history.json.events.map((e: { type: string }) => e.type);
    for (const step of ['registered', 'requested', 'approved', 'granted', 'read', 'revoked']) {
      expect(types, step).toContain(step);
    }
    const at = (t: string) => types.indexOf(t);
    expect(at('registered')).toBeLessThan(at('requested'));
    expect(at('requested')).toBeLessThan(at('approved'));
    expect(at('approved')).toBeLessThanOrEqual(at('read'));
    expect(at('read')).toBeLessThan(at('revoked'));
    const readEvent = history.json.events.find((e: { type: string }) => e.type === 'read');
    expect(readEvent.actor).toBe(institution.address);
    expect(readEvent.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    const text = await aidoc(['records', 'history', recordId], { tty: true });
    expect(text.stdout).toMatch(/registered[\s\S]*requested[\s\S]*read[\s\S]*revoked/);
  });

  it('grants a category, rotates after a revocation, denies and withdraws requests with refunds', async () => {
    const patient = walletAccountFromMnemonic(DEV_MNEMONIC, { index: 5 });
    const hospital = walletAccountFromMnemonic(DEV_MNEMONIC, { index: 6 });
    for (const who of ['dev:5', 'dev:6'])
      expect((await aidoc(['keys', 'register', '--account', who])).code).toBe(0);
    const file = join(dir, 'pulse.json');
    await writeFile(file, JSON.stringify(observation));
    const first = await aidoc(['records', 'upload', file, '--account', 'dev:5']);
    const recordId: string = first.json.recordId;

    const grant = await aidoc([
      'grant',
      'create',
      '--account',
      'dev:5',
      '--to',
      hospital.address,
      '--scope',
      'patient/Observation.rs?category=vital-signs',
      '--purpose',
      'TREAT',
      '--expires-in',
      '30d',
    ]);
    expect(grant.code, grant.stdout).toBe(0);
    expect(grant.json.recordIds).toEqual([recordId]);
    const given = await aidoc(['grant', 'list', '--account', 'dev:5']);
    expect(given.json.grants).toEqual([
      expect.objectContaining({
        grantId: grant.json.grantId,
        grantee: hospital.address,
        scope: expect.objectContaining({ text: 'patient/Observation.rs?category=vital-signs' }),
      }),
    ]);
    // a later record of the category is shared with the grantee at upload
    await writeFile(file, JSON.stringify({ ...observation, effectiveDateTime: '2024-05-07T07:00:00Z' }));
    const second = await aidoc(['records', 'upload', file, '--account', 'dev:5']);
    expect(second.json.regranted).toEqual([expect.objectContaining({ grantee: hospital.address })]);
    const later = await aidoc(['records', 'read', second.json.recordId, '--account', 'dev:6']);
    expect(later.json.resource.effectiveDateTime).toBe('2024-05-07T07:00:00Z');

    // revoke the live grant, then rotate: version 2, nobody re-keyed, the hospital is refused
    const live: string = second.json.regranted[0].grantId;
    expect((await aidoc(['grant', 'revoke', live, '--account', 'dev:5'])).code).toBe(0);
    const rotated = await aidoc(['grant', 'rotate', recordId, '--account', 'dev:5']);
    expect(rotated.code, rotated.stdout).toBe(0);
    expect(rotated.json).toMatchObject({ recordId, version: 2, regranted: [] });
    const denied = await aidoc(['records', 'read', recordId, '--account', 'dev:6']);
    expect(denied.json.error.code).toBe('ACCESS_DENIED');
    const mine = await aidoc(['records', 'read', recordId, '--account', 'dev:5']);
    expect(mine.json).toMatchObject({ via: 'owner', resource: observation });
    const history = await aidoc(['records', 'history', recordId]);
    expect(history.json.events.map((e: { type: string }) => e.type)).toContain('rotated');

    // a request denied, another withdrawn: both offers come back
    const start = await aidoc(['wallet', 'balance', hospital.address]);
    const ask = (purpose: string) =>
      aidoc([
        'access',
        'request',
        '--account',
        'dev:6',
        '--owner',
        patient.address,
        '--scope',
        `record:${recordId}`,
        '--purpose',
        purpose,
        '--offer',
        '1.25',
        '--duration',
        '12h',
        '--expires-in',
        '2d',
      ]);
    const one = await ask('first');
    const two = await ask('second');
    const escrowed = await aidoc(['wallet', 'balance', hospital.address]);
    expect(BigInt(start.json.aid) - BigInt(escrowed.json.aid)).toBe(2_500_000_000_000_000_000n);
    const outgoing = await aidoc(['access', 'list', '--account', 'dev:6', '--outgoing']);
    expect(outgoing.json.requests.map((r: { requestId: string }) => r.requestId)).toEqual([
      one.json.requestId,
      two.json.requestId,
    ]);
    const deny = await aidoc(['access', 'deny', one.json.requestId, '--account', 'dev:5']);
    expect(deny.json).toMatchObject({ requestId: one.json.requestId, refunded: '1250000000000000000' });
    const notYours = await aidoc(['access', 'approve', two.json.requestId, '--account', 'dev:6']);
    expect(notYours.code).toBe(1);
    expect(notYours.json.error.code).toBe('UNAUTHORIZED');
    const withdraw = await aidoc(['access', 'withdraw', two.json.requestId, '--account', 'dev:6']);
    expect(withdraw.code, withdraw.stdout).toBe(0);
    const end = await aidoc(['wallet', 'balance', hospital.address]);
    expect(end.json.aid).toBe(start.json.aid);
    const all = await aidoc(['access', 'list', '--account', 'dev:5', '--status', 'all']);
    expect(all.json.requests.map((r: { status: string }) => r.status)).toEqual(['denied', 'withdrawn']);
  });

  it('round-trips every record kind (Observation, DiagnosticReport, DocumentReference, Bundle, files) and refuses invalid FHIR', async () => {
    const kinds = {
      'heart-rate': heartRate(61, '2024-05-01T07:00:00Z'),
      'blood-pressure': bloodPressure(121, 79, '2024-05-01T07:01:00Z'),
      glucose,
      'lab-report': labReport,
      'discharge-letter': dischargeLetter,
      'vitals-bundle': vitalsBundle,
    };
    const expected: Record<string, string> = {
      'heart-rate': 'fhir+json;Observation',
      'blood-pressure': 'fhir+json;Observation',
      glucose: 'fhir+json;Observation',
      'lab-report': 'fhir+json;DiagnosticReport',
      'discharge-letter': 'fhir+json;DocumentReference',
      'vitals-bundle': 'fhir+json;Bundle',
    };
    for (const [name, resource] of Object.entries(kinds)) {
      const file = join(dir, `${name}.json`);
      await writeFile(file, JSON.stringify(resource));
      const upload = await aidoc(['records', 'upload', file, '--account', 'dev:7']);
      expect(upload.code, `${name}: ${upload.stdout}`).toBe(0);
      expect(upload.json.schema).toBe(expected[name]);
      const read = await aidoc(['records', 'read', upload.json.recordId, '--account', 'dev:7']);
      expect(read.json.resource, name).toEqual(resource);
      expect(read.json.via).toBe('owner');
    }

    // an opaque binary file: --out gives the same bytes back, JSON carries them as base64
    const bytes = Buffer.alloc(300_000);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31 + 7) % 251;
    const ecg = join(dir, 'ecg.edf');
    await writeFile(ecg, bytes);
    const file = await aidoc(['records', 'upload', ecg, '--category', 'ecg', '--account', 'dev:7']);
    expect(file.json).toMatchObject({
      kind: 'file',
      schema: 'application/edf',
      category: 'ecg',
      size: bytes.length,
    });
    const out = join(dir, 'ecg-read.edf');
    await aidoc(['records', 'read', file.json.recordId, '--account', 'dev:7', '--out', out]);
    expect(Buffer.compare(await readFile(out), bytes)).toBe(0);
    const asJson = await aidoc(['records', 'read', file.json.recordId, '--account', 'dev:7']);
    expect(Buffer.compare(Buffer.from(asJson.json.dataBase64, 'base64'), bytes)).toBe(0);
    const binaryOnTerminal = await aidoc(['records', 'read', file.json.recordId, '--account', 'dev:7'], {
      tty: true,
    });
    expect(binaryOnTerminal.code).toBe(2);
    expect(binaryOnTerminal.stderr).toContain('--out');
    // a text file prints as text on a terminal
    const note = join(dir, 'note.txt');
    await writeFile(note, 'Allergic to penicillin.\n');
    const text = await aidoc(['records', 'upload', note, '--category', 'notes', '--account', 'dev:7']);
    const shown = await aidoc(['records', 'read', text.json.recordId, '--account', 'dev:7'], { tty: true });
    expect(shown.stdout).toBe('Allergic to penicillin.\n');

    // invalid FHIR: a heart rate in kilograms, an Observation without a code; nothing is registered
    const before = await aidoc(['records', 'list', '--account', 'dev:7']);
    const wrongUnit = heartRate(61, '2024-05-01T07:00:00Z');
    wrongUnit.valueQuantity = { value: 61, unit: 'kg', system: 'http://unitsofmeasure.org', code: 'kg' };
    const { code: _code, ...noCode } = glucose;
    for (const [name, resource] of [
      ['wrong-unit', wrongUnit],
      ['no-code', noCode],
    ] as const) {
      const bad = join(dir, `${name}.json`);
      await writeFile(bad, JSON.stringify(resource));
      const refused = await aidoc(['records', 'upload', bad, '--account', 'dev:7']);
      expect(refused.code, name).toBe(2);
      expect(refused.json.error.code, name).toBe('INVALID_INPUT');
    }
    const after = await aidoc(['records', 'list', '--account', 'dev:7']);
    expect(after.json.records).toHaveLength(before.json.records.length);
  });

  it('shows upload progress on a terminal and needs --category for a non-FHIR file', async () => {
    const file = join(dir, 'ecg.bin');
    await writeFile(file, Buffer.alloc(1_500_000, 7));
    const missing = await aidoc(['records', 'upload', file, '--account', 'dev:3']);
    expect(missing.code).toBe(2);
    expect(missing.json.error.message).toContain('--category');
    const io = collectIo({ tty: true, env });
    const code = await runCli(
      ['node', 'aidoc', 'records', 'upload', file, '--category', 'ecg', '--account', 'dev:3'],
      io,
    );
    expect(code, io.stderr.text()).toBe(0);
    expect(io.stderr.text()).toContain('Uploading');
    expect(io.stderr.text()).toContain('100%');
    expect(io.stdout.text()).toMatch(/Uploaded .*ecg\.bin as record \d+/);
    expect(io.stdout.text()).toContain('application/octet-stream');
  });

  it('rejects bad input with exit code 2 and changes nothing', async () => {
    for (const args of [
      ['records', 'read', 'abc', '--account', 'dev:1'],
      ['records', 'read', '1'], // no account
      ['grant', 'create', '--account', 'dev:1', '--scope', 'record:1', '--purpose', 'x'], // no --to
      [
        'grant',
        'create',
        '--account',
        'dev:1',
        '--to',
        institution.address,
        '--scope',
        'patient/Observation.write',
        '--purpose',
        'x',
      ],
      [
        'access',
        'request',
        '--account',
        'dev:2',
        '--owner',
        owner.address,
        '--scope',
        'record:1',
        '--purpose',
        'x',
        '--duration',
        'soon',
      ],
      ['wallet', 'transfer', owner.address, '1.5.2', '--account', 'dev:1'],
      ['records', 'list', '--account', 'dev:x'],
    ]) {
      const run = await aidoc(args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.json.error.code, args.join(' ')).toBe('INVALID_INPUT');
    }
    // the usage hint names the command, wherever the global options stand
    const early = await aidoc(['--account', 'dev:1', '--json', 'records', 'read', 'abc', '--log-access']);
    expect(early.json.error.details).toBe("Run 'aidoc records read --help' for usage.");
  });

  it('documents every data command in --help', async () => {
    const groups: Record<string, string[]> = {
      wallet: ['new', 'import', 'list', 'balance', 'transfer'],
      keys: ['register', 'show'],
      records: ['upload', 'list', 'read', 'history'],
      grant: ['create', 'revoke', 'rotate', 'list'],
      access: ['request', 'approve', 'deny', 'withdraw', 'list'],
    };
    for (const [group, leaves] of Object.entries(groups)) {
      const help = await aidoc([group, '--help'], { tty: true });
      expect(help.code, group).toBe(0);
      for (const leaf of leaves)
        expect(help.stdout, `${group} ${leaf}`).toMatch(new RegExp(`\\n  ${leaf}\\b`));
      for (const leaf of leaves) {
        const leafHelp = await aidoc([group, leaf, '--help'], { tty: true });
        for (const flag of ['--rpc', '--ipfs', '--account', '--password-file', '--json']) {
          expect(leafHelp.stdout, `${group} ${leaf} ${flag}`).toContain(flag);
        }
      }
    }
  });
});

describe('keystores through the aidoc CLI', () => {
  const password = 'correct horse battery staple';
  let keystoreDir: string;
  let keyEnv: Record<string, string>;
  beforeAll(async () => {
    keystoreDir = join(dir, 'keystores');
    keyEnv = { AIDOC_KEYSTORE_DIR: keystoreDir, AIDOC_KEYSTORE_PASSWORD: password };
  });

  it('wallet new creates a 0600 keystore and shows the mnemonic only on a terminal or with --show-mnemonic', async () => {
    const created = await aidoc(['wallet', 'new', '--name', 'x', '--scrypt-n', '4096'], { env: keyEnv });
    expect(created.code, created.stdout).toBe(0);
    expect(created.json.name).toBe('x');
    expect(created.json.address).toMatch(/^0x[0-9a-fA-F]{40}$/);
    expect(created.json.mnemonic).toBeUndefined();
    const { stat } = await import('node:fs/promises');
    expect((await stat(created.json.keystore)).mode & 0o777).toBe(0o600);
    const keystore = JSON.parse(await readFile(created.json.keystore, 'utf8'));
    expect(keystore.version).toBe(3);
    expect(`0x${keystore.address}`.toLowerCase()).toBe(created.json.address.toLowerCase());

    const shown = await aidoc(['wallet', 'new', '--name', 'y', '--scrypt-n', '4096', '--show-mnemonic'], {
      env: keyEnv,
    });
    expect(shown.json.mnemonic.split(' ')).toHaveLength(12);
    expect(walletAccountFromMnemonic(shown.json.mnemonic).address).toBe(shown.json.address);

    const terminal = await aidoc(['wallet', 'new', '--name', 'z', '--scrypt-n', '4096', '--words', '24'], {
      env: keyEnv,
      tty: true,
    });
    expect(terminal.code).toBe(0);
    const phrase = /\n\n {2}([a-z ]+)\n/.exec(terminal.stdout)?.[1] ?? '';
    expect(phrase.split(' ')).toHaveLength(24);
    expect(terminal.stdout).toContain(walletAccountFromMnemonic(phrase).address);

    const taken = await aidoc(['wallet', 'new', '--name', 'x', '--scrypt-n', '4096'], { env: keyEnv });
    expect(taken.code).toBe(2);
    const noPassword = await aidoc(['wallet', 'new', '--name', 'w'], {
      env: { AIDOC_KEYSTORE_DIR: keystoreDir },
    });
    expect(noPassword.code).toBe(2);
    expect(noPassword.json.error.message).toContain('No password');
  });

  it('imports a private key file and a keystore file, lists them, and acts with --account NAME (also for deploy)', async () => {
    const dev4 = walletAccountFromMnemonic(DEV_MNEMONIC, { index: 4 });
    const keyFile = join(dir, 'dev4.key');
    await writeFile(keyFile, `${dev4.privateKey}\n`);
    const imported = await aidoc(
      ['wallet', 'import', '--name', 'lab', '--private-key-file', keyFile, '--scrypt-n', '4096'],
      { env: keyEnv },
    );
    expect(imported.code, imported.stdout).toBe(0);
    expect(imported.json).toMatchObject({ name: 'lab', address: dev4.address, source: 'private-key' });
    expect(imported.stdout).not.toContain(dev4.privateKey.slice(2));

    // a v3 keystore written elsewhere (here by the SDK, as geth or cast would) is copied in unchanged
    const { encryptKeystore, createRandomWalletAccount } = await import('@aidoc/sdk');
    const fresh = createRandomWalletAccount();
    const external = join(dir, 'UTC--external.json');
    const externalJson = JSON.stringify(await encryptKeystore(fresh, 'other password', { scryptN: 4096 }));
    await writeFile(external, externalJson);
    const copied = await aidoc(['wallet', 'import', '--name', 'clinic', '--keystore', external], {
      env: keyEnv,
    });
    expect(copied.code, copied.stdout).toBe(0);
    expect(copied.json).toMatchObject({ name: 'clinic', address: fresh.address, source: 'keystore' });
    expect(await readFile(copied.json.keystore, 'utf8')).toBe(`${externalJson}\n`);

    const list = await aidoc(['wallet', 'list', '--json'], { env: keyEnv });
    expect(list.json.dir).toBe(keystoreDir);
    expect(list.json.keystores.map((k: { name: string }) => k.name)).toEqual([
      'clinic',
      'lab',
      'x',
      'y',
      'z',
    ]);
    expect(list.json.keystores.find((k: { name: string }) => k.name === 'lab').address).toBe(dev4.address);

    // the keystore account acts: balance, transfer, key registration
    const balance = await aidoc(['wallet', 'balance', '--account', 'lab'], { env: keyEnv });
    expect(balance.code, balance.stdout).toBe(0);
    expect(balance.json.address).toBe(dev4.address);
    const transfer = await aidoc(
      ['wallet', 'transfer', fresh.address, '2.5', '--asset', 'aid', '--account', 'lab'],
      { env: keyEnv },
    );
    expect(transfer.code, transfer.stdout).toBe(0);
    expect(transfer.json).toMatchObject({
      from: dev4.address,
      to: fresh.address,
      amount: '2500000000000000000',
      asset: 'AID',
    });
    const received = await aidoc(['wallet', 'balance', fresh.address]);
    expect(received.json.formatted.aid).toBe('2.5');

    // the imported keystore has its own password: the wrong one is refused, a password file works
    const wrong = await aidoc(['wallet', 'balance', '--account', 'clinic'], { env: keyEnv });
    expect(wrong.code).toBe(1);
    expect(wrong.json.error.code).toBe('DECRYPTION_FAILED');
    expect(wrong.stdout).not.toContain(password);
    const passwordFile = join(dir, 'clinic.pw');
    await writeFile(passwordFile, 'other password\n');
    const right = await aidoc(['wallet', 'balance', '--account', 'clinic', '--password-file', passwordFile], {
      env: keyEnv,
    });
    expect(right.json.aid).toBe('2500000000000000000');

    const unknown = await aidoc(['wallet', 'balance', '--account', 'nobody'], { env: keyEnv });
    expect(unknown.code).toBe(1);
    expect(unknown.json.error.code).toBe('NOT_FOUND');

    // aidoc deploy --account NAME decrypts the keystore through the SDK
    const out = join(dir, 'aidoc.deployments.json');
    const deploy = await aidoc(['deploy', '--rpc', devnet.rpcUrl, '--account', 'lab', '--out', out], {
      env: keyEnv,
    });
    expect(deploy.code, deploy.stdout).toBe(0);
    expect(deploy.json.deployer).toBe(dev4.address);
    const written = JSON.parse(await readFile(out, 'utf8'));
    expect(Object.keys(written[String(deploy.json.chainId)])).toContain('LifeBank');
    expect(deploy.stdout).not.toContain(dev4.privateKey.slice(2));
  });
});
