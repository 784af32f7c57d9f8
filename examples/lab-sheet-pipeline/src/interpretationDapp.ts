import type { LabRow } from './renderLabSheet';
import { type MessagingClient, memoryCursorStore } from './sdk';

/** Adult reference ranges this DApp applies (its own table, not the sheet's printed ranges). */
export const REFERENCE_RANGES: Record<string, { low: number; high: number; unit: string }> = {
  glucose: { low: 3.9, high: 5.6, unit: 'mmol/L' },
  potassium: { low: 3.5, high: 5.1, unit: 'mmol/L' },
  hemoglobin: { low: 12.0, high: 15.5, unit: 'g/dL' },
  creatinine: { low: 45, high: 90, unit: 'umol/L' },
};

/** One flagged value in the advice. */
export interface Flag {
  analyte: string;
  value: number;
  unit: string;
  status: 'high' | 'low';
  range: string;
}

/** The advice a patient receives. */
export interface Advice {
  flags: Flag[];
  text: string;
}

/**
 * Flags values outside the reference ranges and words the advice.
 *
 * @example
 * ```ts
 * interpret([{ analyte: 'Glucose', value: 7.9, unit: 'mmol/L', low: 3.9, high: 5.6 }]).flags[0].status; // 'high'
 * ```
 */
export function interpret(rows: LabRow[]): Advice {
  const flags: Flag[] = [];
  for (const row of rows) {
    const ref = REFERENCE_RANGES[row.analyte.toLowerCase()];
    const low = ref?.low ?? row.low;
    const high = ref?.high ?? row.high;
    if (row.value > high || row.value < low) {
      flags.push({
        analyte: row.analyte,
        value: row.value,
        unit: row.unit,
        status: row.value > high ? 'high' : 'low',
        range: `${low}-${high}`,
      });
    }
  }
  const text =
    flags.length === 0
      ? 'All values are within the reference ranges.'
      : `${flags.map((f) => `${f.analyte} is ${f.status} (${f.value} ${f.unit}, reference ${f.range})`).join('; ')}. Please discuss these results with your doctor.`;
  return { flags, text };
}

/**
 * The interpretation DApp: receives lab values, notifies the patient with advice (encrypted to the patient's
 * key), and acknowledges the message with the advice.
 *
 * @example
 * ```ts
 * const interpreter = await startInterpretationDapp(client, { log: console.log });
 * ```
 */
export async function startInterpretationDapp(
  client: MessagingClient,
  options: { name?: string; log: (line: string) => void },
) {
  const name = options.name ?? 'lab-interpreter';
  const { dappId } = await client.messaging.register({ name, topics: ['lab-sheet.values'] });
  const listener = await client.messaging.listen(
    dappId,
    async (message) => {
      const { patient, rows } = message.payload as unknown as { patient: `0x${string}`; rows: LabRow[] };
      const advice = interpret(rows);
      options.log(
        `[interpreter] message #${message.sequence} from DApp ${message.fromDapp}: ${advice.flags.length} flagged`,
      );
      await client.notifications.send(patient, 'lab-sheet.advice', advice as never, { from: dappId });
      await client.messaging.ack(message, advice as never);
    },
    { cursor: memoryCursorStore() },
  );
  return { dappId, stop: () => listener.stop() };
}
