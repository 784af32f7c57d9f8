import type { JsonRpcClient } from './createJsonRpcClient';
import type { ComparisonRow, TargetResult } from './summarizeWorkload';

/** How to spawn one system under test on a given port. */
export interface SpawnSpec {
  /** Short label for reports, e.g. `cli` or `devnet-child`. */
  via: string;
  command: string;
  args: string[];
  cwd: string;
  env?: Record<string, string>;
}

/** A system under test ("target"): a name, how to start it, and what version it is. */
export interface TargetSpec {
  name: string;
  /** One-line description of what runs, e.g. `anvil 1.7.1 (--hardfork prague)`. */
  describe(): Promise<string>;
  /** Ways to start it, tried in order: a way that exits before it is ready falls through to the next. */
  spawnSpecs(port: number): SpawnSpec[];
  /**
   * Work around a known miner stall of this target (see anvilTarget): called when a receipt is late.
   * Targets without a known stall leave it out, and a late receipt is then just waited for (or times out).
   */
  nudgeStalledMiner?(rpc: JsonRpcClient): Promise<void>;
  /**
   * Per-start resources (e.g. a temporary `--data-dir`): called once before spawning; `args` are appended to
   * every spawn spec, and `release` runs when the target stops (or fails to start).
   */
  prepare?(): Promise<PreparedStart>;
}

/** What {@link TargetSpec.prepare} set up for one start. */
export interface PreparedStart {
  args: string[];
  release(): Promise<void>;
}

/** A target that is up and answering `eth_chainId`. */
export interface RunningTarget {
  name: string;
  description: string;
  via: string;
  pid: number;
  rpcUrl: string;
  /** Spawn to first successful `eth_chainId`, in milliseconds. */
  readyMs: number;
  rpc: JsonRpcClient;
  /** The target's stall workaround bound to its client, counting calls in `stallNudges`. */
  nudgeStalledMiner?: () => Promise<void>;
  /** How many times `nudgeStalledMiner` ran. */
  readonly stallNudges: number;
  /** Peak resident memory (sum of VmHWM over the process tree) so far, in bytes. */
  readPeakRss(): ProcessTreeMemory;
  /** Stop the process tree (SIGTERM, then SIGKILL after a grace period). Idempotent. */
  stop(): Promise<void>;
}

/** Memory of a process and its descendants, read from /proc. */
export interface ProcessTreeMemory {
  /** Sum of VmHWM (peak RSS) over the tree, bytes. */
  peakRssBytes: number;
  /** Sum of VmRSS (current RSS) over the tree, bytes. */
  rssBytes: number;
  /** Number of processes in the tree. */
  processes: number;
}

/** One measured line of a workload: `count` operations in `seconds`. */
export interface WorkloadLine {
  /** Stable key used in JSON results and for comparisons, e.g. `transfers-sequential`. */
  key: string;
  /** Human label for the table. */
  label: string;
  count: number;
  seconds: number;
  /** Miner-stall workarounds needed during this line (see TargetSpec.nudgeStalledMiner); time is included. */
  stallNudges?: number;
}

/** What a workload gets to run against one target. */
export interface WorkloadContext {
  target: RunningTarget;
  quick: boolean;
  log(message: string): void;
  /** Attach data that is not a rate (e.g. gas per function) to this target's entry in the results file. */
  attach?(details: Record<string, unknown>): void;
}

/** Targets a workload must meet, checked per line against a reference target. */
export interface WorkloadGoals {
  /** The target being judged (normally `devnet`). */
  subject: string;
  /** Every ops/s line: subject / reference must be at least `ratio`. */
  minRatio?: { reference: string; ratio: number };
  /** Start-to-ready of the subject must be below this. */
  readyMaxMs?: number;
}

/** A named benchmark workload. */
export interface Workload {
  name: string;
  summary: string;
  /** Targets it runs against when `--targets` is not given. */
  defaultTargets: string[];
  goals?: WorkloadGoals;
  /**
   * Targets the workload brings along (e.g. one devnet per validator count) instead of names from the
   * target registry; `--targets` then selects among these by name.
   */
  targets?: TargetSpec[];
  run(ctx: WorkloadContext): Promise<WorkloadLine[]>;
  /** A table of the workload's own, printed instead of the generic comparison table. */
  report?(results: TargetResult[], rows: ComparisonRow[]): string;
}
