import { randomBytes } from 'node:crypto';
import { appendFile, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openBlockPacks } from '../../src/content/openBlockPacks';

describe('block pack files', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });
  const freshDir = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'aidoc-packs-'));
    dirs.push(dir);
    return dir;
  };

  it('keeps every acknowledged block across a reopen and drops a record cut off by a kill', async () => {
    const dir = await freshDir();
    const blocks = new Map([...Array(20).keys()].map((i) => [`KEY${i}`, randomBytes(1000 + i * 5000)]));
    const packs = await openBlockPacks(dir);
    await Promise.all([...blocks].map(([key, bytes]) => packs.put(key, bytes)));
    await packs.close();
    // What a kill in the middle of a write leaves: a header announcing more bytes than follow.
    const [pack] = await readdir(dir);
    const torn = Buffer.alloc(5 + 4 + 10);
    torn.writeUInt32LE(5000, 0);
    torn[4] = 4;
    torn.write('TORN', 5, 'latin1');
    await appendFile(join(dir, pack as string), torn);

    const again = await openBlockPacks(dir);
    expect(again.has('TORN')).toBe(false);
    for (const [key, bytes] of blocks)
      expect(Buffer.from((await again.get(key)) as Uint8Array)).toEqual(bytes);
    await again.put('AFTER', Buffer.from('written after the torn record'));
    await again.close();
    const third = await openBlockPacks(dir);
    expect(Buffer.from((await third.get('AFTER')) as Uint8Array).toString()).toBe(
      'written after the torn record',
    );
    expect([...third.entries()].length).toBe(21);
    await third.close();
  });

  it('delete forgets exactly the given keys and reclaims their pack', async () => {
    const dir = await freshDir();
    const packs = await openBlockPacks(dir);
    const keep = randomBytes(3000);
    await packs.put('KEEP', keep);
    await packs.put('DROP1', randomBytes(3000));
    await packs.put('DROP2', randomBytes(3000));
    await packs.delete(['DROP1', 'DROP2']);
    expect(packs.has('DROP1') || packs.has('DROP2')).toBe(false);
    expect(Buffer.from((await packs.get('KEEP')) as Uint8Array)).toEqual(keep);
    await packs.close();
    const again = await openBlockPacks(dir);
    expect([...again.entries()].map(([key]) => key)).toEqual(['KEEP']);
    expect(Buffer.from((await again.get('KEEP')) as Uint8Array)).toEqual(keep);
    await again.close();
    // The old pack is gone; only the rewritten one remains.
    expect((await readdir(dir)).length).toBe(1);
  });

  it('stores a block given as parts as one record, and reads its head without the rest', async () => {
    const dir = await freshDir();
    const packs = await openBlockPacks(dir);
    const parts = [Buffer.from([0x0a, 0x80, 0x01]), randomBytes(100), Buffer.alloc(0), randomBytes(28)];
    const whole = Buffer.concat(parts);
    await packs.put('PARTS', parts);
    expect(await packs.head('PARTS', 2)).toEqual({ head: new Uint8Array(whole.subarray(0, 2)), size: 131 });
    expect((await packs.head('PARTS', 1000))?.head).toEqual(new Uint8Array(whole));
    expect(await packs.head('ABSENT', 2)).toBeUndefined();
    await packs.close();
    const again = await openBlockPacks(dir);
    expect(Buffer.from((await again.get('PARTS')) as Uint8Array)).toEqual(whole);
    await again.close();
  });
});
