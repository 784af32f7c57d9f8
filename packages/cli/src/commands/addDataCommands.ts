import { type Command, InvalidArgumentError } from 'commander';
import type { CliContext } from '../cliContext';
import {
  parseAddressRef,
  parseAmount,
  parseDate,
  parseDuration,
  parseId,
  parseKeystoreName,
  parseScryptN,
} from '../options/dataOptionParsers';
import { globalOptions } from '../options/globalOptions';
import { integerInRange, parseFilePath } from '../options/optionParsers';
import { createCommandBuilders } from './createCommandBuilders';

const accountHelp = `
Global options (before or after the command): --rpc, --ipfs, --account NAME|dev:N, --keystore-dir,
--password-file, --deployments, --json. On a devnet, --account dev:N is its funded test account N.
Exit codes: 0 done, 1 refused or failed (the JSON error has a code such as ACCESS_DENIED), 2 usage error.`;

function parseAsset(raw: string): 'native' | 'AID' {
  const value = raw.trim().toLowerCase();
  if (value === 'native') return 'native';
  if (value === 'aid') return 'AID';
  throw new InvalidArgumentError('Expected native or AID.');
}

function parseWords(raw: string): 12 | 24 {
  if (raw.trim() === '12') return 12;
  if (raw.trim() === '24') return 24;
  throw new InvalidArgumentError('Expected 12 or 24.');
}

const statuses = ['pending', 'approved', 'denied', 'withdrawn', 'expired', 'all'] as const;
function parseStatus(raw: string): (typeof statuses)[number] {
  const value = raw.trim().toLowerCase();
  const found = statuses.find((s) => s === value);
  if (!found) throw new InvalidArgumentError(`Expected one of ${statuses.join(', ')}.`);
  return found;
}

const scopeHelp =
  'record:ID, records:ID,ID,… or a SMART v2 read scope such as patient/Observation.rs?category=vital-signs';

/**
 * Add the data-access command groups to the program: `wallet`, `keys`, `records`, `grant` and `access`. Each
 * leaf takes the {@link globalOptions} (also accepted before the command) and lazily imports its runner.
 *
 * @example
 * ```ts
 * addDataCommands(program, ctx);
 * ```
 */
export function addDataCommands(program: Command, ctx: CliContext): void {
  const { leaf, group } = createCommandBuilders(program, ctx, accountHelp);

  // wallet -------------------------------------------------------------------------------------------
  const wallet = group(
    'wallet',
    'create, import and list accounts (encrypted keystores); balances and transfers',
  );
  leaf(
    wallet,
    'new',
    'create an account from a new BIP-39 mnemonic and save it as an encrypted keystore',
    [
      {
        flags: '--name <name>',
        description: 'keystore name (file <name>.json)',
        parse: parseKeystoreName,
        required: true,
      },
      {
        flags: '--words <count>',
        description: 'mnemonic length: 12 or 24',
        parse: parseWords,
        defaultDescription: '12',
      },
      {
        flags: '--show-mnemonic',
        description: 'print the recovery phrase even when stdout is not a terminal (and in --json)',
      },
      {
        flags: '--scrypt-n <n>',
        description: 'scrypt cost of the keystore (4096 is fast, for tests)',
        parse: parseScryptN,
        defaultDescription: '262144',
      },
    ],
    async (_args, flags) => {
      const { runWalletNew } = await import('./wallet/walletRunner');
      await runWalletNew(flags as never, ctx);
    },
    `
Examples:
  $ aidoc wallet new --name patient                   # asks for a password; shows the phrase once
  $ aidoc wallet new --name ci --password-file pw.txt --json`,
  );
  leaf(
    wallet,
    'import',
    'import an account: a private key or mnemonic from a file, or a v3 keystore from geth / cast wallet',
    [
      {
        flags: '--name <name>',
        description: 'keystore name in the folder',
        parse: parseKeystoreName,
        required: true,
      },
      {
        flags: '--private-key-file <path>',
        description: 'file holding a hex private key',
        parse: parseFilePath,
      },
      {
        flags: '--keystore <path>',
        description: 'v3 keystore file to copy in unchanged (no password needed)',
        parse: parseFilePath,
      },
      {
        flags: '--mnemonic-file <path>',
        description: 'file holding a BIP-39 mnemonic',
        parse: parseFilePath,
      },
      {
        flags: '--index <n>',
        description: "with --mnemonic-file: account index (m/44'/60'/0'/0/n)",
        parse: integerInRange(0, 0x7fffffff),
      },
      { flags: '--scrypt-n <n>', description: 'scrypt cost of the new keystore', parse: parseScryptN },
    ],
    async (_args, flags) => {
      const { runWalletImport } = await import('./wallet/walletRunner');
      await runWalletImport(flags as never, ctx);
    },
    `
Examples:
  $ aidoc wallet import --name lab --private-key-file lab.key
  $ aidoc wallet import --name geth-key --keystore ~/.ethereum/keystore/UTC--2024-…`,
  );
  leaf(wallet, 'list', 'list the keystores in the keystore folder', [], async (_args, flags) => {
    const { runWalletList } = await import('./wallet/walletRunner');
    await runWalletList(flags, ctx);
  });
  leaf(
    wallet,
    'balance',
    'show the native coin and AID balances of an address (default: --account)',
    [],
    async ([address], flags) => {
      const { runWalletBalance } = await import('./wallet/walletRunner');
      await runWalletBalance(address as string | undefined, flags, ctx);
    },
  ).argument('[address]', 'whose balance: an address, a keystore name or dev:N', parseAddressRef);
  leaf(
    wallet,
    'transfer',
    'send the native coin or AID from --account',
    [
      {
        flags: '--asset <asset>',
        description: 'native or AID',
        parse: parseAsset,
        defaultValue: 'native',
      },
    ],
    async ([to, amount], flags) => {
      const { runWalletTransfer } = await import('./wallet/walletRunner');
      await runWalletTransfer(to as string, amount as string, flags as never, ctx);
    },
    `
Examples:
  $ aidoc wallet transfer 0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC 25 --asset AID --account dev:1`,
  )
    .argument('<to>', 'recipient: an address, a keystore name or dev:N', parseAddressRef)
    .argument('<amount>', 'amount in coins (18 decimals), e.g. 1.5', parseAmount);

  // keys ---------------------------------------------------------------------------------------------
  const keys = group('keys', 'encryption keys in KeyRegistry (needed to receive grants)');
  leaf(
    keys,
    'register',
    "register --account's encryption public key so others can share records with it",
    [{ flags: '--force', description: 'send a registration even if the same key is registered' }],
    async (_args, flags) => {
      const { runKeysRegister } = await import('./wallet/walletRunner');
      await runKeysRegister(flags, ctx);
    },
  );
  leaf(
    keys,
    'show',
    'show the encryption key registered for an address (default: --account)',
    [],
    async ([address], flags) => {
      const { runKeysShow } = await import('./wallet/walletRunner');
      await runKeysShow(address as string | undefined, flags, ctx);
    },
  ).argument('[address]', 'whose key: an address, a keystore name or dev:N', parseAddressRef);

  // records ------------------------------------------------------------------------------------------
  const records = group('records', 'encrypted health records: upload, list, read, history');
  leaf(
    records,
    'upload',
    'encrypt a FHIR resource (JSON) or any file, store it on IPFS and register it on chain',
    [
      { flags: '--category <category>', description: 'category (required for non-FHIR files), e.g. genome' },
      {
        flags: '--media-type <type>',
        description: 'upload as an opaque file with this media type (default from the extension)',
      },
      { flags: '--no-share', description: 'do not re-issue category grants to include the new record' },
    ],
    async ([file], flags) => {
      const { runRecordsUpload } = await import('./records/recordsRunner');
      await runRecordsUpload(file as string, flags as never, ctx);
    },
    `
Examples:
  $ aidoc records upload heart-rate.json --account dev:1          # FHIR Observation, category from the resource
  $ aidoc records upload genome.vcf.gz --category genome --account patient`,
  ).argument('<file>', 'the file to upload', parseFilePath);
  leaf(
    records,
    'list',
    "list an owner's records (default: --account)",
    [
      {
        flags: '--owner <address>',
        description: 'whose records (an address, a keystore name or dev:N)',
        parse: parseAddressRef,
      },
      { flags: '--category <category>', description: 'only this category' },
      { flags: '--since <date>', description: 'created at or after', parse: parseDate },
      { flags: '--until <date>', description: 'created before', parse: parseDate },
      { flags: '--all', description: 'include deactivated records' },
    ],
    async (_args, flags) => {
      const { runRecordsList } = await import('./records/recordsRunner');
      await runRecordsList(flags as never, ctx);
    },
  );
  leaf(
    records,
    'read',
    'read, decrypt and verify a record you own or hold a live grant for',
    [
      {
        flags: '--out <path>',
        description: 'write the plaintext to this file (mode 0600)',
        parse: parseFilePath,
      },
      { flags: '--log-access', description: 'also record the read in the on-chain access log' },
    ],
    async ([id], flags) => {
      const { runRecordsRead } = await import('./records/recordsRunner');
      await runRecordsRead(id as bigint, flags as never, ctx);
    },
    `
Examples:
  $ aidoc records read 1 --account dev:2 --log-access
  $ aidoc records read 7 --out genome.vcf.gz --account patient`,
  ).argument('<recordId>', 'record id', parseId);
  leaf(
    records,
    'history',
    "a record's audit trail: registered, granted, requested, approved, read, revoked, rotated",
    [],
    async ([id], flags) => {
      const { runRecordsHistory } = await import('./records/recordsRunner');
      await runRecordsHistory(id as bigint, flags, ctx);
    },
  ).argument('<recordId>', 'record id', parseId);

  // grant --------------------------------------------------------------------------------------------
  const grant = group('grant', 'give, revoke and list read access to your records; rotate record keys');
  leaf(
    grant,
    'create',
    'grant an account read access to a record, records or a category',
    [
      {
        flags: '--to <address>',
        description: 'grantee, who must have registered a key (an address, a keystore name or dev:N)',
        parse: parseAddressRef,
        required: true,
      },
      { flags: '--scope <scope>', description: scopeHelp, required: true },
      { flags: '--purpose <text>', description: 'why, e.g. TREAT or a study name', required: true },
      {
        flags: '--expires-in <duration>',
        description: 'how long: 3600, 12h, 30d, 2w',
        parse: parseDuration,
        defaultDescription: '30d',
      },
      { flags: '--expires-at <date>', description: 'or until this date', parse: parseDate },
    ],
    async (_args, flags) => {
      const { runGrantCreate } = await import('./grant/grantRunner');
      await runGrantCreate(flags as never, ctx);
    },
    `
Examples:
  $ aidoc grant create --to 0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC \\
      --scope 'patient/Observation.rs?category=vital-signs' --purpose TREAT --expires-in 30d --account dev:1`,
  );
  leaf(
    grant,
    'revoke',
    'revoke a grant you gave (what was already read stays read)',
    [],
    async ([id], flags) => {
      const { runGrantRevoke } = await import('./grant/grantRunner');
      await runGrantRevoke(id as bigint, flags, ctx);
    },
  ).argument('<grantId>', 'grant id', parseId);
  leaf(
    grant,
    'rotate',
    're-encrypt a record under a new key and re-wrap it for live grantees only',
    [],
    async ([id], flags) => {
      const { runGrantRotate } = await import('./grant/grantRunner');
      await runGrantRotate(id as bigint, flags, ctx);
    },
  ).argument('<recordId>', 'record id', parseId);
  leaf(
    grant,
    'list',
    'list live grants you gave (or received with --received)',
    [
      { flags: '--received', description: 'grants given to the account' },
      { flags: '--all', description: 'include expired, revoked and superseded grants' },
      {
        flags: '--of <address>',
        description: 'another account: an address, a keystore name or dev:N (no --account needed)',
        parse: parseAddressRef,
      },
    ],
    async (_args, flags) => {
      const { runGrantList } = await import('./grant/grantRunner');
      await runGrantList(flags as never, ctx);
    },
  );

  // access -------------------------------------------------------------------------------------------
  const access = group('access', 'paid access requests: request, approve, deny, withdraw, list');
  leaf(
    access,
    'request',
    'ask an owner for access, with an AID offer held in escrow',
    [
      {
        flags: '--owner <address>',
        description: 'whose records (an address, a keystore name or dev:N)',
        parse: parseAddressRef,
        required: true,
      },
      { flags: '--scope <scope>', description: scopeHelp, required: true },
      { flags: '--purpose <text>', description: 'why access is needed', required: true },
      {
        flags: '--offer <AID>',
        description: 'AID offered, e.g. 5 or 0.5',
        parse: parseAmount,
        defaultValue: '0',
      },
      {
        flags: '--duration <duration>',
        description: 'access asked for, from approval: 3600, 12h, 30d',
        parse: parseDuration,
        required: true,
      },
      {
        flags: '--expires-in <duration>',
        description: 'time the owner has to answer',
        parse: parseDuration,
        defaultDescription: '7d',
      },
    ],
    async (_args, flags) => {
      const { runAccessRequest } = await import('./access/accessRunner');
      await runAccessRequest(flags as never, ctx);
    },
    `
Examples:
  $ aidoc access request --owner 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 \\
      --scope 'patient/*.rs?category=laboratory' --purpose 'Diabetes study' --offer 5 --duration 7d --account dev:2`,
  );
  leaf(
    access,
    'approve',
    'approve a request to you: grant access and take the offer',
    [],
    async ([id], flags) => {
      const { runAccessApprove } = await import('./access/accessRunner');
      await runAccessApprove(id as bigint, flags, ctx);
    },
  ).argument('<requestId>', 'request id', parseId);
  leaf(access, 'deny', 'deny a request to you; the requester is refunded', [], async ([id], flags) => {
    const { runAccessDeny } = await import('./access/accessRunner');
    await runAccessDeny(id as bigint, flags, ctx);
  }).argument('<requestId>', 'request id', parseId);
  leaf(
    access,
    'withdraw',
    'withdraw your pending request (or refund anyone’s expired one)',
    [],
    async ([id], flags) => {
      const { runAccessWithdraw } = await import('./access/accessRunner');
      await runAccessWithdraw(id as bigint, flags, ctx);
    },
  ).argument('<requestId>', 'request id', parseId);
  leaf(
    access,
    'list',
    'list requests to you (or by you with --outgoing); pending ones unless --status',
    [
      { flags: '--outgoing', description: 'requests the account sent' },
      {
        flags: '--status <status>',
        description: statuses.join(' | '),
        parse: parseStatus,
        defaultDescription: 'pending',
      },
      {
        flags: '--of <address>',
        description: 'another account: an address, a keystore name or dev:N (no --account needed)',
        parse: parseAddressRef,
      },
    ],
    async (_args, flags) => {
      const { runAccessList } = await import('./access/accessRunner');
      await runAccessList(flags as never, ctx);
    },
  );
}
