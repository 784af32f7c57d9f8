import { startDevnet } from '@aidoc/devnet';
import { fromRlp, type Hex, keccak256, toRlp } from 'viem';
import { sign } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AidocError } from '../errors';
import { decodeQbftExtraData, validatorsFromExtraData } from './validatorsFromExtraData';
import { type QbftBlockLike, verifyBlockSeals } from './verifyBlockSeals';

type Devnet = Awaited<ReturnType<typeof startDevnet>>;
let devnet: Devnet;
let block: QbftBlockLike;
let validators: `0x${string}`[];

function withSeals(b: QbftBlockLike, seals: Hex[]): QbftBlockLike {
  const items = fromRlp(b.extraData as Hex, 'hex') as unknown[];
  return { ...b, extraData: toRlp([items[0], items[1], items[2], items[3], seals] as Hex[]) };
}

async function reason(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (AidocError.is(e)) return `${e.code}:${String(e.data?.reason)}`;
    throw e;
  }
  return 'accepted';
}

beforeAll(async () => {
  devnet = await startDevnet({ listen: false });
  await devnet.provider.request({ method: 'evm_mine', params: [] });
  block = (await devnet.provider.request({
    method: 'eth_getBlockByNumber',
    params: ['latest', false],
  })) as QbftBlockLike;
  const genesis = (await devnet.provider.request({
    method: 'eth_getBlockByNumber',
    params: ['earliest', false],
  })) as QbftBlockLike;
  validators = validatorsFromExtraData(genesis.extraData);
});

afterAll(async () => {
  await devnet?.stop();
});

describe('verifyBlockSeals', () => {
  it('accepts a devnet block and names its signers', async () => {
    const r = await verifyBlockSeals(block, validators);
    expect(r.valid).toBe(true);
    expect(r.signers.length).toBeGreaterThanOrEqual(r.quorum);
    for (const s of r.signers) expect(validators).toContain(s);
  });

  it('rejects a forged seal', async () => {
    const forged = await sign({ hash: keccak256('0x1234'), privateKey: `0x${'11'.repeat(32)}`, to: 'hex' });
    const seals = decodeQbftExtraData(block.extraData).seals;
    expect(await reason(verifyBlockSeals(withSeals(block, [forged, ...seals.slice(1)]), validators))).toBe(
      'INVALID_SIGNATURE:unknown-signer',
    );
    const flipped =
      `${seals[0]!.slice(0, 10)}${seals[0]!.slice(10, 12) === 'ff' ? '00' : 'ff'}${seals[0]!.slice(12)}` as Hex;
    expect(
      await reason(verifyBlockSeals(withSeals(block, [flipped, ...seals.slice(1)]), validators)),
    ).toMatch(/^INVALID_SIGNATURE:(unknown-signer|forged-seal)$/);
  });

  it('rejects a block with a missing seal', async () => {
    const seals = decodeQbftExtraData(block.extraData).seals;
    expect(await reason(verifyBlockSeals(withSeals(block, seals.slice(0, -1)), validators))).toBe(
      'INVALID_SIGNATURE:insufficient-seals',
    );
  });

  it('rejects a duplicated seal', async () => {
    const seals = decodeQbftExtraData(block.extraData).seals;
    expect(await reason(verifyBlockSeals(withSeals(block, [...seals, seals[0]!]), validators))).toBe(
      'INVALID_SIGNATURE:duplicate-seal',
    );
  });

  it('rejects a header whose fields do not hash to its hash', async () => {
    expect(await reason(verifyBlockSeals({ ...block, gasUsed: '0x5208' }, validators))).toBe(
      'INVALID_SIGNATURE:hash-mismatch',
    );
  });

  it('rejects seals checked against another validator set', async () => {
    expect(await reason(verifyBlockSeals(block, [`0x${'22'.repeat(20)}`]))).toBe(
      'INVALID_SIGNATURE:unknown-signer',
    );
  });

  it('rejects malformed input with INVALID_INPUT', async () => {
    expect(await reason(verifyBlockSeals({ ...block, extraData: '0x1234' }, validators))).toMatch(
      /^INVALID_INPUT:/,
    );
    expect(await reason(verifyBlockSeals(block, []))).toBe('INVALID_INPUT:malformed-validators');
    expect(() => validatorsFromExtraData('0xzz')).toThrow(/not QBFT extraData/);
  });

  it('accepts viem-style bigint fields', async () => {
    const asBigints = { ...block, number: BigInt(block.number), gasLimit: BigInt(block.gasLimit) };
    expect((await verifyBlockSeals(asBigints, validators)).valid).toBe(true);
  });
});
