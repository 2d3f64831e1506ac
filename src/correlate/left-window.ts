/**
 * Abnormal closures that left the window unclaimed, kept (bounded) only to say what to change when
 * an app error finds nothing inside it.
 *
 * Why: the window is `max_error_lag` (15 min by default) so that memory stays bounded, but the
 * classic "gone away" is a worker that idles for hours (Laravel `queue:work`, Celery, cron) and fails
 * on its next job, long after HAProxy's `timeout client` or `wait_timeout` closed its connection.
 * Such an error stays `unknown` (nothing in the window proves which closure it was), and its `why`
 * names the earlier closure and the setting that would let it be joined.
 */
import type { AppError, Session } from './model.js';

/** entries kept at most (a busy proxy's storm of closures must not grow memory) */
const MAX = 5_000;
/** closures looked at per unexplained error, here and in the window (a hint must not cost a scan of hours) */
export const HINT_SCAN = 5_000;
/** how far back (from the newest entry) a closure is remembered */
const MAX_AGE = 24 * 3600_000;

/** can closure `s` be the one error `e` met? its local port, else its app's clients, when known */
export function mayBeFor(e: AppError, s: Session): boolean {
  return !s.claimed && (e.localPort === undefined || s.clientPort === e.localPort) && (!e.clients || e.clients.has(s.clientIp));
}

export class LeftWindow {
  private items: Session[] = [];
  private head = 0;

  add(s: Session): void {
    this.items.push(s);
    while (this.head < this.items.length && (this.items.length - this.head > MAX || this.items[this.head]!.end < s.end - MAX_AGE)) this.head++;
    if (this.head > 4096 && this.head * 2 > this.items.length) { this.items = this.items.slice(this.head); this.head = 0; }
  }

  /** the latest remembered closure before `before` that can be this error's */
  latestFor(e: AppError, before: number): Session | undefined {
    for (let i = this.items.length - 1; i >= Math.max(this.head, this.items.length - HINT_SCAN); i--) {
      const s = this.items[i]!;
      if (s.end < before && mayBeFor(e, s)) return s;
    }
    return undefined;
  }
}

/** a duration for a person: 35 min, 2.5 h */
export function fmtLong(ms: number): string {
  if (ms < 3600_000) return `${Math.ceil(ms / 60_000)} min`;
  return `${(ms / 3600_000).toFixed(1).replace(/\.0$/, '')} h`;
}
