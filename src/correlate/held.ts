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
