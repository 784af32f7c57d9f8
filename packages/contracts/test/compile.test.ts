import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileContracts, outputDirs, packageDir } from '../scripts/compileContracts';

describe('contract build', () => {
  // One real solc-js compile of src/**/*.sol, shared by the assertions below.
  const output = compileContracts();

  it('reproduces every committed artifact and generated module byte for byte', () => {
    for (const [path, content] of output.files) {
      const full = join(packageDir, path);
      expect(existsSync(full), `${path} is missing: run pnpm --filter @aidoc/contracts compile`).toBe(true);
      expect(readFileSync(full, 'utf8'), `${path} is stale: run pnpm --filter @aidoc/contracts compile`).toBe(
        content,
      );
    }
  });

  it('leaves no stale files in the output directories', () => {
    for (const dir of outputDirs) {
      for (const name of readdirSync(join(packageDir, dir))) {
        expect(output.files.has(`${dir}/${name}`), `${dir}/${name} is not produced by the build`).toBe(true);
      }
    }
  });

  it('pins the compiler and settings and keeps absolute paths out of the build', () => {
    for (const artifact of output.artifacts) {
      expect(artifact.compiler.version).toMatch(/^0\.8\.30\+commit\./);
      expect(artifact.compiler.settings).toEqual({
        evmVersion: 'prague',
        optimizer: { enabled: true, runs: 200 },
        metadata: { bytecodeHash: 'ipfs', appendCBOR: true },
      });
      expect(artifact.sourceName).toMatch(/^src\//);
      expect(artifact.bytecode).toMatch(/^0x[0-9a-f]+$/);
    }
    for (const content of output.files.values()) expect(content).not.toContain(packageDir);
  });

  it('builds AidToken with an ERC-20 + permit + roles ABI', () => {
    const token = output.artifacts.find((a) => a.contractName === 'AidToken');
    const names = (token?.abi ?? []).map((item) => (item as { name?: string }).name);
    for (const fn of [
      'transfer',
      'permit',
      'nonces',
      'DOMAIN_SEPARATOR',
      'mint',
      'grantRole',
      'MINTER_ROLE',
      'cap',
    ]) {
      expect(names).toContain(fn);
    }
  });
});
