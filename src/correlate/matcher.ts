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
import { DOWN_DETECTION, decideSession, fmtMs, mayBeServerClosed } from './rules.js';
import type { Store } from './store.js';
import { TERMINATOR_OF, type AppError, type Cause, type Session, type Thread, type Verdict } from './model.js';
import type { CorrelateSettings } from './settings.js';
import { applyClaims, threadFacts } from './claims.js';

export interface Match {
  verdict: Verdict;
  session: Session | undefined;
  method: string;
  candidates: number;
  http: Session | undefined;
  /** the session's MySQL thread when it was decided as the session left the window (late joins) */
  decidedThread?: { th: Thread | undefined } | undefined;
}

const MAX_CANDIDATES = 64;
/** how much later than the app's error HAProxy may log the same close */
const CLOSE_JITTER = 100;
/** errors in which the server said why it closes: the app's next use of that handle fails again */
const SERVER_ANNOUNCED = new Set(['1153', '4031', '1927', '1053', '1080']);

export function matchError(store: Store, e: AppError, cfg: CorrelateSettings): Match {
  const http = httpImpact(store, e, cfg);
  const lo = e.t - cfg.maxLag - cfg.skew;
  const hi = e.t + e.res + cfg.skew;
  // the app's own addresses, when given, rule out every other client's sessions (ports and times
  // alone cannot: several app hosts use the same ephemeral ports at the same moments); so does a
  // session that was not open when the driver last received a packet on the connection
  const fromApp = (s: Session) => appCanOwn(e, s);
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
      best.reusableBy = !best.claimed && SERVER_ANNOUNCED.has(e.code) ? e.file : undefined;
      best.claimed = true;
      const { verdict, claims } = decideSession(store, best, cfg, e);
      applyClaims(claims);
      return { verdict, session: best, method: 'client_port', candidates: 1, http };
    }
  }
  // time only
  const mid = e.t + e.res / 2;
  const near = (x: Session) => Math.abs(x.end - mid) <= e.res / 2 + cfg.skew;
  // sessions closed at the error, or shortly after it: an app that keeps the dead handle open
  // (PHP until its PDO object goes) makes HAProxy log the close seconds after the error
  const atError: Session[] = [];
  const free = (s: Session) => (!s.claimed || s.reusableBy === e.file) && fromApp(s);
  for (const s of store.sessions.range(e.t - cfg.skew - 1000, hi + cfg.settle))
    if (free(s) && s.state[0] !== 'C') atError.push(s);
  // the most recent unclaimed abnormal closures before the error, newest first, bounded: an
  // incident with thousands of timeouts must not make every error scan all of them
  const before: Session[] = [];
  for (const s of store.abnormal.newestBefore(hi + 1)) {
    if (before.length >= MAX_CANDIDATES || s.end < lo) break;
    if (!s.claimed && fromApp(s)) before.push(s);
  }
  const earlier = before.filter((s) => s.state[0] !== 'C' && !near(s));
  const appSide = before.filter((s) => s.state[0] === 'C');
  let pool: Session[] = [];
  let method = 'time';
  const pick = (): Session | undefined => {
    // 1) a session whose first cause (the close, or the KILL/shutdown/Aborted line behind it)
    //    is at the error: query interrupted, packet too big, half-open victim (lab scenario 02, docs/lab-findings.md,
    // 04, 05, 06)
    // A session that did not close at the error fits only through a first cause at the error (a
    // KILL, a lifecycle event or an Aborted line on its instance then): without one, skip its verdict.
    const w = e.res / 2 + cfg.skew + 500;
    const causeNear = new Map<string, boolean>();
    const mayFit = (s: Session) => {
      if (Math.abs(s.end - mid) <= w) return true; // the verdict's time is the close itself
      let c = causeNear.get(s.server);
      if (c === undefined) {
        const inst = store.instances.get(s.server);
        c =
          inst !== undefined &&
          (inst.kills.any(mid - w, mid + w) ||
            inst.aborted.any(mid - w, mid + w) ||
            inst.events.any(mid - w - DOWN_DETECTION, mid + w));
        causeNear.set(s.server, c);
      }
      return c;
    };
    const scored = atError
      .filter((s) => mayFit(s) && (mayBeServerClosed(store, s, cfg) || e.code === '1153' || e.code === '4031'))
      .map((s) => {
        const d = decideSession(store, s, cfg, e);
        applyClaims(threadFacts(d.claims));
        return { s, v: d.verdict };
      })
      .filter(
        (x) =>
          x.v.cause !== 'unknown' &&
          (x.v.at ?? x.s.end) <= hi &&
          (near(x.s) || Math.abs((x.v.at ?? x.s.end) - mid) <= e.res / 2 + cfg.skew + 500),
      );
    const dist = (x: { s: Session; v: { at?: number } }) =>
      Math.min(Math.abs(x.s.end - mid), Math.abs((x.v.at ?? x.s.end) - mid));
    if (scored.length) {
      pool = scored.map((x) => x.s);
      method = 'time_at_error';
      // causality first: a close logged before the error's own timestamp window ends beats one
      // that only fits thanks to the clock-skew tolerance
      // the connection this app just lost (the server told it why) is the one it uses again
      const again = scored.filter((x) => x.s.reusableBy === e.file);
      if (again.length) return again[0]!.s;
      // HAProxy finishes a close a few ms after the app saw it fail (lab 02: PyMySQL's 2013 stamped
      // 26.353, the sD session ended 26.355): that is the same event, not a later one
      const until = e.t + e.res + CLOSE_JITTER;
      const causal = scored.filter((x) => x.s.end <= until && (x.v.at ?? x.s.end) <= until);
      const among = causal.length || !earlier.length ? (causal.length ? causal : scored) : undefined;
      if (among) {
        let best = among[0]!;
        for (const x of among) if (dist(x) < dist(best)) best = x;
        return best.s;
      }
    }
    // 2) an earlier abnormal close (timeouts, kills, DOWN): the error is its first use
    if (earlier.length) {
      pool = earlier;
      method = 'time_first_use';
      return earlier[0];
    }
    // 3) a normal-looking close at the error, nothing says why
    const plain = atError.filter(near);
    if (plain.length) {
      pool = plain;
      method = 'time_at_error';
      return nearest(plain, mid);
    }
    if (appSide.length) {
      pool = appSide;
      method = 'time_first_use';
      return appSide[0];
    }
    return undefined;
  };
  const s = pick();
  if (s) {
    s.reusableBy = !s.claimed && SERVER_ANNOUNCED.has(e.code) ? e.file : undefined;
    s.claimed = true;
    const { verdict: v, claims } = decideSession(store, s, cfg, e);
    applyClaims(claims);
    // candidates that would tell another story lower the confidence (never a silent guess)
    // A candidate inside the error's own timestamp window weighs more than one seconds away.
    const w = (c: Session) => (method === 'time_at_error' && Math.abs(c.end - mid) > e.res / 2 + 250 ? 0.4 : 1);
    let wAll = 0,
      wAgree = 0,
      agree = 0;
    for (const c of pool) {
      wAll += w(c);
      if (c === s || (c.state[0] === s.state[0] && c.server === s.server)) {
        wAgree += w(c);
        agree++;
      }
    }
    const factor = (method === 'time_at_error' ? 0.95 : 0.9) * (wAgree / wAll);
    v.confidence = Math.round(v.confidence * factor * 100) / 100;
    if (pool.length > 1) v.why += ` (time-only join: ${pool.length} candidate sessions, ${agree} alike)`;
    return { verdict: v, session: s, method, candidates: pool.length, http };
  }
  return { ...mysqlOnly(store, e, cfg), http };
}

function nearest(l: Session[], t: number): Session {
  let best = l[0]!;
  for (const s of l) if (Math.abs(s.end - t) < Math.abs(best.end - t)) best = s;
  return best;
}

/** No HAProxy session: what the MySQL logs say near the error. */
function mysqlOnly(store: Store, e: AppError, cfg: CorrelateSettings): Omit<Match, 'http'> {
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
  const late = lateJoin(store, e, cfg);
  if (late)
    return {
      verdict: late.verdict,
      session: late.session,
      method: late.method,
      candidates: late.candidates,
      decidedThread: late.remembered ? { th: late.thread } : undefined,
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
