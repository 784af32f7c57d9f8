/**
 * Ask for a password on the terminal without echoing it; resolves on Enter, rejects on Ctrl+C / Ctrl+D.
 * Only call it when `process.stdin.isTTY` is true.
 *
 * @example
 * ```ts
 * const password = await promptPassword('Keystore password: ', process.stderr);
 * ```
 */
export function promptPassword(question: string, out: { write(text: string): unknown }): Promise<string> {
  const stdin = process.stdin;
  return new Promise<string>((resolve, reject) => {
    let value = '';
    const finish = (error?: Error) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      out.write('\n');
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (chunk: Buffer) => {
      for (const char of chunk.toString('utf8')) {
        if (char === '\r' || char === '\n') return finish();
        if (char === '\u0003' || char === '\u0004') return finish(new Error('password prompt cancelled'));
        if (char === '\u007f' || char === '\b') value = value.slice(0, -1);
        else value += char;
      }
    };
    out.write(question);
    stdin.setRawMode(true);
    stdin.resume();
    stdin.on('data', onData);
  });
}
