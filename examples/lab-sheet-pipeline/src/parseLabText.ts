import type { LabRow } from './renderLabSheet';

const ROW = /^([A-Za-z][A-Za-z ]*?)\s+(\d+(?:\.\d+)?)\s+(\S+)\s+(\d+(?:\.\d+)?)\s*[-–]\s*(\d+(?:\.\d+)?)\s*$/;

/**
 * Reads analyte rows (`Glucose 7.9 mmol/L 3.9-5.6`) out of OCR text; other lines are ignored.
 *
 * @example
 * ```ts
 * parseLabText('Glucose 7.9 mmol/L 3.9-5.6'); // [{ analyte: 'Glucose', value: 7.9, … }]
 * ```
 */
export function parseLabText(text: string): LabRow[] {
  const rows: LabRow[] = [];
  for (const line of text.split('\n')) {
    const m = ROW.exec(line.trim());
    if (!m) continue;
    rows.push({
      analyte: m[1] ?? '',
      value: Number(m[2]),
      unit: m[3] ?? '',
      low: Number(m[4]),
      high: Number(m[5]),
    });
  }
  return rows;
}
