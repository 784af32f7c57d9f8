import { describe, expect, it } from 'vitest';
import { interpret } from './src/interpretationDapp';
import { parseLabText } from './src/parseLabText';
import { runPipeline, SAMPLE_SHEET } from './src/runPipeline';

describe('lab-sheet pipeline', () => {
  it('parses OCR lines and flags values outside the reference ranges', () => {
    const rows = parseLabText(
      'CITY LAB REPORT\nPatient Ada\nGlucose 7.9 mmol/L 3.9-5.6\nPotassium 4.1 mmol/L 3.5-5.1\n',
    );
    expect(rows.map((r) => r.analyte)).toEqual(['Glucose', 'Potassium']);
    expect(interpret(SAMPLE_SHEET).flags.map((f) => [f.analyte, f.status])).toEqual([
      ['Glucose', 'high'],
      ['Hemoglobin', 'low'],
    ]);
  });

  it('runs end to end: image → OCR DApp → interpretation DApp → patient notification', async () => {
    const { correct, advice, lines } = await runPipeline();
    expect(advice.flags.map((f) => f.analyte)).toEqual(['Glucose', 'Hemoglobin']);
    expect(advice.flags.map((f) => f.value)).toEqual([7.9, 10.8]);
    expect(correct).toBe(true);
    expect(lines.some((l) => l.startsWith('[ocr] message #1: read 4 values'))).toBe(true);
    expect(lines.some((l) => l.startsWith('[wallet] notification from lab-interpreter'))).toBe(true);
  }, 120_000);
});
