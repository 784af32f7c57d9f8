import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WriteAheadLog } from './WriteAheadLog';

const dir = mkdtempSync(join(tmpdir(), 'aidoc-wal-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const b = (...x: number[]) => Uint8Array.from(x);

describe('WriteAheadLog', () => {
  it('replays appended batches in order after a reopen, and nothing after truncate', () => {
    const path = join(dir, 'a.log');
    const { wal } = WriteAheadLog.open(path, false);
    wal.append([{ type: 'put', key: b(1), value: b(10) }]);
    wal.append([
      { type: 'del', key: b(1) },
      { type: 'put', key: b(2), value: b(20, 21) },
    ]);
    wal.close();
    const { wal: again, pending } = WriteAheadLog.open(path, false);
    expect(pending).toEqual([
      [{ type: 'put', key: b(1), value: b(10) }],
      [
        { type: 'del', key: b(1) },
        { type: 'put', key: b(2), value: b(20, 21) },
      ],
    ]);
    again.truncate();
    again.close();
    expect(WriteAheadLog.open(path, false).pending).toEqual([]);
  });

  it('stops at a torn or corrupted tail, keeping the whole records before it', () => {
    const path = join(dir, 'b.log');
    const { wal } = WriteAheadLog.open(path, false);
    wal.append([{ type: 'put', key: b(7), value: b(70) }]);
    wal.append([{ type: 'put', key: b(8), value: b(80) }]);
    wal.close();
    const whole = readFileSync(path);
    // A crash cut the second record short.
    writeFileSync(path, whole.subarray(0, whole.length - 3));
    expect(WriteAheadLog.open(path, false).pending).toEqual([[{ type: 'put', key: b(7), value: b(70) }]]);
    // A flipped byte in the second record's payload fails its checksum.
    const flipped = Buffer.from(whole);
    flipped[flipped.length - 1] = (flipped[flipped.length - 1] ?? 0) ^ 0xff;
    writeFileSync(path, flipped);
    expect(WriteAheadLog.open(path, false).pending).toHaveLength(1);
    // Garbage appended after valid records is ignored.
    writeFileSync(path, whole);
    appendFileSync(path, Buffer.from([0, 0, 0, 9, 1, 2]));
    expect(WriteAheadLog.open(path, false).pending).toHaveLength(2);
  });
});
