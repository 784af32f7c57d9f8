import type { CliIo, OutputStream } from '../src/cliContext';

/** An output stream that keeps what is written, for in-process CLI tests. */
export interface CollectedStream extends OutputStream {
  text(): string;
}

/** Create a stream that records writes; `isTTY` says whether it claims to be a terminal. */
export function collectStream(isTTY: boolean): CollectedStream {
  const chunks: string[] = [];
  return {
    isTTY,
    write(chunk: string) {
      chunks.push(chunk);
      return true;
    },
    text: () => chunks.join(''),
  };
}

/** CLI streams for one run: a terminal (`tty: true`) or a pipe. */
export function collectIo(options: { tty: boolean; env?: Record<string, string> }): CliIo & {
  stdout: CollectedStream;
  stderr: CollectedStream;
} {
  return { stdout: collectStream(options.tty), stderr: collectStream(options.tty), env: options.env ?? {} };
}
