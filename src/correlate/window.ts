/**
 * The Correlator's window, as types a reader can find: the app errors waiting for their verdict
 * (`ErrorQueue`), the fixed clock its decisions follow (`TICK`, `EVICT_EVERY`), and where each
 * file's records are (`FilePositions`), so that it can say which file positions it still needs.
 */
import type { AppError } from './model.js';
import type { LogKind } from '../sources/log-kind.js';
import type { CorrelateSettings } from './settings.js';
import { DOWN_DETECTION } from './rules.js';

/**
 * How long an undecided app error waits for late evidence, in log time: a server killed with kill -9 (or by the
 * OOM killer) logs nothing until it starts again, and MariaDB's systemd unit restarts it after `RestartSec=5s`
 * (`Restart=on-abort`; docs/mysql-logs.md). 10 s, not the 2 minutes it was: the agent indexes an error's
 * verdict within `correlate.settle` + 15 s of wall clock (issue 14), and with every input quiet its watermark
 * follows the wall clock, so a retry 2 minutes on was a verdict 2 minutes late. On the bench's correlated set and
 * every lab run kept, no cause changed (a server slower than 10 s to come back leaves its errors `unknown`).
 */
export const RETRY_AFTER = 10_000;
/**
 * Decisions are taken at the multiples of TICK (epoch ms), each with every record up to that instant
 * and none after it, whenever and in whatever chunks the records were pushed: that is what makes a
 * streaming run give exactly the batch run's events (test/correlate/drivers-agree.test.ts).
 */
export const TICK = 1;
/** the window is trimmed at the multiples of EVICT_EVERY */
export const EVICT_EVERY = 10_000;
/** and the short window (no app logs: shortHorizon) every second: at 17,000 sessions/s the 10 s between
 *  trims were a third of what it held (docs/benchmark-agent.md "Memory: the correlation window") */
export const EVICT_SHORT = 1000;

/**
 * How much longer an error without a local port waits: the exact joins of that time claim their
 * sessions first, whatever the order the lines came in (errors due together are sorted, below).
 */
export const EXACT_FIRST = 1000;

/** how late a record may come after others of a later time (a log's own disorder: whole-second stamps,
 *  HAProxy's lines written at the session's end by several threads) */
export const DISORDER = 5000;

/**
 * How long every session must stay in the window for the lookups that reach any session, and for its
 * own verdict to be final (docs/correlator.md "What the window keeps"):
 * - an app error's first decision: due `res + settle + skew` (+ EXACT_FIRST) after it, it looks at the
 *   sessions that ended from `skew + 1 s` before it (matcher.ts, time only);
 * - a `--` closure is decided only with a KILL, an Aborted line or a lifecycle event near its end
 *   (rules.ts `mayBeServerClosed`): the latest of them, a DOWN, counts up to DOWN_DETECTION after it,
 *   an Aborted line up to `skew + 3 s`.
 * A crash found at a restart is placed in the past (ingest-mysql.ts): Store.crashFloor bounds it.
 */
export function shortHorizon(cfg: CorrelateSettings): number {
  const firstDecision = 1000 + cfg.settle + 2 * cfg.skew + EXACT_FIRST + 1000;
  const ownVerdict = Math.max(DOWN_DETECTION, cfg.skew + 3000);
  return Math.max(firstDecision, ownVerdict) + DISORDER;
}

/** the first tick after `t` (a decision "at t" waits for the stream to be past t) */
export const tickAfter = (t: number): number => Math.floor(t / TICK) * TICK + TICK;

/** App errors waiting for the stream to be `settle` past them, and those deferred for a retry. */
export class ErrorQueue {
  private pending: AppError[] = [];
  private deferred: AppError[] = [];
  /** app files that ever showed milliseconds */
  private readonly msFiles = new Set<string>();

  constructor(private readonly cfg: CorrelateSettings) {}

  add(e: AppError): void {
    // a file that ever showed milliseconds has them: its .000 stamps are not whole seconds
    if (e.res === 0) this.msFiles.add(e.file);
    else if (this.msFiles.has(e.file)) e.res = 0;
    this.pending.push(e);
  }

  /** HAProxy logs a half-open session only when the app's failing write reaches it (lab scenario 04, docs/lab-
   * findings.md, 06) */
  private dueAt(e: AppError): number {
    return e.t + e.res + this.cfg.settle + this.cfg.skew + (e.localPort === undefined ? EXACT_FIRST : 0);
  }

  /**
   * The errors the stream is past at `watermark`, in the order they claim sessions. Exact keys first,
   * so that time-only errors do not take a session an exact one owns; then millisecond stamps before
   * whole-second ones (a Laravel line at 02 fits every close in that second; a PyMySQL one at 02.609
   * fits one), each in time order. Greedy, but most-constrained first. A file keeps its own time
   * order (a worker's repeat errors follow its first one).
   */
  takeReady(watermark: number): AppError[] {
    const ready: AppError[] = [];
    const p = this.pending;
    while (p.length && this.dueAt(p[0]!) < watermark) ready.push(p.shift()!);
    const fileRes = (e: AppError) => (this.msFiles.has(e.file) ? 0 : 1000);
    ready.sort(
      (a, b) =>
        (a.localPort === undefined ? 1 : 0) - (b.localPort === undefined ? 1 : 0) ||
        fileRes(a) - fileRes(b) ||
        a.t - b.t,
    );
    return ready;
  }

  /** errors waiting: for the stream to pass them, or for their retry */
  get size(): number {
    return this.pending.length + this.deferred.length;
  }

  /** decided with no cause: decided again RETRY_AFTER later (a kill -9 shows only when the server restarts) */
  defer(e: AppError): void {
    e.retried = true;
    this.deferred.push(e);
  }

  /** the next deferred error whose retry is due at `watermark` */
  nextRetry(watermark: number): AppError | undefined {
    const d = this.deferred;
    return d.length && d[0]!.t + RETRY_AFTER < watermark ? d.shift() : undefined;
  }

  /** the earliest tick at which `takeReady` or `nextRetry` has something */
  nextTick(): number {
    const p = this.pending[0];
    const d = this.deferred[0];
    return Math.min(p ? tickAfter(this.dueAt(p)) : Infinity, d ? tickAfter(d.t + RETRY_AFTER) : Infinity);
  }

  /** the time of the oldest error still waiting */
  oldest(): number | undefined {
    let t = Infinity;
    for (const e of this.pending) t = Math.min(t, e.t);
    for (const e of this.deferred) t = Math.min(t, e.t);
    return t === Infinity ? undefined : t;
  }
}

interface FileIndex {
  /** sparse: the running maximum of the records' times, sampled once per second it enters */
  keys: number[];
  offsets: number[];
  max: number;
  /** the kind of log (and MySQL server) it is: each kind is held from its own time (held.ts) */
  kind: LogKind | undefined;
  server: string;
}

/**
 * Where each file's records are in time. Every file is written in time order, near enough, so the
 * records the window still holds from a file start at the first record of the second the window's
 * oldest time falls in (or earlier): that offset is a safe resume position after a restart
 * (Filebeat's contract: a position is saved only once nothing before it is still needed).
 */
export class FilePositions {
  private readonly files = new Map<string, FileIndex>();

  note(path: string, time: number, offset: number, kind?: LogKind, server = ''): void {
    let f = this.files.get(path);
    if (!f) {
      f = { keys: [], offsets: [], max: -Infinity, kind, server };
      this.files.set(path, f);
    }
    if (time <= f.max) return;
    const last = f.keys.length ? f.keys[f.keys.length - 1]! : -Infinity;
    f.max = time;
    // one entry per second: the first record whose running maximum reaches that second. Every
    // record before it has a time below that second.
    if (Math.floor(time / 1000) > Math.floor(last / 1000)) {
      f.keys.push(time);
      f.offsets.push(offset);
    }
  }

  /**
   * Per file, the byte offset from which the records pushed so far must be kept (re-read after a
   * restart) for a window whose oldest held time is `held` (or, per kind of log, `held(kind, server)`); a file
   * none of whose records is still needed is left out. Entries before the answer are dropped: the window's
   * oldest time only grows.
   */
  heldFrom(held: number | ((kind: LogKind | undefined, server: string) => number)): Map<string, number> {
    const out = new Map<string, number>();
    for (const [path, f] of this.files) {
      const oldest = typeof held === 'number' ? held : held(f.kind, f.server);
      if (!f.keys.length || f.max < oldest) continue;
      // the last entry with key <= oldest (or the first entry): no record before it is at or after `oldest`
      let lo = 0,
        hi = f.keys.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (f.keys[mid]! <= oldest) lo = mid + 1;
        else hi = mid;
      }
      const i = Math.max(0, lo - 1);
      out.set(path, f.offsets[i]!);
      if (i > 1024) {
        f.keys = f.keys.slice(i);
        f.offsets = f.offsets.slice(i);
      }
    }
    return out;
  }
}
