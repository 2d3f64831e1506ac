/**
 * Samples a process's resident memory and CPU time from /proc once a second (Linux only): VmRSS from
 * /proc/PID/status (kB), and utime + stime (clock ticks) and minor page faults from /proc/PID/stat (fields 14, 15
 * and 10 counted from 1; the command name in field 2 may hold spaces and parentheses, so fields are counted after
 * its last ')'). Sources: docs/benchmark-agent.md "/proc". The faults: every page the process touches for the first
 * time since it was mapped, which on a virtual machine can cost tens of microseconds (docs/benchmark-agent.md
 * "Fresh pages, 2026-12-07").
 */
import { readdirSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { clock } from './stats.js';

export interface ProcSample {
  /** monotonic ms */
  t: number;
  rssMB: number;
  /** user + system CPU seconds since the process started */
  cpuS: number;
  /** minor page faults since the process started */
  minflt: number;
}

/** VmRSS in MB from the text of /proc/PID/status; NaN when absent (a zombie has no VmRSS) */
export function parseVmRss(status: string): number {
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  return m ? Number(m[1]) / 1024 : NaN;
}

/** utime + stime in clock ticks from the text of /proc/PID/stat */
export function parseCpuTicks(stat: string): number {
  const rest = statFields(stat);
  // rest[0] is field 3 (state): utime is field 14 → rest[11], stime field 15 → rest[12]
  return Number(rest[11]) + Number(rest[12]);
}

/** minor page faults (field 10: rest[7]) from the text of /proc/PID/stat */
export function parseMinorFaults(stat: string): number {
  return Number(statFields(stat)[7]);
}

const statFields = (stat: string) => stat.slice(stat.lastIndexOf(')') + 2).split(' ');

let ticksPerSecond: number | undefined;
/** CLK_TCK (100 on Linux nearly everywhere; asked of getconf when it is there) */
export function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** pid and its descendants (children of every thread, /proc/PID/task/TID/children) */
export function processTree(pid: number): number[] {
  const out: number[] = [];
  const todo = [pid];
  for (let p = todo.pop(); p !== undefined; p = todo.pop()) {
    out.push(p);
    try {
      for (const tid of readdirSync(`/proc/${p}/task`)) {
        const kids = readFileSync(`/proc/${p}/task/${tid}/children`, 'utf8').trim();
        if (kids) todo.push(...kids.split(/\s+/).map(Number));
      }
    } catch {
      /* gone meanwhile */
    }
  }
  return out;
}

/**
 * One reading of pid and its descendants summed (a launcher that re-executes node with other flags
 * would otherwise be measured instead of the agent), or undefined once pid is gone.
 */
export function sampleProc(pid: number, now: number): ProcSample | undefined {
  let rssMB = 0;
  let ticks = 0;
  let minflt = 0;
  for (const p of processTree(pid)) {
    try {
      const rss = parseVmRss(readFileSync(`/proc/${p}/status`, 'utf8'));
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      if (Number.isNaN(rss)) {
        if (p === pid) return undefined;
        continue;
      }
      rssMB += rss;
      ticks += parseCpuTicks(stat);
      minflt += parseMinorFaults(stat);
    } catch {
      if (p === pid) return undefined;
    }
  }
  return { t: now, rssMB, cpuS: ticks / clockTicks(), minflt };
}

/** Samples `pid` every `everyMs` until stop(); keeps every sample (600 of them in a 10-minute soak). */
export class ProcSampler {
  readonly samples: ProcSample[] = [];
  private timer: NodeJS.Timeout | undefined;
  constructor(
    readonly pid: number,
    private readonly everyMs = 1000,
  ) {}
  start(): void {
    this.take();
    this.timer = setInterval(() => this.take(), this.everyMs);
  }
  take(): void {
    const s = sampleProc(this.pid, clock());
    if (s) this.samples.push(s);
  }
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
