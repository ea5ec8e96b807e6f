/**
 * What the bench reads of processes and of the machine, from /proc (Linux), and how it rounds.
 */
import { readFileSync } from 'node:fs';

export function round(value: number): number {
  return Math.round(value * 100) / 100;
}

/** A process's resident memory now, in MiB. */
export function rssMiB(pid: number | undefined): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
}

/** CPU seconds every core of the machine has spent busy so far (all but idle and iowait), from /proc/stat. */
export function machineBusySeconds(): number {
  const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  const ticks = fields.map(Number);
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
  return (ticks.reduce((sum, tick) => sum + tick, 0) - idle) / 100;
}

/** CPU seconds a process has used so far (user + system), from /proc. */
export function cpuSeconds(pid: number | undefined): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
