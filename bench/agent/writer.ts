/**
 * The agent bench's steady writer: appends lines at a fixed rate in ticks (default 20,000 lines/s in
 * 50 ms ticks) to the files of live-lines.ts, one write(2) per file per tick, and remembers where each
 * line starts (byte offset, per file) and when its tick was written — one 8-byte number per line and
 * two per tick, so 10 minutes at 20,000 lines/s cost ~100 MB of typed arrays and no strings.
 *
 * The rate is kept by count, not by timer accuracy: after a late tick (the event loop was busy) the next
 * one writes what is due by then — `linesDue(elapsed)` lines in total — so the total written after
 * `seconds` is exactly rate × seconds.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { Rng, Weighted } from '../prng.js';
import { clock, GrowableF64, lastAtOrBelow } from './stats.js';
import { fileWeights, type LiveFile } from './live-lines.js';

export interface WriterOptions {
  /** lines per second over all files */
  rate: number;
  /** tick length in ms (50-100 ms: short enough that a tick's lines share one write time) */
  tickMs: number;
  seconds: number;
  seed: number;
  /** clock in ms (stats.ts clock() by default; tests drive it) */
  now?: () => number;
  /** epoch ms stamped into the lines for a clock reading (Date.now by default) */
  epoch?: () => number;
}

/** Lines that must have been written `elapsedMs` after the start: floor(rate × elapsed), capped at the total. */
export function linesDue(rate: number, seconds: number, elapsedMs: number): number {
  const total = Math.round(rate * seconds);
  if (elapsedMs <= 0) return 0;
  return Math.min(total, Math.floor((rate * elapsedMs) / 1000));
}

/** One file's record of what was written: line start offsets, and per tick its first line and time. */
export class WrittenFile {
  readonly offsets = new GrowableF64(1 << 16);
  readonly tickFirstLine = new GrowableF64(1 << 12);
  readonly tickTime = new GrowableF64(1 << 12);
  bytes = 0;
  constructor(
    readonly live: LiveFile,
    readonly fd: number,
  ) {}
  get lines(): number {
    return this.offsets.length;
  }
  /** the line starting at byte `offset`, or −1 when no line starts there */
  lineAt(offset: number): number {
    const i = lastAtOrBelow(this.offsets.view(), this.offsets.length, offset);
    return i >= 0 && this.offsets.at(i) === offset ? i : -1;
  }
  /** when line `i` was written (the monotonic ms of its tick) */
  writtenAt(i: number): number {
    const k = lastAtOrBelow(this.tickFirstLine.view(), this.tickFirstLine.length, i);
    return k >= 0 ? this.tickTime.at(k) : NaN;
  }
}

/** write(2) may write less than asked: loop until the whole chunk is in the file */
function writeAll(fd: number, text: string): void {
  const buf = Buffer.from(text);
  for (let done = 0; done < buf.length;) done += writeSync(fd, buf, done, buf.length - done);
}

export class SteadyWriter {
  readonly files: WrittenFile[];
  private readonly pick: Weighted<number>;
  private readonly rng: Rng;
  private readonly now: () => number;
  private readonly epoch: () => number;
  written = 0;
  ticks = 0;
  t0 = NaN;
  /** longest time between two ticks, ms: far above tickMs, the bench process itself was starved of CPU */
  maxGapMs = 0;
  private lastTickAt = NaN;

  constructor(
    live: readonly LiveFile[],
    readonly o: WriterOptions,
  ) {
    this.files = live.map((l) => new WrittenFile(l, openSync(l.path, 'a')));
    this.pick = new Weighted(fileWeights(live));
    this.rng = new Rng(o.seed ^ 0x2545f491);
    this.now = o.now ?? clock;
    this.epoch = o.epoch ?? Date.now;
  }

  get total(): number {
    return Math.round(this.o.rate * this.o.seconds);
  }

  /** Write what is due at the current clock; returns the number of lines written by this tick. */
  tick(): number {
    const now = this.now();
    if (Number.isNaN(this.t0)) this.t0 = now;
    if (now - this.lastTickAt > this.maxGapMs) this.maxGapMs = now - this.lastTickAt;
    this.lastTickAt = now;
    const n = linesDue(this.o.rate, this.o.seconds, now - this.t0) - this.written;
    if (n <= 0) return 0;
    const t = this.epoch();
    const counts = new Array<number>(this.files.length).fill(0);
    for (let i = 0; i < n; i++) counts[this.pick.pick(this.rng)]!++;
    for (let f = 0; f < this.files.length; f++) {
      const file = this.files[f]!;
      const count = counts[f]!;
      if (!count) continue;
      file.tickFirstLine.push(file.offsets.length);
      const lines = new Array<string>(count);
      for (let i = 0; i < count; i++) {
        const line = file.live.next(t) + '\n';
        lines[i] = line;
        file.offsets.push(file.bytes);
        file.bytes += Buffer.byteLength(line);
      }
      writeAll(file.fd, lines.join(''));
      // the lines are visible to a reader once write(2) returned: that is their "written" time
      file.tickTime.push(this.now());
    }
    this.written += n;
    this.ticks++;
    return n;
  }

  /** Tick until rate × seconds lines are written. */
  async run(): Promise<void> {
    this.tick();
    while (this.written < this.total) {
      const elapsed = this.now() - this.t0;
      await sleep(Math.max(1, this.o.tickMs - (elapsed % this.o.tickMs)));
      this.tick();
    }
  }

  close(): void {
    for (const f of this.files) closeSync(f.fd);
  }
}
