import type { Options } from 'tsup';

/**
 * The one tsup base every package builds with: ESM + CJS, declarations, Node 20 target.
 * A package's own tsup.config.ts spreads this and names its entry points.
 */
export function tsupBase(entry: Record<string, string>, overrides: Partial<Options> = {}): Options {
  return {
    entry,
    format: ['esm', 'cjs'],
    // Declarations are slow to emit; release builds ask for them with AIDOC_DTS=1.
    dts: process.env.AIDOC_DTS === '1',
    shims: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    platform: 'node',
    splitting: false,
    treeshake: true,
    ...overrides,
  };
}
