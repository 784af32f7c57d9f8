import { defineConfig } from 'tsup';
import { tsupBase } from '../../tsup.config';

// The content store's block thread is plain CommonJS, started by path (`new URL('./blockWorker.cjs',
// import.meta.url)`): it sits beside the bundle as it sits beside its caller in src/.
export default defineConfig(
  tsupBase({ index: 'src/index.ts' }, { onSuccess: 'cp src/content/blockWorker.cjs dist/blockWorker.cjs' }),
);
