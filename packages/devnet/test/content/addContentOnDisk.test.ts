import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CID } from 'multiformats/cid';
import { afterAll, describe, expect, it } from 'vitest';
import { addContent } from '../../src/content/addContent';
import { createContentStore } from '../../src/content/createContentStore';
import { parseKuboAddOptions } from '../../src/content/parseKuboAddOptions';
import { readFileContent } from '../../src/content/readFileContent';

/** Distinct bytes for each file: a counter pattern mixed with the file's seed. */
function fileBytes(size: number, seed: number): Buffer {
  const out = Buffer.alloc(size);
  for (let at = 0; at < size; at += 32) {
    createHash('sha256').update(`${seed}:${at}`).digest().copy(out, at);
  }
  return out;
}

async function* inPieces(bytes: Buffer, piece: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += piece) yield bytes.subarray(at, at + piece);
}

describe("add into a store on disk (blocks copied out of the import's buffers)", () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('every file of a multi-file add reads back byte for byte, with the same CIDs as in memory', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'aidoc-add-disk-'));
    dirs.push(dataDir);
    const files = [
      { path: 'dir/a.bin', bytes: fileBytes(3 * 1024 * 1024 + 17, 1) },
      { path: 'dir/b.bin', bytes: fileBytes(262_144, 2) },
      { path: 'dir/c.bin', bytes: fileBytes(5 * 1024 * 1024, 3) },
    ];
    const results = new Map<string, string>();
    for (const dataDirOrMemory of [dataDir, undefined]) {
      const store = await createContentStore(dataDirOrMemory ? { dataDir: dataDirOrMemory } : {});
      const entries = files.map((f) => ({ path: f.path, content: inPieces(f.bytes, 65_536) }));
      const cids = new Map<string, CID>();
      for await (const event of addContent(store, entries, parseKuboAddOptions(new URLSearchParams()))) {
        if (event.type === 'added') cids.set(event.name, event.cid);
      }
      for (const f of files) {
        const cid = cids.get(f.path) as CID;
        const parts: Uint8Array[] = [];
        for await (const part of readFileContent(store, cid)) parts.push(part);
        expect(Buffer.concat(parts).equals(f.bytes), `${f.path} on ${dataDirOrMemory ?? 'memory'}`).toBe(
          true,
        );
        const key = `${f.path}`;
        if (results.has(key)) expect(cid.toString()).toBe(results.get(key));
        else results.set(key, cid.toString());
      }
      await store.close();
    }
  });
});
