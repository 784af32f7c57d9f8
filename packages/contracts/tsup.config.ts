import { defineConfig } from 'tsup';
import { tsupBase } from '../../tsup.config';

export default defineConfig(tsupBase({ index: 'src/index.ts', errors: 'src/errors/index.ts' }));
