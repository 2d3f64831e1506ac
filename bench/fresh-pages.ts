/**
 * `npm run bench -- pages`: what a page touched for the first time costs on this machine, against the same bytes
 * written into a buffer that is reused — with the systemd unit's malloc setting (`MALLOC_MMAP_THRESHOLD_=131072`:
 * every buffer of 128 KiB or more is its own mapping, given back to the kernel when freed) and without it (glibc's
 * own, adaptive threshold). Each variant runs in a child process of its own (glibc reads the variable at start).
 *
 * Why: the agent allocates buffers of a MiB (document slabs, column blocks) many times a second; on a virtual
 * machine whose freed memory goes back to the host, each new page is a fault that the host serves, and the CPU
 * profile shows it in whatever code writes the page first (docs/benchmark-agent.md "Fresh pages, 2026-12-07").
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Table, fmtInt, fmtNum } from './table.js';

const MIB = 1 << 20;
const BUFFERS = Number(process.env.BENCH_PAGES_MIB ?? 1024);

/** the child: fill BUFFERS fresh 1 MiB buffers, then one buffer BUFFERS times; ms and minor faults of each */
function child(): void {
  const fill = (fresh: boolean) => {
    const kept = Buffer.allocUnsafe(MIB);
    const r0 = process.resourceUsage().minorPageFault;
    const t0 = process.hrtime.bigint();
    let sum = 0;
    for (let i = 0; i < BUFFERS; i++) {
      const b = fresh ? Buffer.allocUnsafe(MIB) : kept;
      b.fill(i & 255);
      sum += b[4096]!;
    }
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    return { ms, faults: process.resourceUsage().minorPageFault - r0, sum };
  };
  process.stdout.write(JSON.stringify({ fresh: fill(true), reused: fill(false) }));
}

interface Fill {
  ms: number;
  faults: number;
}

export function freshPagesBench(): void {
  const script = fileURLToPath(import.meta.url);
  const t = new Table();
  t.section(`fresh pages: ${fmtInt(BUFFERS)} buffers of 1 MiB written, fresh each time vs one reused`);
  for (const [label, threshold] of [
    ['MALLOC_MMAP_THRESHOLD_=131072 (the unit)', '131072'],
    ["glibc's own threshold", undefined],
  ] as const) {
    const env = { ...process.env };
    if (threshold) env.MALLOC_MMAP_THRESHOLD_ = threshold;
    else delete env.MALLOC_MMAP_THRESHOLD_;
    const r = spawnSync(process.execPath, [script, 'child'], { env, encoding: 'utf8' });
    if (r.status !== 0) {
      t.na(label, r.stderr.trim().split('\n').pop() ?? `exit ${r.status}`);
      continue;
    }
    const { fresh, reused } = JSON.parse(r.stdout) as { fresh: Fill; reused: Fill };
    const perPage = fresh.faults > 0 ? ((fresh.ms - reused.ms) * 1000) / fresh.faults : NaN;
    t.value(
      label,
      `${fmtNum(fresh.ms, 0)} ms fresh, ${fmtNum(reused.ms, 0)} ms reused`,
      '',
      '',
      `${fmtInt(fresh.faults)} minor faults fresh (${fmtInt(reused.faults)} reused): ` +
        `${fmtNum(perPage, 2)} µs more per fault`,
    );
  }
}

if (process.argv[2] === 'child') child();
