import { runCli } from './program';

// A closed pipe (`aidoc devnet up --json | head -1`) must not crash the process with a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
}

const exitCode = await runCli(process.argv, {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
});
process.exitCode = exitCode;
// Leave when the event loop drains; a handle something forgot to close must not keep the process alive.
setTimeout(() => process.exit(exitCode), 2000).unref();
