/**
 * App error → the session (and so the closure) behind it.
 * - Exact: the app logged its local port (= HAProxy's client port, docs/lab-findings.md §5).
 * - Time only (PHP, Python): a dead connection causes at most one first-use error, which comes
 *   0 ms .. max_error_lag after the closure; a half-open session is logged by HAProxy at the very
 *   moment the app's write fails. Candidates that cannot be told apart lower the confidence.
 * - No HAProxy session at all: MySQL's own lines near the error (direct connections, missing logs).
 */
import { lateJoin } from './late-join.js';
import { appCanOwn } from './left-window.js';
import { decideSession, fmtMs } from './rules.js';
import type { Store } from './store.js';
import { TERMINATOR_OF, type AppError, type Cause, type Session, type Thread, type Verdict } from './model.js';
import type { CorrelateSettings } from './settings.js';
import { applyClaims, takeSession } from './claims.js';
import { timeOnly } from './time-join.js';
import { atErrorTest } from './time-candidates.js';
import { RIVALS_DECIDED, rivalAmong, rivalClause, type Told } from './rival.js';

export interface Match {
  verdict: Verdict;
  session: Session | undefined;
  method: string;
  candidates: number;
  http: Session | undefined;
  /** the session's MySQL thread when it was decided as the session left the window (late joins) */
  decidedThread?: { th: Thread | undefined } | undefined;
}

/** time-only candidates before the error: a busy proxy closes several sessions a second abnormally, and
 *  an idle connection is met up to minutes after its close (time-candidates.ts reads most of them cheaply) */
const MAX_EARLIER = 1024;

export function matchError(store: Store, e: AppError, cfg: CorrelateSettings): Match {
  const http = httpImpact(store, e, cfg);
  const lo = e.t - cfg.maxLag - cfg.skew;
  const hi = e.t + e.res + cfg.skew;
  // the app's own addresses, when given, rule out every other client's sessions (ports and times
  // alone cannot: several app hosts use the same ephemeral ports at the same moments); so does a
  // session that was not open when the driver last received a packet on the connection
  // and the frontends it is known to connect through (app.files[].frontends)
  const frontends = cfg.appFrontends?.get(e.file);
  const fromApp = (s: Session) => appCanOwn(e, s) && (!frontends || frontends.has(s.frontend));
  if (e.localPort !== undefined) {
    let best: Session | undefined,
      bestD = Infinity;
    for (const s of store.byPort.get(e.localPort) ?? []) {
      if (!fromApp(s)) continue;
      if (s.end < lo || s.end > hi + cfg.settle || s.accept > hi) continue;
      // prefer closures before the error
      const d = s.end <= hi ? Math.abs(e.t - s.end) : Math.abs(e.t - s.end) + cfg.maxLag;
      if (d < bestD) {
        best = s;
        bestD = d;
      }
    }
    if (best) {
      takeSession(best, e);
      // the app's own session, known for sure: where its connections come from (app-origin.ts)
      store.origins.learn(e.file, [[best, 1]]);
      const { verdict, claims } = decideSession(store, best, cfg, e);
      applyClaims(store.claims, claims);
      return { verdict, session: best, method: 'client_port', candidates: 1, http };
    }
  }
  // time only
  const mid = e.t + e.res / 2;
  const near = (x: Pick<Session, 'end'>) => Math.abs(x.end - mid) <= e.res / 2 + cfg.skew;
  // sessions closed at the error, or shortly after it: an app that keeps the dead handle open
  // (PHP until its PDO object goes) makes HAProxy log the close seconds after the error
  const atError: Session[] = [];
  // closures another error took by time alone: that join was a guess, so they still compete for this one's
  // posterior (never taken twice): two errors that cannot tell two closures apart both say so
  const rivals: Session[] = [];
  // (walked with callbacks, not generators, and sorted into their lists in one pass: these two loops see
  // ~1,000 sessions per error on the bench's correlated set, docs/benchmark-history.md)
  // A row with no object of its own is a `--` close no decision claimed: most of them can be no candidate (their
  // verdict is surely "unknown", time-candidates.ts `atErrorTest`) and are not the fallback's (not near the error), and
  // none is made a `Session` (~800 rows per error on the bench's correlated set, docs/benchmark-history.md)
  const mayMatter = atErrorTest(store, e, cfg);
  // the closes near the error, in the window's order: the fallback's pool when no candidate explains the error
  // (a row that is no candidate is made a `Session` only then)
  const plainRows: Array<Session | number> = [];
  store.sessions.eachRowInRange(e.t - cfg.skew - 1000, hi + cfg.settle, (seq, row, pinned) => {
    if (row.state[0] === 'C' || !appCanOwn(e, row) || (frontends && !frontends.has(row.frontend))) return;
    // an abnormal closure is pinned when first read (session-table.ts), so one not read yet has no object: it is
    // made one here, as every closure the rules may report is one object
    const s = pinned ?? (row.state[0] === '-' ? undefined : store.sessions.at(seq));
    if (!s) {
      if (mayMatter(row)) {
        const x = store.sessions.at(seq);
        atError.push(x);
        if (near(row)) plainRows.push(x);
      } else if (near(row)) plainRows.push(seq);
    } else if (!s.claimed || s.reusableBy === e.file) {
      atError.push(s);
      if (near(s)) plainRows.push(s);
    } else if (s.timeJoined) rivals.push(s);
  });
  const atRivals = rivals.length ? new Set(rivals) : undefined;
  // the most recent unclaimed abnormal closures before the error, newest first, bounded: an
  // incident with thousands of timeouts must not make every error scan all of them. The app's own
  // closes (C…) are kept apart; the others not at the error are the earlier candidates.
  let before = 0;
  const earlier: Session[] = [];
  const appSide: Session[] = [];
  store.abnormal.eachNewestBefore(hi + 1, (s) => {
    if (before + rivals.length >= MAX_EARLIER || s.end < lo) return false;
    if (!fromApp(s)) return true;
    if (!s.claimed) {
      before++;
      if (s.state[0] === 'C') appSide.push(s);
      else if (!near(s)) earlier.push(s);
    } else if (s.timeJoined && s.state[0] !== 'C' && !atRivals?.has(s)) rivals.push(s);
    return true;
  });
  const chosen = timeOnly(store, e, cfg, atError, earlier, rivals);
  if (chosen) return { ...chosen, http };
  // nothing abnormal explains it: a normal-looking close at the error, or the app's own close before
  const plain = plainRows.map((x) => (typeof x === 'number' ? store.sessions.at(x) : x));
  const fallback = plain.length ? nearest(plain, mid) : appSide[0];
  if (fallback) {
    const pool = plain.length ? plain : appSide;
    const method = plain.length ? 'time_at_error' : 'time_first_use';
    const { verdict: v, claims } = decideSession(store, fallback, cfg, e);
    if (v.cause === 'unknown') {
      // a close no log explains is the weakest story: a MySQL line near the error (a shutdown, a crash, an
      // Aborted line) explains it better, even when the closure it ended went to another error by time alone
      // (docs/confidence.md, "When no closure is left")
      const m = mysqlOnly(store, e, cfg, false);
      if (m.verdict.cause !== 'unknown') return { ...m, http };
    }
    takeSession(fallback, e);
    applyClaims(store.claims, claims);
    // nothing tells these closures apart: each is as likely as the others, and so the cause is as likely as the
    // share of them that tell it (when they all tell it, only the closure is in doubt, not the cause); beyond the
    // decided ones (RIVALS_DECIDED, the nearest) their share stands for the rest (docs/confidence.md)
    const told = pool.length > 1 ? toldBy(store, cfg, e, pool, fallback, v.cause) : undefined;
    const share = told ? told.filter((x) => x.cause === v.cause).length / told.length : 1;
    v.confidence = Math.round(v.confidence * share * 100) / 100;
    if (told) {
      // (below 0.5: `why` names the likeliest other story and its closure, docs/confidence.md)
      const r = rivalAmong(told, v.cause, fallback, pool.length);
      v.why += ` (time-only join: ${pool.length} candidate sessions, none more likely${r ? `; ${rivalClause(r, v.cause)}` : ''})`;
    }
    return { verdict: v, session: fallback, method, candidates: pool.length, http };
  }
  return { ...mysqlOnly(store, e, cfg), http };
}

/** the stories the fallback's candidates tell (the nearest to `chosen`'s end first): decided, the claims dropped */
function toldBy(
  store: Store,
  cfg: CorrelateSettings,
  e: AppError,
  pool: Session[],
  chosen: Session,
  cause: Cause,
): Told[] {
  const others = pool.filter((s) => s !== chosen);
  others.sort((a, b) => Math.abs(a.end - chosen.end) - Math.abs(b.end - chosen.end));
  return [
    { s: chosen, cause, w: 1 },
    ...others.slice(0, RIVALS_DECIDED).map((s) => ({ s, cause: decideSession(store, s, cfg, e).verdict.cause, w: 1 })),
  ];
}

function nearest(l: Session[], t: number): Session {
  let best = l[0]!;
  for (const s of l) if (Math.abs(s.end - t) < Math.abs(best.end - t)) best = s;
  return best;
}

/** No HAProxy session (or only one no log explains): what the MySQL logs say near the error; `late`: else a
 *  connection closed before `max_error_lag` (late-join.ts) */
function mysqlOnly(store: Store, e: AppError, cfg: CorrelateSettings, late = true): Omit<Match, 'http'> {
  const lo = e.t - cfg.maxLag - cfg.skew,
    hi = e.t + e.res + cfg.skew + cfg.settle;
  let best: { cause: Cause; t: number; why: string; ev: import('./model.js').Evidence } | undefined;
  const consider = (cause: Cause, t: number, why: string, ev: import('./model.js').Evidence) => {
    if (t > hi) return;
    if (!best || Math.abs(e.t - t) < Math.abs(e.t - best.t)) best = { cause, t, why, ev };
  };
  for (const inst of store.instances.values()) {
    for (const a of inst.aborted.range(lo, hi)) {
      if (a.claimed) continue;
      const cause: Cause =
        a.reason === 'timeout_reading'
          ? 'mysql_wait_timeout'
          : a.reason === 'packet_too_large'
            ? 'mysql_max_allowed_packet'
            : a.reason === 'killed'
              ? a.byShutdown
                ? 'mysql_shutdown'
                : 'mysql_kill'
              : 'unknown';
      consider(
        cause,
        a.t,
        `${inst.name} logged an aborted connection (${a.reason.replace(/_/g, ' ')}) ${fmtMs(Math.abs(e.t - a.t))} ${a.t <= e.t ? 'before' : 'after'} the error`,
        a.ev,
      );
    }
    for (const ev of inst.events.range(lo, hi)) {
      if (ev.type === 'shutdown')
        consider('mysql_shutdown', ev.t, `${inst.name} was shut down before the error`, ev.ev);
      if (ev.type === 'crash') consider('mysql_crash', ev.t, `${inst.name} crashed before the error`, ev.ev);
    }
  }
  if (e.code === '1153' || e.cls === 'packet_too_large') {
    return {
      verdict: {
        cause: 'mysql_max_allowed_packet',
        terminatedBy: 'mysql',
        confidence: 0.8,
        why: 'the app itself got 1153: packet bigger than max_allowed_packet',
        evidence: best ? [best.ev] : [],
      },
      session: undefined,
      method: 'app_error_code',
      candidates: 0,
    };
  }
  if (best) {
    const b = best as { cause: Cause; why: string; ev: import('./model.js').Evidence };
    const terminatedBy = b.cause === 'unknown' ? 'unknown' : TERMINATOR_OF[b.cause];
    return {
      verdict: {
        cause: b.cause,
        terminatedBy,
        confidence: b.cause === 'unknown' ? 0.2 : 0.5,
        why: `${b.why} (no HAProxy session could be joined)`,
        evidence: [b.ev],
      },
      session: undefined,
      method: 'mysql_time',
      candidates: 1,
    };
  }
  // nothing inside max_error_lag: the first use of a connection closed longer before (late-join.ts)
  const later = late ? lateJoin(store, e, cfg) : undefined;
  if (later)
    return {
      verdict: later.verdict,
      session: later.session,
      method: later.method,
      candidates: later.candidates,
      decidedThread: later.remembered ? { th: later.thread } : undefined,
    };
  return {
    verdict: {
      cause: 'unknown',
      terminatedBy: 'unknown',
      confidence: 0,
      why: 'no HAProxy session and no MySQL line could be joined to this error',
      evidence: [],
    },
    session: undefined,
    method: 'none',
    candidates: 0,
  };
}

/** The user-facing request that failed because of the error: a 5xx in flight at that time. */
function httpImpact(store: Store, e: AppError, cfg: CorrelateSettings): Session | undefined {
  let best: Session | undefined;
  for (const s of store.http5xx.range(e.t - cfg.skew, e.t + e.res + cfg.skew + 600_000)) {
    if (s.accept > e.t + e.res + cfg.skew) continue;
    if (!best || s.end < best.end) best = s;
  }
  return best;
}
