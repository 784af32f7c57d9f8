import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { PassThrough } from 'node:stream';
import * as PImage from 'pureimage';

/** One row of a lab sheet. */
export interface LabRow {
  analyte: string;
  value: number;
  unit: string;
  /** The laboratory's printed reference range. */
  low: number;
  high: number;
}

const require = createRequire(import.meta.url);
/** Noto Sans (SIL Open Font License), shipped inside the @embedpdf/fonts-latin npm package. */
const FONT_FILE = join(dirname(require.resolve('@embedpdf/fonts-latin')), '../fonts/NotoSans-Regular.ttf');
let fontLoaded: Promise<void> | undefined;

/**
 * Renders a small lab sheet (title, patient, one line per analyte) as a PNG, with a pure-JS rasterizer.
 *
 * @example
 * ```ts
 * const png = await renderLabSheet('Ada Lovelace', [{ analyte: 'Glucose', value: 7.9, unit: 'mmol/L', low: 3.9, high: 5.6 }]);
 * ```
 */
export async function renderLabSheet(patient: string, rows: LabRow[]): Promise<Uint8Array> {
  fontLoaded ??= PImage.registerFont(FONT_FILE, 'Noto').load();
  await fontLoaded;
  const width = 720;
  const lineHeight = 44;
  const height = 40 + lineHeight * (rows.length + 2) + 20;
  const image = PImage.make(width, height);
  const g = image.getContext('2d');
  g.fillStyle = '#ffffff';
  g.fillRect(0, 0, width, height);
  g.fillStyle = '#000000';
  g.font = "28px 'Noto'";
  g.fillText('CITY LAB REPORT', 24, 48);
  g.fillText(`Patient ${patient}`, 24, 48 + lineHeight);
  rows.forEach((row, i) => {
    g.fillText(
      `${row.analyte} ${row.value} ${row.unit} ${row.low}-${row.high}`,
      24,
      48 + lineHeight * (i + 2),
    );
  });
  const chunks: Buffer[] = [];
  const sink = new PassThrough();
  sink.on('data', (c: Buffer) => chunks.push(c));
  await PImage.encodePNGToStream(image, sink);
  return new Uint8Array(Buffer.concat(chunks));
}
