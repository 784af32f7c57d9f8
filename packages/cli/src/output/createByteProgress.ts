import type { OutputStream } from '../cliContext';

/** A one-line progress display for bytes sent. */
export interface ByteProgress {
  update(sent: number, total: number): void;
  /** End the line (only if something was drawn). */
  done(): void;
}

const mb = (bytes: number) => `${(bytes / 1_048_576).toFixed(1)} MB`;

/**
 * A progress line redrawn in place (`\r`) on a terminal, once per whole percent: `Uploading  12.0 MB / 100.0 MB  12%`.
 * Transfers smaller than `minTotal` bytes (default 1 MiB) draw nothing: they are over before anyone could read it.
 *
 * @example
 * ```ts
 * const progress = createByteProgress(process.stderr, 'Uploading');
 * await aidoc.records.upload(input, { onProgress: progress.update });
 * progress.done();
 * ```
 */
export function createByteProgress(
  out: OutputStream,
  label: string,
  options: { minTotal?: number } = {},
): ByteProgress {
  const minTotal = options.minTotal ?? 1_048_576;
  let lastPercent = -1;
  let drawn = false;
  return {
    update(sent, total) {
      if (total < minTotal) return;
      const percent = total > 0 ? Math.min(100, Math.floor((sent / total) * 100)) : 100;
      if (percent === lastPercent) return;
      lastPercent = percent;
      drawn = true;
      out.write(`\r${label}  ${mb(sent)} / ${mb(total)}  ${String(percent).padStart(3)}%`);
    },
    done() {
      if (drawn) out.write('\n');
      drawn = false;
    },
  };
}
