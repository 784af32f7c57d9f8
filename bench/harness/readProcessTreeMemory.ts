import { readdirSync, readFileSync } from 'node:fs';
import type { ProcessTreeMemory } from './types';

function readStatusKb(pid: number, field: string): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  return match?.[1] ? Number(match[1]) : 0;
}

function childrenOf(pid: number): number[] {
  const out: number[] = [];
  let threads: string[] = [];
  try {
    threads = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of threads) {
    try {
      for (const c of readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim().split(/\s+/)) {
        if (c) out.push(Number(c));
      }
    } catch {
      // thread exited meanwhile
    }
  }
  return out;
}

/**
 * Peak (VmHWM) and current (VmRSS) resident memory of a process and all its live descendants, from /proc.
 *
 * @example
 * ```ts
 * const { peakRssBytes } = readProcessTreeMemory(child.pid);
 * ```
 */
export function readProcessTreeMemory(rootPid: number): ProcessTreeMemory {
  let peakKb = 0;
  let rssKb = 0;
  let processes = 0;
  const queue = [rootPid];
  while (queue.length > 0) {
    const pid = queue.shift() as number;
    try {
      peakKb += readStatusKb(pid, 'VmHWM');
      rssKb += readStatusKb(pid, 'VmRSS');
      processes++;
    } catch {
      continue; // exited meanwhile
    }
    queue.push(...childrenOf(pid));
  }
  return { peakRssBytes: peakKb * 1024, rssBytes: rssKb * 1024, processes };
}
