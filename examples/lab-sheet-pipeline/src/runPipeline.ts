import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDevnet } from '@aidoc/devnet';
import { type Advice, startInterpretationDapp } from './interpretationDapp';
import { startOcrDapp } from './ocrDapp';
import { startPatientWallet } from './patientWallet';
import { type LabRow, renderLabSheet } from './renderLabSheet';
import { createMessagingClient } from './sdk';

/** The sheet the example prints: glucose high, hemoglobin low, the rest normal. */
export const SAMPLE_SHEET: LabRow[] = [
  { analyte: 'Glucose', value: 7.9, unit: 'mmol/L', low: 3.9, high: 5.6 },
  { analyte: 'Potassium', value: 4.1, unit: 'mmol/L', low: 3.5, high: 5.1 },
  { analyte: 'Hemoglobin', value: 10.8, unit: 'g/dL', low: 12.0, high: 15.5 },
  { analyte: 'Creatinine', value: 80, unit: 'umol/L', low: 45, high: 90 },
];

/** What the run produced. */
export interface PipelineResult {
  advice: Advice;
  /** Whether the advice flags exactly glucose (high) and hemoglobin (low). */
  correct: boolean;
  lines: string[];
}

/**
 * Starts a devnet in-process, runs the OCR DApp, the interpretation DApp and the patient wallet on it, sends a
 * generated lab sheet through them, and returns the advice the wallet received.
 *
 * @example
 * ```ts
 * const { correct, advice } = await runPipeline({ log: console.log });
 * ```
 */
export async function runPipeline(options: { log?: (line: string) => void } = {}): Promise<PipelineResult> {
  const lines: string[] = [];
  const log = (line: string) => {
    lines.push(line);
    options.log?.(line);
  };
  const devnet = await startDevnet({ port: 0 });
  const cache = await mkdtemp(join(tmpdir(), 'aidoc-ocr-'));
  const stops: (() => Promise<unknown>)[] = [];
  try {
    log(`[devnet] rpc ${devnet.rpcUrl}, ipfs ${devnet.ipfsUrl}`);
    const client = (i: number) =>
      createMessagingClient({
        rpc: devnet.rpcUrl,
        ipfs: devnet.ipfsUrl,
        signer: devnet.accounts[i]?.privateKey as string,
        pollingIntervalMs: 100,
      });
    const [ocrClient, interpreterClient, patientClient] = await Promise.all([
      client(1),
      client(2),
      client(3),
    ]);
    const interpreter = await startInterpretationDapp(interpreterClient, { log });
    stops.push(interpreter.stop);
    const ocr = await startOcrDapp(ocrClient, { interpreter: 'lab-interpreter', cachePath: cache, log });
    stops.push(ocr.stop);
    log(`[setup] DApps registered: lab-ocr #${ocr.dappId}, lab-interpreter #${interpreter.dappId}`);
    const wallet = await startPatientWallet(patientClient, { interpreter: 'lab-interpreter', log });
    stops.push(wallet.stop);
    const png = await renderLabSheet('Ada Lovelace', SAMPLE_SHEET);
    log(`[wallet] rendered a ${png.length}-byte lab sheet PNG`);
    const { advice } = await wallet.submit('lab-ocr', png);
    log(`[wallet] advice: ${advice.text}`);
    const flagged = advice.flags.map((f) => `${f.analyte.toLowerCase()}:${f.status}`).sort();
    const correct = JSON.stringify(flagged) === JSON.stringify(['glucose:high', 'hemoglobin:low']);
    return { advice, correct, lines };
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => {});
    await devnet.stop();
    await rm(cache, { recursive: true, force: true });
  }
}
