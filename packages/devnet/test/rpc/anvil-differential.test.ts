import { aidTokenAbi, aidTokenBytecode } from '@aidoc/contracts';
import { type Devnet, startDevnet } from '@aidoc/devnet';
import {
  type Address,
  encodeAbiParameters,
  encodeDeployData,
  encodeFunctionData,
  getContractAddress,
  type Hex,
  keccak256,
  type PrivateKeyAccount,
  parseEther,
  parseGwei,
  serializeTransaction,
  type TransactionSerializable,
} from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AnvilProcess, startAnvilProcess } from './fixtures/anvilProcess';
import { compileProbe } from './fixtures/probeContract';
import { type RpcResponse, rawRpc, rpcResult } from './fixtures/rawRpc';

/**
 * Differential suite: the same signed transactions and queries go to the devnet and to Anvil (the
 * reference), and what Ethereum semantics fix must agree.
 *
 * Excluded on purpose, because they legitimately differ:
 * - block hashes, state roots, extraData, timestamps, miner: the devnet seals QBFT-format headers and has
 *   its own genesis;
 * - genesis state: the devnet has the AIDOC system contracts (AID etc.) pre-deployed by a separate deployer
 *   account, Anvil has nothing; we only touch accounts and contracts created by the sequence below;
 * - base fee per block: Anvil gives block 1 the genesis base fee (1 gwei), the devnet (like geth) applies the
 *   EIP-1559 update from genesis (0.875 gwei), so `effectiveGasPrice` and senders' fee spend differ. Sender
 *   balances are compared after adding back each node's own fee spend (gasUsed x effectiveGasPrice);
 * - error codes for rejected transactions: Anvil answers -32003 (EIP-1474 "transaction rejected") where
 *   geth and the devnet answer -32000, and -32602 where geth says -32000 for bad signatures; both are
 *   accepted, the message gist must match;
 * - a nonce far ahead: Anvil queues it, the devnet rejects it (more than 1024 ahead, see bad-input tests).
 */

/** estimateGas may differ by at most this fraction between the two nodes (binary search granularity). */
const ESTIMATE_TOLERANCE = 0.01;

const { abi: probeAbi, bytecode: probeBytecode } = compileProbe();

interface Node {
  name: 'devnet' | 'anvil';
  url: string;
}

interface Step {
  label: string;
  from: PrivateKeyAccount;
  raw: Hex;
}

async function receiptOf(url: string, hash: Hex): Promise<Record<string, unknown>> {
  for (let i = 0; i < 500; i++) {
    const r = await rpcResult<Record<string, unknown> | null>(url, 'eth_getTransactionReceipt', [hash]);
    if (r) return r;
    await new Promise((res) => setTimeout(res, 20));
  }
  throw new Error(`no receipt for ${hash} on ${url}`);
}

/** The receipt fields both nodes must agree on. */
function comparable(r: Record<string, unknown>) {
  const logs = (r.logs as Record<string, unknown>[]).map((l) => ({
    address: String(l.address).toLowerCase(),
    topics: l.topics,
    data: l.data,
    logIndex: l.logIndex,
    transactionIndex: l.transactionIndex,
    removed: l.removed,
  }));
  return {
    status: r.status,
    type: r.type,
    from: String(r.from).toLowerCase(),
    to: r.to === null ? null : String(r.to).toLowerCase(),
    contractAddress:
      r.contractAddress === null || r.contractAddress === undefined
        ? null
        : String(r.contractAddress).toLowerCase(),
    gasUsed: r.gasUsed,
    cumulativeGasUsed: r.cumulativeGasUsed,
    logsBloom: r.logsBloom,
    transactionIndex: r.transactionIndex,
    logs,
  };
}

describe('differential: devnet vs Anvil', () => {
  let devnet: Devnet;
  let anvil: AnvilProcess;
  let nodes: Node[];
  const fees = new Map<string, bigint>(); // `${node}:${address}` → wei spent on gas
  const receipts = new Map<string, Record<string, unknown>[]>(); // label → [devnet, anvil]

  let alice: PrivateKeyAccount;
  let bob: PrivateKeyAccount;
  let carol: PrivateKeyAccount;
  let token: Address;
  let probe: Address;
  let probe2: Address;
  const stranger = '0x00000000000000000000000000000000000fee01' as Address;
  const steps: Step[] = [];

  const both = async (method: string, params: unknown[]): Promise<[RpcResponse, RpcResponse]> => {
    const [a, b] = await Promise.all(nodes.map((n) => rawRpc(n.url, method, params)));
    return [a!, b!];
  };

  beforeAll(async () => {
    [devnet, anvil] = await Promise.all([startDevnet({ port: 0 }), startAnvilProcess()]);
    nodes = [
      { name: 'devnet', url: devnet.rpcUrl },
      { name: 'anvil', url: anvil.rpcUrl },
    ];
    alice = privateKeyToAccount(devnet.accounts[0]!.privateKey);
    bob = privateKeyToAccount(devnet.accounts[1]!.privateKey);
    carol = privateKeyToAccount(devnet.accounts[2]!.privateKey);
    token = getContractAddress({ from: alice.address, nonce: 0n });
    probe = getContractAddress({ from: alice.address, nonce: 1n });
    probe2 = getContractAddress({ from: bob.address, nonce: 0n });

    // Build and sign every transaction once; both nodes receive the same bytes.
    const fee = { maxFeePerGas: parseGwei('20'), maxPriorityFeePerGas: parseGwei('1') };
    // Plain field bags; signTransaction below checks them (viem's union type does not infer per entry).
    const plan: [string, PrivateKeyAccount, Record<string, unknown>][] = [
      [
        'deploy AidToken',
        alice,
        {
          nonce: 0,
          gas: 3_000_000n,
          ...fee,
          data: encodeDeployData({
            abi: aidTokenAbi,
            bytecode: aidTokenBytecode,
            args: [
              alice.address,
              parseEther('1000000'),
              [alice.address, bob.address],
              [parseEther('1000'), parseEther('500')],
            ],
          }),
        },
      ],
      [
        'deploy Probe',
        alice,
        {
          nonce: 1,
          gas: 1_000_000n,
          ...fee,
          data: encodeDeployData({ abi: probeAbi, bytecode: probeBytecode, args: [5n] }),
        },
      ],
      [
        'deploy Probe (bob)',
        bob,
        {
          nonce: 0,
          gas: 1_000_000n,
          ...fee,
          data: encodeDeployData({ abi: probeAbi, bytecode: probeBytecode, args: [0n] }),
        },
      ],
      [
        'ERC-20 transfer',
        alice,
        {
          nonce: 2,
          gas: 100_000n,
          ...fee,
          to: token,
          data: encodeFunctionData({
            abi: aidTokenAbi,
            functionName: 'transfer',
            args: [carol.address, parseEther('100')],
          }),
        },
      ],
      ['value transfer', bob, { nonce: 1, gas: 21_000n, ...fee, to: stranger, value: parseEther('1.25') }],
      [
        'poke',
        alice,
        {
          nonce: 3,
          gas: 200_000n,
          ...fee,
          to: probe,
          data: encodeFunctionData({ abi: probeAbi, functionName: 'poke', args: [42n, 'differential'] }),
        },
      ],
      [
        'reverting (custom error)',
        alice,
        {
          nonce: 4,
          gas: 200_000n,
          ...fee,
          to: probe,
          data: encodeFunctionData({ abi: probeAbi, functionName: 'failCustom', args: [7n] }),
        },
      ],
      [
        'reverting (Error(string))',
        carol,
        {
          nonce: 0,
          gas: 200_000n,
          ...fee,
          to: probe,
          data: encodeFunctionData({ abi: probeAbi, functionName: 'failRequire', args: [3n] }),
        },
      ],
      [
        'reverting (panic)',
        carol,
        {
          nonce: 1,
          gas: 200_000n,
          ...fee,
          to: probe,
          data: encodeFunctionData({ abi: probeAbi, functionName: 'failDivide', args: [0n] }),
        },
      ],
      [
        'out of gas',
        carol,
        {
          nonce: 2,
          gas: 30_000n,
          ...fee,
          to: probe,
          data: encodeFunctionData({ abi: probeAbi, functionName: 'burnGas', args: [100n] }),
        },
      ],
      [
        'nested call',
        alice,
        {
          nonce: 5,
          gas: 300_000n,
          ...fee,
          to: probe,
          data: encodeFunctionData({ abi: probeAbi, functionName: 'pokeOther', args: [probe2, 9n] }),
        },
      ],
      [
        'approve',
        bob,
        {
          nonce: 2,
          gas: 100_000n,
          ...fee,
          to: token,
          data: encodeFunctionData({
            abi: aidTokenAbi,
            functionName: 'approve',
            args: [carol.address, parseEther('50')],
          }),
        },
      ],
      [
        'transferFrom',
        carol,
        {
          nonce: 3,
          gas: 100_000n,
          ...fee,
          to: token,
          data: encodeFunctionData({
            abi: aidTokenAbi,
            functionName: 'transferFrom',
            args: [bob.address, stranger, parseEther('20')],
          }),
        },
      ],
      [
        'legacy (type 0)',
        bob,
        { type: 'legacy', nonce: 3, gas: 21_000n, gasPrice: parseGwei('20'), to: stranger, value: 3n },
      ],
      [
        'access list (type 1)',
        alice,
        {
          type: 'eip2930',
          nonce: 6,
          gas: 200_000n,
          gasPrice: parseGwei('20'),
          to: probe,
          data: encodeFunctionData({ abi: probeAbi, functionName: 'poke', args: [43n, 'type 1'] }),
          accessList: [{ address: probe, storageKeys: [`0x${'0'.repeat(64)}`] }],
        },
      ],
      [
        'burn gas (storage rewrite)',
        alice,
        {
          nonce: 7,
          gas: 500_000n,
          ...fee,
          to: probe,
          data: encodeFunctionData({ abi: probeAbi, functionName: 'burnGas', args: [25n] }),
        },
      ],
      [
        'mint',
        alice,
        {
          nonce: 8,
          gas: 100_000n,
          ...fee,
          to: token,
          data: encodeFunctionData({ abi: aidTokenAbi, functionName: 'mint', args: [stranger, 777n] }),
        },
      ],
    ];
    for (const [label, from, tx] of plan) {
      const raw = await from.signTransaction({ chainId: 31337, ...tx } as TransactionSerializable);
      steps.push({ label, from, raw });
    }
  });

  afterAll(async () => {
    await Promise.all([devnet?.stop(), anvil?.stop()]);
  });

  it('starts from the same accounts, balances and nonces', async () => {
    const [da, aa] = await both('eth_accounts', []);
    expect((da.result as string[]).map((a) => a.toLowerCase())).toEqual(
      (aa.result as string[]).map((a) => a.toLowerCase()),
    );
    for (const who of [alice, bob, carol]) {
      const [db, ab] = await both('eth_getBalance', [who.address, 'latest']);
      expect(db.result).toBe(ab.result);
      const [dn, an] = await both('eth_getTransactionCount', [who.address, 'latest']);
      expect(dn.result).toBe(an.result);
    }
    const [dc, ac] = await both('eth_chainId', []);
    expect(dc.result).toBe(ac.result);
  });

  it('executes the same transaction sequence with identical receipts', async () => {
    for (const step of steps) {
      const [ds, as] = await both('eth_sendRawTransaction', [step.raw]);
      expect(ds.error, `${step.label} on devnet`).toBeUndefined();
      expect(as.error, `${step.label} on anvil`).toBeUndefined();
      expect(ds.result, step.label).toBe(keccak256(step.raw));
      expect(as.result, step.label).toBe(ds.result);
      const pair = await Promise.all(nodes.map((n) => receiptOf(n.url, ds.result as Hex)));
      receipts.set(step.label, pair);
      expect(comparable(pair[0]!), step.label).toEqual(comparable(pair[1]!));
      for (const [i, n] of nodes.entries()) {
        const r = pair[i]!;
        const key = `${n.name}:${step.from.address.toLowerCase()}`;
        fees.set(
          key,
          (fees.get(key) ?? 0n) + BigInt(r.gasUsed as string) * BigInt(r.effectiveGasPrice as string),
        );
      }
    }
    expect(receipts.get('deploy AidToken')![0]!.contractAddress).toBe(token.toLowerCase());
    expect(receipts.get('reverting (custom error)')![0]!.status).toBe('0x0');
    expect(receipts.get('out of gas')![0]!.status).toBe('0x0');
    expect(receipts.get('out of gas')![0]!.gasUsed).toBe('0x7530');
    expect((receipts.get('nested call')![0]!.logs as unknown[]).length).toBe(1);
  });

  it('ends with the same balances (fee-adjusted for senders) and nonces', async () => {
    const senders = [alice, bob, carol].map((a) => a.address);
    for (const who of [...senders, stranger, token, probe, probe2]) {
      const [db, ab] = await both('eth_getBalance', [who, 'latest']);
      const add = (node: string) => fees.get(`${node}:${who.toLowerCase()}`) ?? 0n;
      expect(BigInt(db.result as string) + add('devnet'), who).toBe(
        BigInt(ab.result as string) + add('anvil'),
      );
      const [dn, an] = await both('eth_getTransactionCount', [who, 'latest']);
      expect(dn.result, who).toBe(an.result);
    }
    const [, an] = await both('eth_getTransactionCount', [alice.address, 'latest']);
    expect(an.result).toBe('0x9');
    const [sb] = await both('eth_getBalance', [stranger, 'latest']);
    expect(BigInt(sb.result as string)).toBe(parseEther('1.25') + 3n);
  });

  it('has the same code and storage in the deployed contracts', async () => {
    for (const addr of [token, probe, probe2]) {
      const [dc, ac] = await both('eth_getCode', [addr, 'latest']);
      expect((dc.result as string).length).toBeGreaterThan(2);
      expect(dc.result, addr).toBe(ac.result);
    }
    const slots: [Address, Hex][] = [];
    for (let i = 0n; i < 12n; i++) {
      const slot = `0x${i.toString(16).padStart(64, '0')}` as Hex;
      slots.push([token, slot], [probe, slot], [probe2, slot]);
    }
    // Mapping entries: Probe.pokes (slot 1), ERC-20 balances (slot 0) and allowances (slot 1).
    const mapSlot = (key: Address, slot: bigint) =>
      keccak256(encodeAbiParameters([{ type: 'address' }, { type: 'uint256' }], [key, slot]));
    for (const who of [alice.address, bob.address, carol.address, stranger, probe]) {
      slots.push([probe, mapSlot(who, 1n)], [probe2, mapSlot(who, 1n)], [token, mapSlot(who, 0n)]);
    }
    slots.push([
      token,
      keccak256(
        encodeAbiParameters(
          [{ type: 'address' }, { type: 'bytes32' }],
          [carol.address, mapSlot(bob.address, 1n)],
        ),
      ),
    ]);
    let nonZero = 0;
    for (const [addr, slot] of slots) {
      const [ds, as] = await both('eth_getStorageAt', [addr, slot, 'latest']);
      expect(ds.result, `${addr} ${slot}`).toBe(as.result);
      if (BigInt(ds.result as string) !== 0n) nonZero++;
    }
    expect(nonZero).toBeGreaterThan(8);
  });

  it('answers eth_call identically, including revert data', async () => {
    const calls: { to: Address; data: Hex; from?: Address }[] = [
      {
        to: token,
        data: encodeFunctionData({ abi: aidTokenAbi, functionName: 'balanceOf', args: [carol.address] }),
      },
      {
        to: token,
        data: encodeFunctionData({
          abi: aidTokenAbi,
          functionName: 'allowance',
          args: [bob.address, carol.address],
        }),
      },
      { to: token, data: encodeFunctionData({ abi: aidTokenAbi, functionName: 'DOMAIN_SEPARATOR' }) },
      { to: token, data: encodeFunctionData({ abi: aidTokenAbi, functionName: 'totalSupply' }) },
      { to: probe, data: encodeFunctionData({ abi: probeAbi, functionName: 'value' }) },
      { to: probe2, data: encodeFunctionData({ abi: probeAbi, functionName: 'value' }) },
      {
        to: probe,
        from: bob.address,
        data: encodeFunctionData({ abi: probeAbi, functionName: 'failCustom', args: [1n] }),
      },
      { to: probe, data: encodeFunctionData({ abi: probeAbi, functionName: 'failRequire', args: [2n] }) },
      { to: probe, data: encodeFunctionData({ abi: probeAbi, functionName: 'failDivide', args: [0n] }) },
      { to: probe, data: encodeFunctionData({ abi: probeAbi, functionName: 'failAssert' }) },
      // OpenZeppelin custom errors from the real token: transfer above balance, mint without the role.
      {
        to: token,
        from: '0x00000000000000000000000000000000000fee02',
        data: encodeFunctionData({ abi: aidTokenAbi, functionName: 'transfer', args: [bob.address, 1n] }),
      },
      {
        to: token,
        from: bob.address,
        data: encodeFunctionData({ abi: aidTokenAbi, functionName: 'mint', args: [bob.address, 1n] }),
      },
      // Unknown selector on a contract without a fallback: empty revert data.
      { to: probe, data: '0xdeadbeef' },
    ];
    let reverts = 0;
    for (const c of calls) {
      const [d, a] = await both('eth_call', [c, 'latest']);
      if (a.error) {
        reverts++;
        expect(d.error, c.data).toBeDefined();
        expect(d.error!.code, c.data).toBe(a.error.code);
        expect(d.error!.code).toBe(3);
        expect(d.error!.data, c.data).toBe(a.error.data);
        expect(d.error!.message).toMatch(/execution reverted/);
        expect(a.error.message).toMatch(/execution reverted/);
      } else {
        expect(d.error, c.data).toBeUndefined();
        expect(d.result, c.data).toBe(a.result);
      }
    }
    expect(reverts).toBe(7);
  });

  it(`estimates gas within ±${ESTIMATE_TOLERANCE * 100}% of Anvil, and the same revert for failing calls`, async () => {
    const calls: Record<string, unknown>[] = [
      { from: alice.address, to: stranger, value: '0x1' },
      {
        from: carol.address,
        to: token,
        data: encodeFunctionData({ abi: aidTokenAbi, functionName: 'transfer', args: [bob.address, 10n] }),
      },
      {
        from: bob.address,
        to: probe,
        data: encodeFunctionData({ abi: probeAbi, functionName: 'poke', args: [1n, 'estimate'] }),
      },
      {
        from: bob.address,
        to: probe,
        data: encodeFunctionData({ abi: probeAbi, functionName: 'pokeOther', args: [probe2, 3n] }),
      },
      {
        from: bob.address,
        to: probe,
        data: encodeFunctionData({ abi: probeAbi, functionName: 'burnGas', args: [40n] }),
      },
      { from: bob.address, data: encodeDeployData({ abi: probeAbi, bytecode: probeBytecode, args: [1n] }) },
      // Storage cleared (refund): setting value back to zero.
      {
        from: bob.address,
        to: probe,
        data: encodeFunctionData({ abi: probeAbi, functionName: 'poke', args: [0n, ''] }),
      },
    ];
    for (const c of calls) {
      const [d, a] = await both('eth_estimateGas', [c]);
      expect(d.error, JSON.stringify(c)).toBeUndefined();
      const dv = Number(BigInt(d.result as string));
      const av = Number(BigInt(a.result as string));
      expect(Math.abs(dv - av) / av, `${JSON.stringify(c)}: devnet ${dv} anvil ${av}`).toBeLessThanOrEqual(
        ESTIMATE_TOLERANCE,
      );
    }
    const failing = {
      from: bob.address,
      to: probe,
      data: encodeFunctionData({ abi: probeAbi, functionName: 'failCustom', args: [5n] }),
    };
    const [d, a] = await both('eth_estimateGas', [failing]);
    expect(a.error?.code).toBe(3);
    expect(d.error?.code).toBe(3);
    expect(d.error?.data).toBe(a.error?.data);
  });

  describe('rejects the same bad transactions and changes nothing', () => {
    const fee = { maxFeePerGas: parseGwei('20'), maxPriorityFeePerGas: parseGwei('1') };
    const cases: { label: string; gist: RegExp; codes: number[]; build: () => Promise<Hex> }[] = [
      {
        label: 'nonce too low (replay)',
        gist: /nonce too low/i,
        codes: [-32000, -32003],
        build: async () => steps[0]!.raw,
      },
      {
        label: 'nonce too low (new tx)',
        gist: /nonce too low/i,
        codes: [-32000, -32003],
        build: () =>
          alice.signTransaction({ chainId: 31337, nonce: 2, gas: 21_000n, ...fee, to: stranger, value: 1n }),
      },
      {
        label: 'insufficient funds',
        gist: /insufficient funds/i,
        codes: [-32000, -32003],
        build: () =>
          privateKeyToAccount(generatePrivateKey()).signTransaction({
            chainId: 31337,
            nonce: 0,
            gas: 21_000n,
            ...fee,
            to: stranger,
            value: 1n,
          }),
      },
      {
        label: 'value above balance',
        gist: /insufficient funds/i,
        codes: [-32000, -32003],
        build: () =>
          carol.signTransaction({
            chainId: 31337,
            nonce: 4,
            gas: 21_000n,
            ...fee,
            to: stranger,
            value: parseEther('20000'),
          }),
      },
      {
        label: 'fee cap below base fee',
        gist: /fee.*(less than|below|too low).*base fee/i,
        codes: [-32000, -32003],
        build: () =>
          bob.signTransaction({
            chainId: 31337,
            nonce: 4,
            gas: 21_000n,
            maxFeePerGas: 1n,
            maxPriorityFeePerGas: 1n,
            to: stranger,
            value: 1n,
          }),
      },
      {
        label: 'intrinsic gas too low',
        gist: /intrinsic gas too low/i,
        codes: [-32000, -32003],
        build: () =>
          bob.signTransaction({ chainId: 31337, nonce: 4, gas: 20_000n, ...fee, to: stranger, value: 1n }),
      },
      {
        label: 'gas above block gas limit',
        gist: /gas.?limit/i,
        codes: [-32000, -32003],
        build: () =>
          bob.signTransaction({
            chainId: 31337,
            nonce: 4,
            gas: 100_000_000n,
            ...fee,
            to: stranger,
            value: 1n,
          }),
      },
      {
        label: 'wrong chain id',
        gist: /chain ?id/i,
        codes: [-32000, -32003],
        build: () =>
          bob.signTransaction({ chainId: 1, nonce: 4, gas: 21_000n, ...fee, to: stranger, value: 1n }),
      },
      {
        label: 'invalid signature (s above n)',
        gist: /signature|signer|sender/i,
        codes: [-32000, -32003, -32602],
        build: async () =>
          serializeTransaction(
            { chainId: 31337, type: 'eip1559', nonce: 4, gas: 21_000n, ...fee, to: stranger, value: 1n },
            {
              r: `0x${'11'.repeat(32)}`,
              s: '0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364142',
              yParity: 0,
            },
          ),
      },
      { label: 'undecodable bytes', gist: /decode/i, codes: [-32602], build: async () => '0x02c0ffee' },
    ];

    for (const c of cases) {
      it(c.label, async () => {
        const state = async () =>
          Promise.all(
            nodes.map(async (n) => ({
              head: await rpcResult(n.url, 'eth_blockNumber'),
              bob: await rpcResult(n.url, 'eth_getBalance', [bob.address, 'latest']),
              nonce: await rpcResult(n.url, 'eth_getTransactionCount', [bob.address, 'latest']),
            })),
          );
        const before = await state();
        const raw = await c.build();
        const [d, a] = await both('eth_sendRawTransaction', [raw]);
        expect(a.error, `anvil accepted ${c.label}`).toBeDefined();
        expect(a.error!.message).toMatch(c.gist);
        expect(c.codes).toContain(a.error!.code);
        expect(d.error, `devnet accepted ${c.label}: ${JSON.stringify(d.result)}`).toBeDefined();
        expect(d.error!.message, `devnet message for ${c.label}`).toMatch(c.gist);
        expect(c.codes, `devnet code for ${c.label}: ${d.error!.code} ${d.error!.message}`).toContain(
          d.error!.code,
        );
        expect(await state()).toEqual(before);
      });
    }
  });
});
