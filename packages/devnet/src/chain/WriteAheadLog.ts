import { createHash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs';
import { RLP } from '@ethereumjs/rlp';

/** One put or delete of a LevelDB batch. */
export type WalOp = { type: 'put'; key: Uint8Array; value: Uint8Array } | { type: 'del'; key: Uint8Array };

const HEADER = 8; // 4-byte length, 4-byte checksum

function checksum(payload: Uint8Array): Buffer {
  return createHash('sha256').update(payload).digest().subarray(0, 4);
}

/**
 * An append-only log of batches, written with one synchronous `write(2)` each, so a batch is in the kernel
 * (and survives `kill -9`) when `append` returns; with `fsync` it is on disk. The database applies logged
 * batches in the background and truncates the log once they are all in; on open, batches still in the log
 * are replayed in order. A torn or corrupt tail (a write cut by a crash) ends the replay.
 */
export class WriteAheadLog {
  private readonly fd: number;

  private constructor(
    readonly path: string,
    private readonly fsync: boolean,
  ) {
    this.fd = openSync(path, 'a+');
  }

  /** Open the log at `path`, returning it with the batches it still holds. */
  static open(path: string, fsync: boolean): { wal: WriteAheadLog; pending: WalOp[][] } {
    const pending: WalOp[][] = [];
    if (existsSync(path)) {
      const buf = readFileSync(path);
      let o = 0;
      while (o + HEADER <= buf.length) {
        const len = buf.readUInt32BE(o);
        const sum = buf.subarray(o + 4, o + 8);
        if (o + HEADER + len > buf.length) break;
        const payload = buf.subarray(o + HEADER, o + HEADER + len);
        if (!checksum(payload).equals(sum)) break;
        const decoded = RLP.decode(new Uint8Array(payload)) as unknown as Uint8Array[][];
        pending.push(
          decoded.map(([t, k, v]) =>
            t![0] === 1 ? { type: 'put', key: k!, value: v! } : { type: 'del', key: k! },
          ),
        );
        o += HEADER + len;
      }
    }
    return { wal: new WriteAheadLog(path, fsync), pending };
  }

  /** Append one batch; returns when it is in the kernel (or on disk with fsync). */
  append(ops: WalOp[]): void {
    const payload = RLP.encode(
      ops.map((op) =>
        op.type === 'put'
          ? [Uint8Array.of(1), op.key, op.value]
          : [Uint8Array.of(0), op.key, new Uint8Array()],
      ),
    );
    const record = Buffer.allocUnsafe(HEADER + payload.length);
    record.writeUInt32BE(payload.length, 0);
    checksum(payload).copy(record, 4);
    record.set(payload, HEADER);
    let written = 0;
    while (written < record.length) written += writeSync(this.fd, record, written, record.length - written);
    if (this.fsync) fsyncSync(this.fd);
  }

  /** Forget every batch (call only when all of them are applied). */
  truncate(): void {
    ftruncateSync(this.fd, 0);
  }

  close(): void {
    closeSync(this.fd);
  }
}
