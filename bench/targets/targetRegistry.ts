import type { TargetSpec } from '../harness/types';
import { anvilTarget } from './anvilTarget';
import { devnetTarget } from './devnetTarget';
import { hardhatTarget } from './hardhatTarget';

/** Every system the benchmarks know how to start, by name. */
export const targetRegistry: Record<string, TargetSpec> = {
  devnet: devnetTarget,
  anvil: anvilTarget,
  hardhat: hardhatTarget,
};
