/**
 * MySQL's "Aborted connection N …" lines and the session they belong to. With a general log the
 * session maps to a thread (thread-for.ts threadFor) and the line is that thread's. Without one, which is
 * how most production servers run, the line is joined by the thread id the app logged (mysql2,
 * Connector/J: exact), or by time on the session's server.
 */
import type { Aborted, AppError, Session, Thread } from './model.js';
import type { Instance } from './store.js';
import type { CorrelateSettings } from './settings.js';
import type { Claim } from './claims.js';

/** the line nearest to t among those `ok` accepts */
function closest(lines: Iterable<Aborted>, t: number, ok: (a: Aborted) => boolean): Aborted | undefined {
  let best: Aborted | undefined;
  for (const a of lines) if (ok(a) && (!best || Math.abs(a.t - t) < Math.abs(best.t - t))) best = a;
  return best;
}

/** The Aborted line of a thread: attached at ingestion, or found by id (same-second ordering; claimed in `claims`). */
export function abortedOf(inst: Instance | undefined, th: Thread | undefined, claims: Claim[]): Thread['aborted'] {
  if (!th) return undefined;
  if (th.aborted) return th.aborted;
  if (!inst) return undefined;
  const from = (th.connectT ?? th.lastT) - 1000;
  // A thread that sent Quit has ended: a later line with its id is another thread's (ids restart
  // with the server: lab 13, a clean close "explained" by a wait_timeout line 38 s and one restart
  // later). Otherwise up to an hour of idleness, but never across a server (re)start.
  let to = th.quitT !== undefined ? th.quitT + 1000 : th.lastT + 3_600_000;
  for (const e of inst.events.range(from + 1000, to))
    if (e.type === 'ready' || e.type === 'shutdown' || e.type === 'crash') {
      to = Math.min(to, e.t + 1000);
      break;
    }
  for (const a of inst.abortedById.get(th.id) ?? []) {
    if (a.t >= from && a.t <= to && a.reason !== 'killed') {
      claims.push({ kind: 'aborted', line: a, thread: th });
      return { t: a.t, reason: a.reason, ev: a.ev };
    }
  }
  return undefined;
}

/** a thread's own line, else an unclaimed non-KILLED line of that instance in the close's second(s) */
export function abortedNear(
  inst: Instance | undefined,
  th: Thread | undefined,
  s: Session,
  cfg: CorrelateSettings,
  claims: Claim[],
): Thread['aborted'] {
  const own = abortedOf(inst, th, claims);
  if (own) return own;
  if (s.aborted) return s.aborted;
  if (!inst) return undefined;
  const best = nearestUnclaimed(inst, s.end, s.end - cfg.skew - 1000, s.end + cfg.skew + 3000);
  if (!best) return undefined;
  claims.push({ kind: 'aborted', line: best, session: s });
  return { t: best.t, reason: best.reason, ev: best.ev };
}

const freeNotKilled = (a: Aborted): boolean => !a.claimed && a.reason !== 'killed';

/**
 * The unclaimed non-KILLED line of `inst` in [from, to] nearest to `t`; of two as near, the one first in time order
 * (as a scan of the range keeping the first nearest would pick). A busy server logs hundreds of Aborted lines a
 * second, most of them claimed by the closes decided before: this walks out from `t`, first after it (the lines
 * after a close are mostly not claimed yet: the closes after it are decided later), then before it no further
 * than the line found after, instead of the whole range (docs/benchmark-agent.md "CPU per line, 2026-12-07").
 */
function nearestUnclaimed(inst: Instance, t: number, from: number, to: number): Aborted | undefined {
  let after: Aborted | undefined;
  inst.aborted.eachInRange(Math.max(t, from), to, (a) => {
    if (!freeNotKilled(a)) return true;
    after = a;
    return false;
  });
  const reach = Math.min(t - from, after === undefined ? Infinity : after.t - t);
  let before: Aborted | undefined;
  // newest first: at one time the last visited is the first in time order
  inst.aborted.eachNewestBefore(t, (a) => {
    if (t - a.t > reach || (before !== undefined && a.t !== before.t)) return false;
    if (freeNotKilled(a)) before = a;
    return true;
  });
  return before ?? after;
}

const unclaimed = (a: Aborted): boolean => !a.claimed;

/** is there an unclaimed (KILLED) line, not written by a shutdown, on `inst` from `from` to `to`: what
 *  `orphanAborted` takes for a `--` close. Read from the instance's list of those lines alone (store.ts addAborted):
 *  a busy server logs hundreds of other Aborted lines a second. */
export function freeKillIn(inst: Instance, from: number, to: number): boolean {
  return inst.abortedKilled.some(from, to, unclaimed);
}

/**
 * A session with no known thread:
 * - the app logged its thread id: that id's Aborted line during the session (the ids of one server
 *   run are unique, and the window bounds them in time), whatever its reason;
 * - a normal-looking close (`--`, how HAProxy sees a KILL: docs/lab-findings.md §3, scenario 04): an unclaimed (KILLED)
 *   line on that server. A running query's victim closes at the KILL, so without an app error the
 *   line must be in the close's second; an app error can also come from an idle victim, whose
 *   session ends at the app's next use (then any KILL during the session, the latest first).
 * (KILLED) lines exist only at log_warnings ≥ 4 (MariaDB) or in MySQL 8's error log; at lower levels
 * a KILL leaves no trace without the general log, and the verdict stays unknown.
 */
export function orphanAborted(
  inst: Instance | undefined,
  s: Session,
  cfg: CorrelateSettings,
  err: AppError | undefined,
  claims: Claim[],
): Aborted | undefined {
  if (!inst) return undefined;
  if (err?.threadId !== undefined) {
    const best = closest(
      inst.abortedById.get(err.threadId) ?? [],
      s.end,
      (a) => a.t >= s.accept - cfg.skew - 1000 && a.t <= s.end + cfg.skew + 3000,
    );
    if (best) {
      claims.push({ kind: 'aborted', line: best });
      return best;
    }
  }
  if (s.state[0] !== '-') return undefined;
  const from = err ? s.accept - cfg.skew - 1000 : s.end - cfg.skew - 1000;
  let best: Aborted | undefined;
  // the latest, and of one time the last in order
  inst.abortedKilled.eachInRange(from, s.end + cfg.skew, (a) => {
    if (!a.claimed) best = a;
  });
  if (best) claims.push({ kind: 'aborted', line: best });
  return best;
}
