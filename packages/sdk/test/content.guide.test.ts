import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createContentServer } from '@aidoc/devnet';
import { expect, it } from 'vitest';
import { runGuideCode } from './runGuideCode';

it('docs/guides/content.md: the SDK content module code runs as written against the devnet server', async () => {
  const ipfs = await createContentServer({ port: 0 });
  const model = resolve(__dirname, '../../../models/ecg200-classifier.onnx');
  try {
    // This server's URL, the model path from the repository root, and the bytes `cat` writes counted.
    const lines = await runGuideCode('docs/guides/content.md', {
      replace: [
        ["'http://127.0.0.1:5001'", JSON.stringify(ipfs.url)],
        ["'models/ecg200-classifier.onnx'", JSON.stringify(model)],
        ['process.stdout.write(chunk)', "console.log('chunk', chunk.byteLength)"],
      ],
    });
    expect(lines[0]).toBe('Qmf412jQZiuVUtdgnB36FXFX7xg5V6KEbSJ4dpQuhkLyfD');
    expect(lines[1]).toBe('hello world');
    const { size } = await stat(model);
    const progress = lines.filter((l) => l.startsWith('read ')).map((l) => Number(l.slice(5)));
    expect(progress.at(-1)).toBe(size);
    // With raw leaves the model gets a CIDv1 (bafk… for a single block, bafy… above that).
    expect(lines).toContainEqual(expect.stringMatching(/^baf[a-z2-7]+ \d+$/));
    const chunks = lines.filter((l) => l.startsWith('chunk ')).map((l) => Number(l.slice(6)));
    expect(chunks.reduce((a, b) => a + b, 0)).toBe(1024);
    // The model was unpinned at the end: only the greeting stays pinned.
    const pinned: string[] = [];
    for await (const pin of ipfs.store.pins({ type: 'recursive' })) pinned.push(pin.cid.toString());
    expect(pinned).toEqual(['Qmf412jQZiuVUtdgnB36FXFX7xg5V6KEbSJ4dpQuhkLyfD']);
  } finally {
    await ipfs.close();
  }
});
