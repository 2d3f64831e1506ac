/**
 * What the window still needs, per log: the oldest log time of each kind of log (and, for a MySQL log, of its
 * server) that a restart must read again to rebuild the window (docs/correlator.md "Held positions").
 *
 * One time for every file made the longest-lived fact the window keeps — a pooled MySQL connection's Connect,
 * kept while the thread lives — hold every file: an HAProxy log behind a thread that queried every minute for
 * 72 h was held 72 h back. Per log instead, and the facts older than the window's own reach (threads, lifecycle
 * events) are saved with the checkpoint (window-summary.ts), not re-read.
 */
import type { LogKind } from '../sources/log-kind.js';
import type { Store } from './store.js';
import type { CorrelateSettings } from './settings.js';
import { acceptBeforeFloor } from './instance.js';

export class HeldTimes {
  constructor(
    /** app errors waiting for their verdict, those a repeat may still point back to, and those that claimed the
     *  sessions held (a claim is rebuilt only by deciding its error again) */
    readonly app: number,
    /** HAProxy sessions and events in the window, and everything an app error still waiting may read */
    readonly haproxy: number,
    /** per MySQL server (both its logs): its Aborted lines and KILLs, and what the sessions still held may read */
    private readonly mysql: ReadonlyMap<string, number>,
    /** a MySQL server with nothing of its own in the window: what the sessions held may read of it */
    private readonly mysqlDefault: number,
  ) {}

  /** the oldest time of a log of this kind (and server) the window may still need; Infinity: none */
  of(kind: LogKind, server: string): number {
    switch (kind) {
      case 'app':
        return this.app;
      case 'haproxy':
        return this.haproxy;
      default:
        return this.mysql.get(server) ?? this.mysqlDefault;
    }
  }

  /** the oldest of them all */
  oldest(): number {
    let t = Math.min(this.app, this.haproxy, this.mysqlDefault);
    for (const x of this.mysql.values()) t = Math.min(t, x);
    return t;
  }
}

/** the smallest of the times that are set (Infinity: none) */
export function least(...xs: Array<number | undefined>): number {
  let t = Infinity;
  for (const x of xs) if (x !== undefined && x < t) t = x;
  return t;
}

/**
 * The held times of the window in `s`, `app` being the oldest time the app errors still waiting (and those a repeat
 * may point back to) hold: what the sessions held read of each server, and the errors that claimed them.
 */
export function heldTimesOf(s: Store, app: number, cfg: Pick<CorrelateSettings, 'skew' | 'settle'>): HeldTimes {
  let ha = least(
    app,
    s.sessions.firstKey(),
    s.abnormal.firstKey(),
    s.http5xx.firstKey(),
    s.haEvents.firstKey(),
    s.left.oldestEnd(),
  );
  // An accept second counts the sessions of that second that left the window too (thread-for.ts ranks by it): a
  // restart must read them again. Not one older than the last eviction's floor: that bucket was made since, by sessions
  // that ended since — long ones, accepted long before — which are all still in `sessions` and read again from their
  // ends. Holding the log back to their accept kept an HAProxy log with hour-long connections an hour behind
  // (docs/benchmark-agent.md "The HAProxy checkpoint, 2026-12-07").
  for (const inst of s.instances.values())
    for (const sec of inst.acceptSec.keys()) if (!acceptBeforeFloor(sec, s.acceptFloor)) ha = Math.min(ha, sec * 1000);
  // a session held may have been claimed by an error up to `res + skew + settle` before its end (takeSession): that
  // error is read again, or the rebuilt window would offer the session to another
  const claimers = ha - 1000 - cfg.skew - cfg.settle;
  const reach = ha - cfg.skew - 2000;
  const mysql = new Map<string, number>();
  for (const inst of s.instances.values())
    mysql.set(inst.name, least(reach, inst.aborted.firstKey(), inst.kills.firstKey()));
  return new HeldTimes(Math.min(app, claimers), ha, mysql, reach);
}
