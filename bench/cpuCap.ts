/**
 * Caps a process at a share of one core with a Linux cgroup (v1's cpu controller, or v2's
 * cpu.max), so that how well bot processes scale can be measured on a machine with fewer cores
 * than the processes and their database need: each process gets the same small share, and what
 * two of them do beside one says whether anything between them serializes. Needs root (or a
 * delegated cgroup); `capCpu` says why not when it cannot.
 */
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const PERIOD_US = 100_000;

export interface CpuCap {
  /** Ends the cap: the process leaves the group (if it still runs) and the group is removed. */
  release(): void;
}

/** Caps `pid` at `cores` (0.1 = a tenth of one core); a reason instead when this machine cannot. */
export function capCpu(pid: number, cores: number, name: string): CpuCap | { cannot: string } {
  const quota = String(Math.round(cores * PERIOD_US));
  try {
    const v1 = '/sys/fs/cgroup/cpu';
    if (existsSync(join(v1, 'cpu.cfs_quota_us'))) {
      const group = join(v1, name);
      mkdirSync(group, { recursive: true });
      writeFileSync(join(group, 'cpu.cfs_period_us'), String(PERIOD_US));
      writeFileSync(join(group, 'cpu.cfs_quota_us'), quota);
      writeFileSync(join(group, 'cgroup.procs'), String(pid));
      return { release: () => leave(group, join(v1, 'cgroup.procs')) };
    }
    const v2 = '/sys/fs/cgroup';
    if (existsSync(join(v2, 'cgroup.controllers')) && readFileSync(join(v2, 'cgroup.subtree_control'), 'utf8').includes('cpu')) {
      const group = join(v2, name);
      mkdirSync(group, { recursive: true });
      writeFileSync(join(group, 'cpu.max'), `${quota} ${PERIOD_US}`);
      writeFileSync(join(group, 'cgroup.procs'), String(pid));
      return { release: () => leave(group, join(v2, 'cgroup.procs')) };
    }
    return { cannot: 'no cgroup cpu controller (v1 /sys/fs/cgroup/cpu, or v2 with cpu in cgroup.subtree_control)' };
  } catch (error) {
    return { cannot: `cannot set a cgroup cpu quota here (${(error as Error).message}); it needs root` };
  }
}

function leave(group: string, rootProcs: string): void {
  try {
    for (const pid of readFileSync(join(group, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean)) writeFileSync(rootProcs, pid);
    rmdirSync(group);
  } catch {
    // A group left behind holds nothing once its process has exited; the next run reuses its name.
  }
}
