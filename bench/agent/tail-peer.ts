/**
 * The peer of the agent bench: GNU `tail -n +1 -F` on the same files, its output counted in this
 * process. It is the floor of "following files": it reads what is appended and hands it on, without
 * parsing, correlating or indexing, so the agent's delay and CPU can be read against the least any
 * follower must spend (why this peer: README "Agent benchmark"; tail's output layout with several files —
 * a `==> FILE <==` header before each file's part, an empty line before every header but the first —
 * docs/benchmark-agent.md "tail -F").
 *
 * Each line is attributed to its file by the last header seen, so the k-th line of a file is known to
 * be that file's line k, and its arrival time is recorded per (file, line index) like the stand-in's.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { clock, GrowableF64 } from './stats.js';

const HEADER = Buffer.from('==> ');

/** Counts `tail -F` output lines per file and records when each arrived. */
export class TailCounter {
  /** per file: arrival time of its line i at index i */
  readonly arrivals = new Map<string, GrowableF64>();
  private current: GrowableF64 | undefined;
  private carry: Buffer = Buffer.alloc(0);
  /** lines that came before any header or under an unknown header */
  stray = 0;

  constructor(paths: readonly string[]) {
    for (const p of paths) this.arrivals.set(p, new GrowableF64(1 << 16));
    // with a single file tail prints no header
    if (paths.length === 1) this.current = this.arrivals.get(paths[0]!);
  }

  /** Feed a chunk of tail's stdout that arrived at `at` (monotonic ms). */
  push(chunk: Buffer, at: number): void {
    const buf = this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk;
    let start = 0;
    for (let nl = buf.indexOf(10, start); nl >= 0; nl = buf.indexOf(10, start)) {
      this.line(buf, start, nl, at);
      start = nl + 1;
    }
    this.carry = Buffer.from(buf.subarray(start));
  }

  private line(buf: Buffer, start: number, end: number, at: number): void {
    if (end === start) return; // the separator before a header (the bench never writes empty lines)
    if (end - start > 8 && buf.compare(HEADER, 0, 4, start, start + 4) === 0) {
      const text = buf.toString('utf8', start, end);
      const m = /^==> (.*) <==$/.exec(text);
      const file = m ? this.arrivals.get(m[1]!) : undefined;
      if (file) {
        this.current = file;
        return;
      }
    }
    if (this.current) this.current.push(at);
    else this.stray++;
  }

  get lines(): number {
    let n = 0;
    for (const a of this.arrivals.values()) n += a.length;
    return n;
  }
}

/** Start `tail -n +1 -F PATHS…`, feeding its output to a TailCounter. */
export function startTail(
  paths: readonly string[],
  now: () => number = clock,
): { child: ChildProcess; counter: TailCounter; exited: Promise<void> } {
  const counter = new TailCounter(paths);
  const child = spawn('tail', ['-n', '+1', '-F', ...paths], { stdio: ['ignore', 'pipe', 'ignore'] });
  child.stdout!.on('data', (d: Buffer) => counter.push(d, now()));
  const exited = new Promise<void>((resolve) => {
    child.on('close', () => resolve());
    child.on('error', () => resolve());
  });
  return { child, counter, exited };
}
