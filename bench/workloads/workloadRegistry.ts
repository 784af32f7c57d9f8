import type { Workload } from '../harness/types';
import { contentWorkload } from './content';
import { rpcWorkload } from './rpc';

/**
 * Every benchmark workload, in the order `pnpm bench` (no arguments) runs them. Add new workloads here
 * (`consensus`, `content`, `contracts`, …).
 */
export const workloadRegistry: Workload[] = [rpcWorkload, contentWorkload];
