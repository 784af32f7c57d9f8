import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createWorker } from 'tesseract.js';
import { parseLabText } from './parseLabText';
import { type MessagingClient, memoryCursorStore } from './sdk';

const require = createRequire(import.meta.url);
/** English traineddata shipped in @tesseract.js-data/eng: OCR runs offline (no CDN). */
const LANG_PATH = join(dirname(require.resolve('@tesseract.js-data/eng')), '4.0.0_best_int');

/** The message a wallet sends to the OCR DApp. */
export interface LabSheetImage {
  patient: `0x${string}`;
  /** PNG bytes, base64. */
  png: string;
}

/**
 * The OCR DApp: reads each lab-sheet image it receives with tesseract.js, sends the values to the
 * interpretation DApp, and acknowledges the image with what it read.
 *
 * @example
 * ```ts
 * const ocr = await startOcrDapp(client, { interpreter: 'lab-interpreter', log: console.log });
 * ```
 */
export async function startOcrDapp(
  client: MessagingClient,
  options: { name?: string; interpreter: string; cachePath: string; log: (line: string) => void },
) {
  const name = options.name ?? 'lab-ocr';
  const { dappId } = await client.messaging.register({ name, topics: ['lab-sheet.image'] });
  const worker = await createWorker('eng', 1, {
    langPath: LANG_PATH,
    gzip: true,
    cachePath: options.cachePath,
  });
  const listener = await client.messaging.listen(
    dappId,
    async (message) => {
      const input = message.payload as unknown as LabSheetImage;
      const { data } = await worker.recognize(Buffer.from(input.png, 'base64'));
      const rows = parseLabText(data.text);
      options.log(
        `[ocr] message #${message.sequence}: read ${rows.length} values from a ${input.png.length}-char image`,
      );
      await client.messaging.send(
        options.interpreter,
        'lab-sheet.values',
        { patient: input.patient, rows: rows as never },
        { from: dappId },
      );
      await client.messaging.ack(message, { rows: rows as never });
    },
    { cursor: memoryCursorStore() },
  );
  return {
    dappId,
    async stop() {
      await listener.stop();
      await worker.terminate();
    },
  };
}
