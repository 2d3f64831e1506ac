/**
 * Pre-scheduled "group" incidents of the correlated scenario: each closes every session that is
 * alive on a server (or on the whole proxy) at one instant. Shapes from docs/lab-findings.md:
 *  - shutdown (06/06c): MariaDB "Normal shutdown"; HAProxy marks the server DOWN 2-4 s later
 *    (Layer4 connection refused); restart + "ready for connections"; UP after `rise 2`.
 *  - crash (06b): kill -9, nothing logged until the restart's crash recovery.
 *  - health_down (07): check user broken → "Access denied" per check; DOWN after `fall 2`
 *    (Layer7 wrong status, code 1045) and `on-marked-down shutdown-sessions` kills sessions `D-`.
 *  - hard_stop (09): reload with `hard-stop-after 3s`: old PID logs "hard-stopped", sessions `K-`.
 */
import type { Rng } from '../prng.js';

export type GroupType = 'shutdown' | 'crash' | 'health_down' | 'hard_stop';

export interface GroupEvent {
  type: GroupType;
  /** server index, or -1 for the whole proxy (hard_stop) */
  server: number;
  /** incident start: shutdown/kill -9 instant, first failed check, reload instant */
  start: number;
  /** sessions accepted before this instant by that server/process can be victims */
  acceptBefore: number;
  /** instant the victims' connections are closed */
  hit: number;
  /** HAProxy marks the server DOWN (server events) */
  down: number;
  /** MariaDB starts again (shutdown/crash) */
  restart: number;
  /** check user fixed (health_down) */
  repair: number;
  /** HAProxy marks the server UP again */
  up: number;
  /** old/new HAProxy pid (hard_stop) */
  oldPid: number;
  newPid: number;
  /** victims per frontend, filled while sessions are planned */
  victims: Map<string, number>;
  /** sessions still open (not yet logged) at `down`, for the DOWN line */
  activeAtDown: number;
  finalized: boolean;
}

export const CHECK_INTER = 2000; // `check inter 2s fall 2 rise 2` (docs/lab-findings.md §1)
export const HARD_STOP_AFTER = 3000;

const CYCLE: ReadonlyArray<[GroupType, number]> = [
  ['shutdown', 1],
  ['health_down', 0],
  ['hard_stop', -1],
  ['crash', 0],
  ['health_down', 1],
  ['shutdown', 0],
  ['crash', 1],
];

/** Evenly spaced incidents over [start, end), at least one of each type. */
export function scheduleIncidents(rng: Rng, start: number, end: number, firstPid: number): GroupEvent[] {
  const span = end - start;
  const n = Math.max(4, Math.round(span / 1_500_000));
  const out: GroupEvent[] = [];
  let pid = firstPid;
  for (let i = 0; i < n; i++) {
    const [type, server] = CYCLE[i % CYCLE.length]!;
    const t0 = start + Math.round((span * (i + 0.5)) / n) + rng.int(0, 999);
    const e: GroupEvent = {
      type,
      server,
      start: t0,
      acceptBefore: t0,
      hit: t0,
      down: Infinity,
      restart: Infinity,
      repair: Infinity,
      up: Infinity,
      oldPid: pid,
      newPid: pid,
      victims: new Map(),
      activeAtDown: 0,
      finalized: false,
    };
    switch (type) {
      case 'shutdown':
      case 'crash':
        e.hit = t0 + (type === 'shutdown' ? rng.int(5, 40) : rng.int(0, 5));
        e.down = t0 + rng.int(2200, 3900); // 2nd failed check after the stop
        e.restart = t0 + rng.int(8000, 15000);
        e.up = e.restart + rng.int(2100, 4000); // `rise 2`
        break;
      case 'health_down':
        e.down = t0 + CHECK_INTER + rng.int(0, 5); // `fall 2`: the second failed check
        e.acceptBefore = e.down;
        e.hit = e.down + rng.int(0, 3);
        e.repair = e.down + rng.int(20_000, 60_000);
        e.up = e.repair + CHECK_INTER + rng.int(0, 5);
        break;
      case 'hard_stop':
        pid = pid + rng.int(50, 3000);
        e.newPid = pid;
        e.hit = t0 + HARD_STOP_AFTER + rng.int(40, 60);
        break;
    }
    out.push(e);
  }
  return out;
}

/** True when server `s` takes no new sessions at t. */
export function serverUnavailable(events: readonly GroupEvent[], s: number, t: number): boolean {
  for (const e of events) {
    if (e.server !== s) continue;
    const from = e.type === 'health_down' ? e.down : e.start;
    if (t >= from && t < e.up) return true;
  }
  return false;
}

/** HAProxy pid that accepted a session at time a. */
export function pidAt(events: readonly GroupEvent[], firstPid: number, a: number): number {
  let pid = firstPid;
  for (const e of events) if (e.type === 'hard_stop' && a >= e.start) pid = e.newPid;
  return pid;
}

/** Is the MariaDB process of server s running at t? (health checks need it) */
export function serverProcessUp(events: readonly GroupEvent[], s: number, t: number): boolean {
  for (const e of events) {
    if (e.server === s && (e.type === 'shutdown' || e.type === 'crash') && t >= e.start && t < e.restart) return false;
  }
  return true;
}

/** Does the check user fail at t on server s? */
export function checkFails(events: readonly GroupEvent[], s: number, t: number): boolean {
  for (const e of events) if (e.server === s && e.type === 'health_down' && t >= e.start && t < e.repair) return true;
  return false;
}

/** Earliest incident that closes a session accepted at `a` on `server`, still open at `closure`. */
export function incidentFor(
  events: readonly GroupEvent[],
  server: number | 'primary',
  a: number,
  closure: number,
): GroupEvent | undefined {
  let best: GroupEvent | undefined;
  for (const e of events) {
    const applies = e.type === 'hard_stop' || e.server === server;
    if (!applies || a >= e.acceptBefore || e.hit >= closure || e.hit <= a) continue;
    if (!best || e.hit < best.hit) best = e;
  }
  return best;
}

/**
 * A session whose server side is already closed but whose HAProxy line is pending (half-open,
 * docs/lab-findings.md §3, scenario 04/06c) is logged by a later incident instead: `D-` at DOWN, `K-` at hard-stop.
 */
export function laterLogger(
  events: readonly GroupEvent[],
  server: number,
  a: number,
  closed: number,
  logT: number,
): GroupEvent | undefined {
  let best: GroupEvent | undefined;
  for (const e of events) {
    const at = e.type === 'hard_stop' ? e.hit : e.down;
    // `on-marked-down shutdown-sessions` kills whatever is still open on the server at DOWN (06c)
    const applies = e.type === 'hard_stop' ? a < e.start : e.server === server;
    if (!applies || at <= closed || at >= logT) continue;
    if (!best || at < (best.type === 'hard_stop' ? best.hit : best.down)) best = e;
  }
  return best;
}
