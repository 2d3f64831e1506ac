/**
 * Time-ordered output files for the correlated scenario. Sessions are planned whole at accept
 * time, so their lines land in the future of several files; each file keeps a min-heap of pending
 * lines and writes out everything older than (clock − horizon). Memory is bounded by the horizon
 * (a few minutes of log), never by the file size.
 */
import { LineWriter } from '../line-writer.js';

export interface TruthMeta {
  cause: string;
  terminated_by: string;
  app: string;
  server: string;
  client_port: number;
  thread_id: number;
  /** ISO time of the app record */
  t: string;
}
export interface TruthEntry extends TruthMeta {
  /** file name relative to the scenario dir */
  file: string;
  /** byte offset of the record's first line */
  offset: number;
  /** 1-based line number of that line */
  line: number;
}

interface Pending {
  t: number;
  seq: number;
  /** final text (may contain '\n' for multi-line records) */
  text?: string;
  /** MariaDB general-log body rendered at write time (stamp depends on the previous line) */
  general?: [thread: number, command: string, arg: string];
  /** a header block: resets the general-log stamp */
  header?: boolean;
  truth?: TruthMeta;
}

/** Binary min-heap ordered by (t, seq). */
class Heap {
  private readonly a: Pending[] = [];
  get size(): number {
    return this.a.length;
  }
  peek(): Pending | undefined {
    return this.a[0];
  }
  private less(x: Pending, y: Pending): boolean {
    return x.t < y.t || (x.t === y.t && x.seq < y.seq);
  }
  push(p: Pending): void {
    const a = this.a;
    a.push(p);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(a[i]!, a[parent]!)) break;
      [a[i], a[parent]] = [a[parent]!, a[i]!];
      i = parent;
    }
  }
  pop(): Pending | undefined {
    const a = this.a;
    const top = a[0];
    const last = a.pop();
    if (a.length && last) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1,
          r = l + 1;
        let m = i;
        if (l < a.length && this.less(a[l]!, a[m]!)) m = l;
        if (r < a.length && this.less(a[r]!, a[m]!)) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m]!, a[i]!];
        i = m;
      }
    }
    return top;
  }
}

let seqCounter = 0;

export type GeneralRenderer = { line(t: number, thread: number, command: string, arg: string): string; reset(): void };

export class TimedSink {
  private readonly heap = new Heap();
  private readonly w: LineWriter;
  /** everything before this instant has been written; pushing older lines is a generator bug */
  private flushed = -Infinity;
  readonly truth: TruthEntry[] = [];

  constructor(
    readonly file: string,
    fullPath: string,
    private readonly general?: GeneralRenderer,
  ) {
    this.w = new LineWriter(fullPath, true);
  }

  get lines(): number {
    return this.w.lines;
  }
  get bytes(): number {
    return this.w.bytes;
  }

  private add(p: Pending): void {
    if (p.t < this.flushed)
      throw new Error(`${this.file}: line at ${p.t} pushed after flushing up to ${this.flushed} (horizon too short)`);
    this.heap.push(p);
  }
  push(t: number, text: string, truth?: TruthMeta): void {
    this.add(truth ? { t, seq: seqCounter++, text, truth } : { t, seq: seqCounter++, text });
  }
  pushGeneral(t: number, thread: number, command: string, arg: string): void {
    this.add({ t, seq: seqCounter++, general: [thread, command, arg] });
  }
  pushHeader(t: number, lines: string[]): void {
    this.add({ t, seq: seqCounter++, text: lines.join('\n'), header: true });
  }

  /** Write every pending line with t < until. */
  async flushUntil(until: number): Promise<void> {
    const h = this.heap;
    for (let p = h.peek(); p && p.t < until; p = h.peek()) {
      h.pop();
      let text: string;
      if (p.general && this.general) text = this.general.line(p.t, ...p.general);
      else text = p.text ?? '';
      if (p.header) this.general?.reset();
      if (p.truth) this.truth.push({ file: this.file, offset: this.w.bytes, line: this.w.lines + 1, ...p.truth });
      const parts = text.includes('\n') ? text.split('\n') : [text];
      for (const part of parts) {
        const wait = this.w.line(part);
        if (wait) await wait;
      }
    }
    if (until > this.flushed) this.flushed = until;
  }

  async close(): Promise<void> {
    await this.flushUntil(Infinity);
    await this.w.close();
  }
}

/** Min-heap of numbers (session end times → concurrent-session counters). */
export class EndHeap {
  private readonly a: number[] = [];
  get size(): number {
    return this.a.length;
  }
  push(x: number): void {
    const a = this.a;
    a.push(x);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p]! <= a[i]!) break;
      [a[i], a[p]] = [a[p]!, a[i]!];
      i = p;
    }
  }
  /** drop all ends ≤ t */
  popUntil(t: number): void {
    const a = this.a;
    while (a.length && a[0]! <= t) {
      const last = a.pop()!;
      if (!a.length) break;
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1,
          r = l + 1;
        let m = i;
        if (l < a.length && a[l]! < a[m]!) m = l;
        if (r < a.length && a[r]! < a[m]!) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m]!, a[i]!];
        i = m;
      }
    }
  }
}
