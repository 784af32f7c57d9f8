import { defineConfig } from 'tsup';
import { tsupBase } from '../../tsup.config';

// `bin` is the `aidoc` executable, hence the shebang (harmless in the library entry). Splitting keeps
// lazily imported commands and views in their own chunks, so `aidoc --help` loads neither the devnet nor ink.
export default defineConfig(
  tsupBase(
    { index: 'src/index.ts', bin: 'src/bin.ts' },
    { format: ['esm'], splitting: true, banner: { js: '#!/usr/bin/env node' } },
  ),
);
