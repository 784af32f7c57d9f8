import type { Workload } from '../harness/types';
import { consensusWorkload } from './consensus';
import { contentWorkload } from './content';
import { contractsWorkload } from './contracts';
import { inferenceWorkload } from './inference';
import { messagingWorkload } from './messaging';
import { recordsWorkload } from './records';
import { rpcWorkload } from './rpc';

/**
 * Every benchmark workload, in the order `pnpm bench` (no arguments) runs them. Add new workloads here
 * (`consensus`, `content`, `contracts`, …).
 */
export const workloadRegistry: Workload[] = [
  rpcWorkload,
  consensusWorkload,
  contentWorkload,
  contractsWorkload,
  inferenceWorkload,
  messagingWorkload,
  recordsWorkload,
];
