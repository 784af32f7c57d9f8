import type { Advice } from './interpretationDapp';
import type { LabSheetImage } from './ocrDapp';
import type { MessagingClient, Notification } from './sdk';

/**
 * The patient's wallet: registers its encryption key, allows the interpretation DApp to notify it, sends a lab
 * sheet photo to the OCR DApp (encrypted, through IPFS), and waits for the advice notification.
 *
 * @example
 * ```ts
 * const wallet = await startPatientWallet(client, { interpreter: 'lab-interpreter' });
 * const advice = await wallet.submit('lab-ocr', png);
 * ```
 */
export async function startPatientWallet(
  client: MessagingClient,
  options: { name?: string; interpreter: string; log: (line: string) => void },
) {
  await client.keys.register();
  await client.notifications.allow(options.interpreter);
  const { dappId } = await client.messaging.register({ name: options.name ?? 'patient-wallet', topics: [] });
  let resolveAdvice!: (n: Notification) => void;
  const received = new Promise<Notification>((r) => {
    resolveAdvice = r;
  });
  const watcher = await client.notifications.watch((n) => {
    options.log(`[wallet] notification from ${n.dappName} on ${n.topicName}`);
    if (n.topicName === 'lab-sheet.advice') resolveAdvice(n);
  });
  return {
    dappId,
    /** Sends the photo to the OCR DApp and resolves with the advice that comes back as a notification. */
    async submit(ocr: string, png: Uint8Array): Promise<{ advice: Advice; notification: Notification }> {
      const message: LabSheetImage = {
        patient: client.address as `0x${string}`,
        png: Buffer.from(png).toString('base64'),
      };
      const sent = await client.messaging.send(ocr, 'lab-sheet.image', message as never, { from: dappId });
      options.log(
        `[wallet] sent the lab sheet to ${ocr} (#${sent.sequence}, ${sent.size} bytes, ${sent.inline ? 'inline' : `IPFS ${sent.payloadCid}`}, encrypted)`,
      );
      const notification = await received;
      return { advice: notification.body as unknown as Advice, notification };
    },
    stop: () => watcher.stop(),
  };
}
