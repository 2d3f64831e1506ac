/**
 * Abnormal closures that left the window unclaimed, kept (bounded) with the verdict they got as they
 * left, so that an app error that comes long after its connection was closed can still be joined.
 *
 * Why: the window is `max_error_lag` (15 min by default) so that memory stays bounded by time, not
 * input, but the classic "gone away" is a worker that idles for hours (Laravel `queue:work`, Celery,
 * cron) and fails on its next job, long after HAProxy's `timeout client` or `wait_timeout` closed its
 * connection (docs/lab-findings.md §2: PDO and PyMySQL report at next use, however late). Only the abnormal
 * closures are kept here, with their verdict and MySQL thread, not the window's context.
 *
 * A closure's `connection` event is held while it is remembered and released when it is pushed out
 * (count or age) or at the end: an error that claims it meanwhile makes it an app error's closure,
 * and a closure is never reported both ways.
 */
import type { AppError, Session, Thread, Verdict } from './model.js';

/** entries kept at most (a busy proxy's storm of closures must not grow memory) */
const MAX = 5_000;
/** closures looked at per unexplained error, here and in the window (an error must not cost a scan of hours) */
export const HINT_SCAN = 5_000;
/** how far back (from the newest entry) a closure is remembered */
export const MAX_AGE = 24 * 3600_000;

/** A closure as it left the window: its verdict and MySQL thread were decided with the window's context. */
export interface Remembered {
  s: Session;
  v: Verdict;
  th: Thread | undefined;
}

/** can session `s` be the app's at all? one of its client addresses, open when the driver last heard from the server */
export function appCanOwn(e: AppError, s: Pick<Session, 'clientIp' | 'accept' | 'end'>): boolean {
  return (!e.clients || e.clients.has(s.clientIp)) && (!e.alive || (s.accept <= e.alive.hi && s.end >= e.alive.lo));
}

/** can closure `s` be the one error `e` met? its local port, else what the app says of its connections */
export function mayBeFor(e: AppError, s: Session): boolean {
  return !s.claimed && (e.localPort === undefined || s.clientPort === e.localPort) && appCanOwn(e, s);
}

export class LeftWindow {
  private items: Remembered[] = [];
  private head = 0;

  /** remembers `r`; returns the entries it pushes out (their time to be reported has come) */
  add(r: Remembered): Remembered[] {
    this.items.push(r);
    const out: Remembered[] = [];
    while (
      this.head < this.items.length &&
      (this.items.length - this.head > MAX || this.items[this.head]!.s.end < r.s.end - MAX_AGE)
    )
      out.push(this.items[this.head++]!);
    if (this.head > 4096 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return out;
  }

  /** closures remembered now */
  get size(): number {
    return this.items.length - this.head;
  }

  /** the end of the oldest closure still remembered (the Correlator's held positions) */
  oldestEnd(): number | undefined {
    return this.head < this.items.length ? this.items[this.head]!.s.end : undefined;
  }

  /** every entry still remembered, oldest first (end of input) */
  drain(): Remembered[] {
    const out = this.items.slice(this.head);
    this.items = [];
    this.head = 0;
    return out;
  }

  /** remembered closures before `before` (and not older than MAX_AGE) that can be this error's, newest first */
  candidates(e: AppError, before: number, limit: number, ok: (s: Session) => boolean): Remembered[] {
    const out: Remembered[] = [];
    for (
      let i = this.items.length - 1;
      i >= Math.max(this.head, this.items.length - HINT_SCAN) && out.length < limit;
      i--
    ) {
      const r = this.items[i]!;
      if (r.s.end < e.t - MAX_AGE) break;
      if (r.s.end < before && mayBeFor(e, r.s) && ok(r.s)) out.push(r);
    }
    return out;
  }
}

/** a duration for a person: 35 min, 2.5 h */
export function fmtLong(ms: number): string {
  if (ms < 3600_000) return `${Math.ceil(ms / 60_000)} min`;
  return `${(ms / 3600_000).toFixed(1).replace(/\.0$/, '')} h`;
}
