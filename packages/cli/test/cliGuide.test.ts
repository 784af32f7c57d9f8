import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Devnet, startDevnet } from '@aidoc/devnet';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli } from '../src/program';
import { collectIo } from './collectOutput';

const guide = fileURLToPath(new URL('../../../docs/guides/cli.md', import.meta.url));

/** One `$ …` line of a console block: a command, or a heredoc that writes a file. */
type Step =
  | { kind: 'aidoc'; line: string; args: string[]; exitCode: number }
  | { kind: 'file'; path: string; content: string }
  | { kind: 'export'; name: string; value: string };

/** Split a shell command line into words: single and double quotes, no expansion. */
function shellWords(line: string): string[] {
  const words: string[] = [];
  let current: string | undefined;
  let quote: string | undefined;
  for (const char of line) {
    if (quote) {
      if (char === quote) quote = undefined;
      else current = (current ?? '') + char;
    } else if (char === "'" || char === '"') {
      quote = char;
      current ??= '';
    } else if (/\s/.test(char)) {
      if (current !== undefined) words.push(current);
      current = undefined;
    } else {
      current = (current ?? '') + char;
    }
  }
  if (quote) throw new Error(`unclosed quote in: ${line}`);
  if (current !== undefined) words.push(current);
  return words;
}

/** The steps of every ```console block, in order; anything but aidoc, export and a heredoc is an error. */
function parseGuide(markdown: string): Step[] {
  const steps: Step[] = [];
  for (const block of markdown.matchAll(/```console\n([\s\S]*?)```/g)) {
    const lines = (block[1] ?? '').split('\n');
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      if (!line.startsWith('$ ')) continue; // output shown in the guide
      const command = line.slice(2);
      const heredoc = /^cat > (\S+) <<'EOF'$/.exec(command);
      const exported = /^export (\w+)=(\S+)$/.exec(command);
      if (heredoc) {
        const end = lines.indexOf('EOF', i + 1);
        if (end === -1) throw new Error(`heredoc without EOF: ${line}`);
        steps.push({ kind: 'file', path: heredoc[1]!, content: `${lines.slice(i + 1, end).join('\n')}\n` });
        i = end;
      } else if (exported) {
        steps.push({ kind: 'export', name: exported[1]!, value: exported[2]! });
      } else if (command.startsWith('aidoc ')) {
        const [words, comment] = command.split(/\s+#\s+/) as [string, string | undefined];
        const expected = /exit code (\d)/.exec(comment ?? '');
        steps.push({
          kind: 'aidoc',
          line: command,
          args: shellWords(words).slice(1),
          exitCode: expected ? Number(expected[1]) : 0,
        });
      } else {
        throw new Error(`the guide runs a command this test cannot: ${line}`);
      }
    }
  }
  return steps;
}

let devnet: Devnet;
let dir: string;
const cwd = process.cwd();
beforeAll(async () => {
  devnet = await startDevnet({ port: 0 });
  dir = await mkdtemp(join(tmpdir(), 'aidoc-cli-guide-'));
  process.chdir(dir);
});
afterAll(async () => {
  process.chdir(cwd);
  await devnet?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

it('runs every aidoc command of docs/guides/cli.md on a fresh devnet with the exit codes the guide shows', async () => {
  const steps = parseGuide(await readFile(guide, 'utf8'));
  expect(steps.filter((s) => s.kind === 'aidoc').length).toBeGreaterThan(20);
  const env: Record<string, string> = {};
  for (const step of steps) {
    if (step.kind === 'file') {
      await writeFile(step.path, step.content);
    } else if (step.kind === 'export') {
      // the guide's URLs are the default devnet's; this one listens on free ports
      env[step.name] =
        step.name === 'AIDOC_RPC' ? devnet.rpcUrl : step.name === 'AIDOC_IPFS' ? devnet.ipfsUrl : step.value;
    } else {
      const io = collectIo({ tty: false, env });
      const code = await runCli(['node', 'aidoc', ...step.args], io);
      expect(code, `${step.line}\n${io.stdout.text()}`).toBe(step.exitCode);
      if (step.exitCode === 1) expect(JSON.parse(io.stdout.text()).error.code).toBe('ACCESS_DENIED');
    }
  }
  // what the hospital read is what the patient wrote, before and after the rotation
  const written = JSON.parse(await readFile('heart-rate.json', 'utf8'));
  expect(JSON.parse(await readFile('observation.json', 'utf8'))).toEqual(written);
  expect(JSON.parse(await readFile('observation-v2.json', 'utf8'))).toEqual(written);
  const list = JSON.parse(
    await (async () => {
      const io = collectIo({ tty: false, env });
      await runCli(['node', 'aidoc', 'wallet', 'list'], io);
      return io.stdout.text();
    })(),
  );
  expect(list.keystores.map((k: { name: string }) => k.name)).toEqual(['hospital', 'patient']);
});
