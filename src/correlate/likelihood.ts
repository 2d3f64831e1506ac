/**
 * How likely a closure is to be the one an app error met, when only time (and the keys the logs carry)
 * join them: the likelihood model behind `goneaway.confidence` for time-only joins (docs/confidence.md).
 * Pure: no store, no I/O; the matcher gives it each candidate's facts and normalises over them.
 *
 * Two ways an app meets a closed connection (docs/lab-findings.md §2–§4):
 * - at the close: it was waiting on the connection (a query running: `timeout server`, a packet too
 *   big, a KILL or restart during a query), or HAProxy logged the close only when the app's write
 *   reached a half-open session (`--` after a KILL or restart, docs/lab-findings.md §3 scenario 04).
 *   The error is then in the close's instant, blurred by the stamps' resolution and the clock skew.
 * - at its next use: the connection was idle when it was closed (`timeout client`, `wait_timeout`).
 *   How long after is not known (a busy pool: ms; a queue worker: minutes), so every order of
 *   magnitude of the lag up to `max_error_lag` is taken as equally likely (the scale-free prior of
 *   a duration whose scale is unknown, 1/lag, offset by the resolution so that lag 0 stays finite).
 */
import type { Cause } from './causes.js';

/**
 * Below this confidence a verdict is a guess between explanations: the reports mark it ambiguous
 * (`confidence` is the probability that the cause is right, docs/confidence.md; below 1/2 another
 * explanation is at least as likely as this one).
 */
export const AMBIGUOUS_BELOW = 0.5;

export function isAmbiguous(confidence: unknown): boolean {
  return typeof confidence === 'number' && confidence < AMBIGUOUS_BELOW;
}

/** what the time model needs of one candidate closure */
export interface ClosureFacts {
  /** when HAProxy logged the close (session end) */
  end: number;
  /** when the first cause happened (KILL, shutdown, Aborted line); `end` otherwise */
  at: number;
  /** the first cause is known only to lie in [atFrom, at] (a crash seen by a DOWN: rules.ts) */
  atFrom?: number | undefined;
  /** HAProxy's termination state */
  state: string;
  cause: Cause;
  /** haproxy.cfg's `timeout server` is longer than `timeout client` for this session's proxies */
  serverOutlastsClient?: boolean | undefined;
  /** the statement the app logged against the closure's thread's last one (general log): the same, another,
   *  or unknown (either side not logged, the thread not mapped) */
  statement?: 'same' | 'other' | undefined;
  /** the chance that a closure not the error's ran that statement last: the share of the error's candidates
   *  with a known last statement that did, by Laplace's rule of succession */
  statementChance?: number | undefined;
}

export interface ErrorTime {
  t: number;
  /** stamp resolution: 1000 for whole seconds */
  res: number;
}

/** the tolerances of the time model: clock skew between hosts and the longest first-use lag */
export interface TimeModel {
  skew: number;
  maxLag: number;
}

/** the app's next-use lag: the probability that it comes `from` .. `to` ms after the close (app-lag.ts) */
export type LagMass = (from: number, to: number) => number;

/**
 * How far apart the app's error and HAProxy's close of the same instant are logged when the hosts' clocks
 * agree: HAProxy finishes a close a few ms after the app sees it fail (lab 02: PyMySQL's 2013 stamped 26.353,
 * the sD session ended 26.355), and an app logs its error a few ms after the failure.
 */
export const CLOSE_JITTER = 100;
/**
 * The prior probability that two hosts' clocks differ by more than that (up to `clock_skew`): NTP keeps hosts
 * on a LAN within milliseconds of each other (https://en.wikipedia.org/wiki/Network_Time_Protocol,
 * "Accuracy"), so a join that fits only thanks to the skew tolerance weighs a tenth (docs/confidence.md).
 */
export const SKEWED = 0.1;

/**
 * The probability that the app was waiting on the connection when it closed (it then fails at the
 * close), given who closed it and how. Causes that only happen to idle connections are 0; causes that
 * only happen to a busy one are 1; the rest could be either, and the logs do not say which: 1/2.
 */
export function pAtClose(c: ClosureFacts): number {
  // HAProxy logs a normal-looking close of a half-open session when the app's write reaches it
  if (c.state[0] === '-') return 1;
  // An idle session meets the shorter of `timeout client` and `timeout server` first (both sides are
  // silent); when the server's is the longer one, an `sD` means the server left a request unanswered
  // that long: the app was waiting on it (HAProxy manual §4 `timeout server`, docs/confidence.md)
  if (c.cause === 'haproxy_timeout_server' && c.serverOutlastsClient) return 1;
  switch (c.cause) {
    case 'haproxy_timeout_client': // the client sent nothing for `timeout client`
    case 'mysql_wait_timeout': // the thread was idle for wait_timeout
      return 0;
    case 'mysql_max_allowed_packet': // the server refused what the client was sending
      return 1;
    default:
      return 0.5;
  }
}

/** half-width (ms) of "at the close" as the candidate search reads it: the stamp, the skew, HAProxy's few ms */
export function atHalfWidth(e: ErrorTime, m: TimeModel): number {
  return e.res / 2 + m.skew + 500;
}

/** the error's instant is somewhere in [t, t + res): a millisecond stamp is a 1 ms interval */
const span = (e: ErrorTime): number => Math.max(1, e.res);

/** a MySQL stamp on a whole second (a KILL, an Aborted line) means any instant of that second; HAProxy's are ms */
const atSpan = (c: ClosureFacts): number => (c.at !== c.end && c.at % 1000 === 0 ? 1000 : 0);

/** the share of [a0, a1) that falls in [b0, b1] */
function overlap(a0: number, a1: number, b0: number, b1: number): number {
  return Math.max(0, Math.min(a1, b1) - Math.max(a0, b0));
}

/**
 * The probability of the error's stamp given that the app met this closure at the close: its instant is the
 * close's (HAProxy's end, or the first cause: PHP keeps a dead handle and HAProxy logs a KILL victim's close
 * when the handle is dropped), give or take CLOSE_JITTER — or, with prior SKEWED, anywhere within `skew`.
 */
function atProbability(e: ErrorTime, c: ClosureFacts, m: TimeModel): number {
  const r = span(e);

  // the error's instant x given the close's instant in [y0, y1]: from `early` before it to CLOSE_JITTER after
  const one = (y0: number, y1: number, early: number) => {
    const near = overlap(e.t, e.t + r, y0 - early, y1 + CLOSE_JITTER) / (y1 - y0 + early + CLOSE_JITTER);
    const w = m.skew + CLOSE_JITTER;
    const far = overlap(e.t, e.t + r, y0 - w, y1 + w) / (y1 - y0 + 2 * w);
    return (1 - SKEWED) * near + SKEWED * far;
  };
  // HAProxy's end: the app may see the failure a few ms before HAProxy logs it; a first cause (a MySQL line,
  // truncated to its second, and never later than HAProxy's end of a server-side close) comes before the
  // failure it causes, so the app's error is not earlier than its second's start
  const atEnd = c.state[0] === '-' ? c.at + atSpan(c) : Math.min(c.at + atSpan(c), Math.max(c.at, c.end));
  let best = Math.max(
    one(c.end, c.end, CLOSE_JITTER),
    c.at === c.end && c.atFrom === undefined ? 0 : one(Math.min(c.atFrom ?? c.at, c.at), atEnd, 0),
  );
  // a half-open victim (`--` after a KILL or restart) of an app that keeps its dead handle: HAProxy logs the
  // close when the handle is dropped, so the failing use is anywhere between the first cause and that
  if (c.state[0] === '-' && c.at < c.end) {
    const lo = c.at - CLOSE_JITTER,
      hi = c.end + CLOSE_JITTER;
    best = Math.max(best, overlap(e.t, e.t + r, lo, hi) / (hi - lo));
  }
  return best;
}

/**
 * The probability of the error's stamp given that it is the app's first use after the closure: the app's lag
 * distribution over the lags the stamp allows. The use cannot come before the close, except by CLOSE_JITTER
 * or, with prior SKEWED, by the clock skew.
 */
function laterProbability(e: ErrorTime, c: ClosureFacts, m: TimeModel, lag: LagMass): number {
  const r = span(e);
  const y = c.at + atSpan(c) / 2;
  const from = e.t - y;
  const to = from + r;
  if (to < -m.skew - CLOSE_JITTER || from > m.maxLag + m.skew) return 0;
  const start = Math.max(0, from);
  const mass = lag(start, start + r);
  return to < -CLOSE_JITTER ? SKEWED * mass : mass;
}

/**
 * The chance that the thread of a closure the app met at its close still shows another statement than the one the
 * app logged, though it ran it: the app or its driver rewrote it (bindings the app substitutes otherwise than the
 * server logs them), or the closure was mapped to the wrong thread by its Connect time (thread-for.ts threadFor).
 */
export const STATEMENT_MISMATCH = 0.1;

/**
 * How much the statement the app logged says for "the app met this closure at its close": the likelihood ratio of
 * the thread's last statement under that reading and under "another closure". Where the reading means the app's
 * query was running on the connection (the server logged it before it closed: a `timeout server`, a KILL or a
 * shutdown during the query), the thread's last statement is the app's — 1 / chance on a match, STATEMENT_MISMATCH
 * on a mismatch. Where it does not (a `--` close logged when the app's write reached a dead session, a packet the
 * server refused unread), the server never logged the app's statement: no information, as when either is unknown.
 */
function statementFactor(c: ClosureFacts): number {
  if (c.statement === undefined || c.state[0] === '-' || c.cause === 'mysql_max_allowed_packet') return 1;
  return c.statement === 'same' ? 1 / Math.max(c.statementChance ?? 1, 1e-3) : STATEMENT_MISMATCH;
}

/** the probability of the error's stamp (and of the thread's last statement) given that it met at the close */
function atPart(e: ErrorTime, c: ClosureFacts, m: TimeModel, p: number): number {
  return p > 0 ? p * atProbability(e, c, m) * statementFactor(c) : 0;
}

/** the probability of the error's stamp given that it met this closure */
export function timeLikelihood(e: ErrorTime, c: ClosureFacts, m: TimeModel, lag: LagMass): number {
  const p = pAtClose(c);
  return atPart(e, c, m, p) + (p < 1 ? (1 - p) * laterProbability(e, c, m, lag) : 0);
}

/**
 * The share of a candidate's posterior that says the app met it at its next use (the rest: at the close), for
 * learning the app's lag (app-lag.ts).
 */
export function laterShare(e: ErrorTime, c: ClosureFacts, m: TimeModel, lag: LagMass): number {
  const p = pAtClose(c);
  if (p >= 1) return 0;
  const later = (1 - p) * laterProbability(e, c, m, lag);
  const at = atPart(e, c, m, p);
  return later + at > 0 ? later / (later + at) : 0;
}

/** the lag a first-use candidate stands for (where its share is learned) */
export function lagOf(e: ErrorTime, c: ClosureFacts): number {
  return Math.max(0, e.t + span(e) / 2 - (c.at + atSpan(c) / 2));
}

/**
 * Keys an app's connection carries besides time: its MySQL user (general log `Connect user@host`, known
 * from `app.files[].mysql_user`). A mismatch rules the closure out; an unknown side says nothing.
 */
export function userFactor(appUsers: ReadonlySet<string> | undefined, threadUser: string | undefined): number {
  if (!appUsers || threadUser === undefined) return 1;
  return appUsers.has(threadUser) ? 1 : 0;
}

export interface Weighed<T> {
  item: T;
  cause: Cause;
  w: number;
}

/**
 * The cause the candidates' posterior puts most mass on, and that mass (0–1): the probability that
 * the error's closure tells that story. Deciding by cause, not by the single likeliest closure, is
 * what maximises the share of right causes: three timeouts of 10 s before outweigh one kill at the
 * error when the kill alone is not more likely than the three together.
 */
export function bestCause<T>(cands: readonly Weighed<T>[]): { cause: Cause; mass: number } | undefined {
  let total = 0;
  const by = new Map<Cause, number>();
  for (const c of cands) {
    total += c.w;
    by.set(c.cause, (by.get(c.cause) ?? 0) + c.w);
  }
  if (!(total > 0)) return undefined;
  let best: Cause | undefined,
    bestW = -1;
  for (const [cause, w] of by)
    if (w > bestW) {
      best = cause;
      bestW = w;
    }
  return { cause: best!, mass: bestW / total };
}

/** the runner-up story, for `why` ("or haproxy_timeout_client, 0.31") */
export function runnerUp<T>(cands: readonly Weighed<T>[], chosen: Cause): { cause: Cause; mass: number } | undefined {
  let total = 0;
  const by = new Map<Cause, number>();
  for (const c of cands) {
    total += c.w;
    if (c.cause !== chosen) by.set(c.cause, (by.get(c.cause) ?? 0) + c.w);
  }
  let best: Cause | undefined,
    bestW = 0;
  for (const [cause, w] of by)
    if (w > bestW) {
      best = cause;
      bestW = w;
    }
  return best && total > 0 ? { cause: best, mass: bestW / total } : undefined;
}

/** the share of the candidates' posterior mass that tells `cause` */
export function massOf<T>(cands: readonly Weighed<T>[], cause: Cause): { cause: Cause; mass: number } {
  let total = 0,
    w = 0;
  for (const c of cands) {
    total += c.w;
    if (c.cause === cause) w += c.w;
  }
  return { cause, mass: total > 0 ? w / total : 0 };
}
