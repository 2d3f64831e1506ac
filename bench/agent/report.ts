/**
 * The agent bench's rows: for the agent and for its peer, lines delivered and the rate held, CPU cores,
 * RSS and its slope, write → arrival delay; the issue's targets are marked PASS/MISS on the agent's rows
 * only (the peer is the reference, not a candidate).
 */
import { Table, fmtInt, fmtNum, mark } from '../table.js';
import {
  delayFigures,
  FLOOR_WARMUP_S,
  FLOOR_WINDOW_S,
  SLOW_MS,
  throughput,
  usage,
  WINDOW_S,
  type Delivery,
} from './analyze.js';
import type { ProcSample } from './proc-sampler.js';

export interface SoakInfo {
  written: number;
  /** lines written in each second of the soak (analyze.ts writtenPerSecond) */
  writtenPerSecond: Uint32Array;
  seconds: number;
  rate: number;
  /** the writer's start and planned end (monotonic ms) */
  t0: number;
  tEnd: number;
  ticks: number;
  maxGapMs: number;
  tickMs: number;
}

export interface FollowerRun {
  name: string;
  delivery: Delivery;
  samples: readonly ProcSample[];
  note: string;
}

export const TARGET = {
  rssMB: 300,
  cores: 1.0,
  /**
   * "Flat": the floor of RSS (each minute's least sample, analyze.ts `rssFloorSlopePerMin`) rises or falls by at
   * most 0.5 MB per minute over the soak after its first minute (start-up and the heap growing to its working size;
   * falling fast is not flat either: it says the working size was not reached). At that slope
   * an hour adds ≤ 30 MB, a tenth of the 300 MB budget; a leak of 25 bytes per line at 20,000 lines/s (30 MB/min)
   * is 60 times over it. The slope fitted to every sample of the second half (the rule before) is printed too, but
   * not judged: the swings of RSS between collections moved it by ±2 MB/min from one soak of a build to the next
   * (docs/benchmark-agent.md "RSS floor, 2026-12-07"). A 10-minute soak tells ±0.5 MB/min only roughly: the
   * floors themselves spread by ±4 MB.
   */
  slopeMBPerMin: 0.5,
  /**
   * "Held": over the soak at least 99 % of the rate was indexed per second on average, and after the first 10 s the
   * follower never owed more than SLOW_MS of the rate (written − delivered, second by second: 100,000 lines at
   * 20,000 lines/s). A follower that keeps up owes about its p50 delay's worth (~16,000 lines at 0.8 s), more for a
   * moment when the writer catches up after a stall; one 1 % short of the rate owes 200 more lines every second and
   * crosses the bound within ~8 minutes. The worst 10 s window (the rule before: ≥ 95 % of what was written in it)
   * is printed, not judged: a writer that stalls and then writes a burst moves lines from one window to the next,
   * and the window blamed the follower for it (docs/benchmark-agent.md "Held: the backlog, 2026-12-07").
   */
  sustainedShare: 0.99,
  backlogS: SLOW_MS / 1000,
};

export function printFollower(t: Table, s: SoakInfo, runs: readonly FollowerRun[]): void {
  t.value(
    'writer: lines written',
    `${fmtInt(s.written)} in ${s.seconds} s = ${fmtInt(s.written / s.seconds)} l/s`,
    '',
    '',
    `${fmtInt(s.ticks)} ticks of ${s.tickMs} ms; longest gap between ticks ${fmtInt(s.maxGapMs)} ms` +
      (s.maxGapMs > 10 * s.tickMs ? ' (the bench process was short of CPU: delays are inflated)' : ''),
  );
  const figures = runs.map((r, i) => printOne(t, s, r, i === 0));
  const [agent, peer] = figures;
  if (agent && peer && runs[1]) {
    if (agent.cores !== undefined && peer.cores !== undefined && peer.cores > 0)
      t.ratio(`CPU ratio agent / ${runs[1].name.replace(/^peer: /, '')}`, agent.cores / peer.cores, '', '');
    if (Number.isFinite(agent.p99) && Number.isFinite(peer.p99))
      t.value('p99 delay, agent − peer', `${fmtNum(agent.p99 - peer.p99, 3)} s`, '', '', 'what indexing adds');
  }
}

function printOne(t: Table, s: SoakInfo, r: FollowerRun, judged: boolean): { cores?: number; p99: number } {
  const d = r.delivery;
  const th = throughput(d, s.seconds, s.written, s.writtenPerSecond);
  const u = usage(r.samples, s.t0, s.tEnd);
  const all = usage(r.samples, -Infinity, Infinity);
  const maxOwed = TARGET.backlogS * s.rate;
  const held = th.sustained >= TARGET.sustainedShare * s.rate && th.maxBacklog <= maxOwed;
  const extra = [
    d.duplicates ? `${fmtInt(d.duplicates)} duplicates` : '',
    d.unknown ? `${fmtInt(d.unknown)} matching no written line` : '',
  ].filter(Boolean);
  t.row(
    `${r.name}: delivered in the soak`,
    s.written - th.backlog,
    s.seconds * 1000,
    th.sustained,
    all?.rssMax,
    judged ? `≥ ${fmtInt(s.rate)} l/s held` : '',
    judged ? mark(held) : '',
    `${fmtInt(d.delivered)} of ${fmtInt(s.written)} after the drain${extra.length ? '; ' + extra.join(', ') : ''}`,
  );
  t.value(
    '  most lines owed (written − delivered)',
    fmtInt(th.maxBacklog),
    judged ? `≤ ${fmtInt(maxOwed)} (${TARGET.backlogS} s of the rate)` : '',
    judged ? mark(th.maxBacklog <= maxOwed) : '',
    `at second ${th.maxBacklogAt}${th.warmup ? ` (after ${th.warmup} s warm-up)` : ''}; when writing stopped: ` +
      `${fmtInt(th.backlog)}`,
  );
  t.value(
    `  worst ${WINDOW_S} s window`,
    `${fmtInt(th.worst)} l/s`,
    '',
    '',
    `from second ${th.worstAt}, when ${fmtInt(th.writtenInWorst)} l/s were written (not judged: a writer's stall ` +
      'moves lines between windows)',
  );
  if (!u) {
    t.na(`  ${r.name}: CPU / RSS`, 'fewer than 2 samples during the soak (the process ended early?)');
  } else {
    t.value(
      '  CPU cores (CPU s / wall s, during the soak)',
      fmtNum(u.cores, 2),
      judged ? `≤ ${fmtNum(TARGET.cores, 1)} core` : '',
      judged ? mark(u.cores <= TARGET.cores) : '',
      // lines per CPU-second: what compares runs on a shared machine, where lines/s do not
      `${u.samples} samples, 1/s${u.cores > 0 ? `; ${fmtInt(th.sustained / u.cores)} lines per CPU-second` : ''}` +
        `; ${fmtInt(u.faultsPerS)} minor page faults/s`,
    );
    t.value(
      '  RSS min / median / max',
      `${fmtNum(u.rssMin, 0)} / ${fmtNum(u.rssMedian, 0)} / ${fmtNum(u.rssMax, 0)} MB`,
      judged ? `< ${TARGET.rssMB} MB` : '',
      judged ? mark(u.rssMax < TARGET.rssMB) : '',
      all && all.rssMax > u.rssMax ? `max ${fmtNum(all.rssMax, 0)} MB counting start-up and drain` : '',
    );
    const flat = Number.isFinite(u.rssFloorSlopePerMin) && Math.abs(u.rssFloorSlopePerMin) <= TARGET.slopeMBPerMin;
    t.value(
      `  RSS floor slope after ${FLOOR_WARMUP_S} s (least of each ${FLOOR_WINDOW_S} s)`,
      `${signed(u.rssFloorSlopePerMin)} MB/min`,
      judged ? `±${TARGET.slopeMBPerMin} MB/min (flat)` : '',
      judged ? mark(flat) : '',
      `every sample of the second half fitted: ${signed(u.rssSlopePerMin)} MB/min (the swings included)` +
        (s.seconds < 300 ? '; short run: the slope is mostly noise' : ''),
    );
  }
  const dl = delayFigures(d.delays);
  t.value(
    '  delay write → arrival p50 / p99 / max',
    d.delivered ? `${fmtNum(dl.p50, 3)} / ${fmtNum(dl.p99, 3)} / ${fmtNum(dl.max, 3)} s` : 'n/a',
    '',
    '',
    r.note,
  );
  const slow = slowLines(d.slowPerSecond);
  if (slow.total)
    t.value(
      `  lines later than ${SLOW_MS / 1000} s`,
      fmtInt(slow.total),
      '',
      '',
      `written in seconds ${slow.first}–${slow.last}; most in second ${slow.peakAt} (${fmtInt(slow.peak)})`,
    );
  return { cores: u?.cores, p99: dl.p99 };
}

const signed = (v: number): string => `${v >= 0 ? '+' : ''}${fmtNum(v, 2)}`;

/** how many lines were late, and when they were written (the second with the most of them) */
function slowLines(perSecond: Uint32Array): {
  total: number;
  first: number;
  last: number;
  peak: number;
  peakAt: number;
} {
  let total = 0;
  let first = -1;
  let last = -1;
  let peak = 0;
  let peakAt = -1;
  perSecond.forEach((n, i) => {
    if (!n) return;
    total += n;
    if (first < 0) first = i;
    last = i;
    if (n > peak) [peak, peakAt] = [n, i];
  });
  return { total, first, last, peak, peakAt };
}
