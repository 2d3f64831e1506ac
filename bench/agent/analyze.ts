/**
 * From what was written (writer.ts) and what arrived (the stand-in's (file, offset) arrivals, or the
 * tail peer's (file, line) arrivals) to the bench's figures: distinct lines delivered, per-second
 * delivery, write → arrival delays, and the CPU / RSS figures of the sampled process.
 */
import { GrowableF64, median, percentile, slope, worstWindow } from './stats.js';
import type { WrittenFile } from './writer.js';
import type { FileArrivalArrays } from './recorder-thread.js';
import type { ProcSample } from './proc-sampler.js';

export interface Delivery {
  /** distinct written lines that arrived at least once */
  delivered: number;
  /** arrivals of a line that had already arrived (a retry the stand-in answered 201 again) */
  duplicates: number;
  /** arrivals that match no written line (wrong path or an offset where no line starts) */
  unknown: number;
  /** first arrivals per second since the writer's start (index 0 = its first second) */
  perSecond: Uint32Array;
  /** write → first arrival, ms, ascending */
  delays: Float64Array;
  /** lines that arrived more than SLOW_MS after they were written, by the second they were written in */
  slowPerSecond: Uint32Array;
}

/** a line this late was held somewhere (a stalled input, the idle rule, a retry), not just queued behind others */
export const SLOW_MS = 5000;

/** Arrivals of one file as pairs: the written line each one is (−1: none) and when it arrived. */
export interface LineArrivals {
  length: number;
  line(i: number): number;
  at(i: number): number;
}

/** the stand-in's arrivals of `file`, mapped from byte offsets to line numbers */
export function byOffset(file: WrittenFile, a: FileArrivalArrays | undefined): LineArrivals {
  return {
    length: a?.offsets.length ?? 0,
    line: (i) => file.lineAt(a!.offsets[i]!),
    at: (i) => a!.times[i]!,
  };
}

/** the tail peer's arrivals of `file`: its i-th output line is the file's line i */
export function byLineIndex(file: WrittenFile, times: GrowableF64 | undefined): LineArrivals {
  return {
    length: times?.length ?? 0,
    line: (i) => (i < file.lines ? i : -1),
    at: (i) => times!.at(i),
  };
}

/** lines written per second since the writer's start (index 0 = its first second), from each file's ticks */
export function writtenPerSecond(files: readonly WrittenFile[], t0: number, seconds: number): Uint32Array {
  const out = new Uint32Array(Math.max(1, Math.ceil(seconds)));
  for (const f of files) {
    const n = f.tickFirstLine.length;
    for (let k = 0; k < n; k++) {
      const first = f.tickFirstLine.at(k);
      const next = k + 1 < n ? f.tickFirstLine.at(k + 1) : f.lines;
      const s = Math.floor((f.tickTime.at(k) - t0) / 1000);
      if (s >= 0 && s < out.length) out[s] += next - first;
    }
  }
  return out;
}

/** Join arrivals with the write record; `t0` is the writer's start, `seconds` the span to bucket. */
export function delivery(
  files: readonly WrittenFile[],
  arrivalsOf: (f: WrittenFile) => LineArrivals,
  t0: number,
  seconds: number,
): Delivery {
  const perSecond = new Uint32Array(Math.max(1, Math.ceil(seconds)));
  const slowPerSecond = new Uint32Array(perSecond.length);
  const delays = new GrowableF64(1 << 16);
  let duplicates = 0;
  let unknown = 0;
  for (const f of files) {
    const seen = new Uint8Array(f.lines);
    const a = arrivalsOf(f);
    for (let i = 0; i < a.length; i++) {
      const line = a.line(i);
      if (line < 0) {
        unknown++;
        continue;
      }
      if (seen[line]) {
        duplicates++;
        continue;
      }
      seen[line] = 1;
      const at = a.at(i);
      const written = f.writtenAt(line);
      delays.push(at - written);
      const s = Math.floor((at - t0) / 1000);
      if (s >= 0 && s < perSecond.length) perSecond[s]!++;
      if (at - written > SLOW_MS)
        slowPerSecond[Math.min(perSecond.length - 1, Math.max(0, Math.floor((written - t0) / 1000)))]!++;
    }
  }
  const sorted = Float64Array.from(delays.view()).sort();
  return { delivered: sorted.length, duplicates, unknown, perSecond, delays: sorted, slowPerSecond };
}

export interface Throughput {
  /** delivered within the soak ÷ its seconds */
  sustained: number;
  /** lines/s of the worst 10-s window after the warm-up, and the second it starts at */
  worst: number;
  worstAt: number;
  /** lines/s the writer wrote in those seconds (a writer short of CPU writes less than the rate: no follower can
   *  deliver more than it was given) */
  writtenInWorst: number;
  /** seconds left out at the start (0 when the run is too short to spare them) */
  warmup: number;
  /** written − delivered when the writer stopped */
  backlog: number;
  /** the largest written − delivered at the end of a second after the warm-up, and that second: what the follower
   *  owed at its most behind. A follower that keeps up owes its pipeline's delay's worth of lines whatever the
   *  writer does; one that falls behind owes more every second */
  maxBacklog: number;
  maxBacklogAt: number;
}

/** seconds at the start left out of the worst window: the agent's first flushes are start-up, not pace */
export const WARMUP_S = 10;
export const WINDOW_S = 10;

export function throughput(d: Delivery, seconds: number, written: number, writtenPerS: Uint32Array): Throughput {
  const soak = d.perSecond.subarray(0, seconds);
  let inSoak = 0;
  for (const n of soak) inSoak += n;
  const warm = soak.length > WARMUP_S + WINDOW_S ? WARMUP_S : 0;
  const w = worstWindow(soak.subarray(warm), WINDOW_S);
  const width = Math.min(WINDOW_S, soak.length - warm) || 1;
  let wrote = 0;
  for (let i = w.start + warm; i < w.start + warm + width && i < writtenPerS.length; i++) wrote += writtenPerS[i]!;
  let owed = 0;
  let maxBacklog = 0;
  let maxBacklogAt = warm;
  for (let i = 0; i < soak.length; i++) {
    owed += (writtenPerS[i] ?? 0) - soak[i]!;
    if (i >= warm && owed > maxBacklog) [maxBacklog, maxBacklogAt] = [owed, i];
  }
  return {
    sustained: inSoak / seconds,
    worst: w.sum / width,
    worstAt: w.start + warm,
    writtenInWorst: wrote / width,
    warmup: warm,
    backlog: written - inSoak,
    maxBacklog,
    maxBacklogAt,
  };
}

export interface Usage {
  /** CPU seconds ÷ wall seconds between the first and last sample of the span */
  cores: number;
  rssMin: number;
  rssMedian: number;
  rssMax: number;
  /** least-squares slope of RSS over the span's second half, MB per minute (the GC sawtooth included) */
  rssSlopePerMin: number;
  /**
   * least-squares slope of the floor of RSS after the span's first FLOOR_WARMUP_S, MB per minute: the least sample
   * of each FLOOR_WINDOW_S window, fitted over the windows' middles. Garbage awaiting a collection lifts single
   * samples (the agent's RSS swings by ~30 MB within every minute); what is still there at a window's lowest point
   * is what the process keeps, and a leak lifts that. The whole soak, not its second half: over 5 minutes the
   * floors' own spread (±4 MB) moves a fitted slope by ±1 MB/min (docs/benchmark-agent.md "RSS floor, 2026-12-07")
   */
  rssFloorSlopePerMin: number;
  /** minor page faults per second (pages touched for the first time) */
  faultsPerS: number;
  samples: number;
}

/** CPU and RSS figures of the samples taken in [from, to] (monotonic ms) */
export function usage(all: readonly ProcSample[], from: number, to: number): Usage | undefined {
  const s = all.filter((x) => x.t >= from && x.t <= to);
  if (s.length < 2) return undefined;
  const first = s[0]!;
  const last = s[s.length - 1]!;
  const rss = s.map((x) => x.rssMB);
  const half = s.filter((x) => x.t >= from + (to - from) / 2);
  return {
    cores: (last.cpuS - first.cpuS) / ((last.t - first.t) / 1000),
    faultsPerS: (last.minflt - first.minflt) / ((last.t - first.t) / 1000),
    rssMin: Math.min(...rss),
    rssMedian: median(rss),
    rssMax: Math.max(...rss),
    rssSlopePerMin: slope(
      half.map((x) => x.t / 60_000),
      half.map((x) => x.rssMB),
    ),
    rssFloorSlopePerMin: floorSlope(s.filter((x) => x.t >= from + FLOOR_WARMUP_S * 1000)),
    samples: s.length,
  };
}

/** a window longer than the swings of RSS between collections, so that each window holds a low point */
export const FLOOR_WINDOW_S = 60;
/** start-up: the heap growing to its working size */
export const FLOOR_WARMUP_S = 60;

function floorSlope(samples: readonly ProcSample[]): number {
  const xs: number[] = [];
  const ys: number[] = [];
  const span = FLOOR_WINDOW_S * 1000;
  for (let i = 0; i < samples.length;) {
    const start = samples[i]!.t;
    let min = Infinity;
    let j = i;
    for (; j < samples.length && samples[j]!.t < start + span; j++) min = Math.min(min, samples[j]!.rssMB);
    // a window cut short at the end has seen less of the sawtooth: its floor is not comparable
    if (samples[j - 1]!.t - start >= span * 0.8) {
      xs.push((start + span / 2) / 60_000);
      ys.push(min);
    }
    i = j;
  }
  return slope(xs, ys);
}

/** p50 / p99 / max of sorted delays, in seconds */
export function delayFigures(sortedMs: Float64Array): { p50: number; p99: number; max: number } {
  return {
    p50: percentile(sortedMs, 50) / 1000,
    p99: percentile(sortedMs, 99) / 1000,
    max: percentile(sortedMs, 100) / 1000,
  };
}
