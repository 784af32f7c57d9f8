import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { compileContracts, outputDirs, packageDir } from './compileContracts';

// `pnpm --filter @aidoc/contracts compile`: rebuilds artifacts/ and src/generated/ from src/**/*.sol.
try {
  const { artifacts, files, warnings } = compileContracts();
  for (const warning of warnings) console.warn(`solc warning:\n${warning}\n`);
  for (const dir of outputDirs) {
    const full = join(packageDir, dir);
    mkdirSync(full, { recursive: true });
    for (const name of readdirSync(full)) {
      if (!files.has(`${dir}/${name}`)) rmSync(join(full, name), { recursive: true });
    }
  }
  for (const [path, content] of files) {
    const full = join(packageDir, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
  }
  console.log(
    `compiled ${artifacts.length} contract(s): ${artifacts.map((a) => a.contractName).join(', ')}` +
      (warnings.length > 0 ? ` (${warnings.length} warning(s))` : ''),
  );
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
