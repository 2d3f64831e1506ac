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
  /** HAProxy's termination state */
  state: string;
  cause: Cause;
  /** haproxy.cfg's `timeout server` is longer than `timeout client` for this session's proxies */
  serverOutlastsClient?: boolean | undefined;
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

/** half-width (ms) of "at the close": the error stamp's own interval, the skew, and HAProxy's few ms */
export function atHalfWidth(e: ErrorTime, m: TimeModel): number {
  return e.res / 2 + m.skew + 500;
}

/** density (per ms) of the error's time given that it met this closure at the close */
function atDensity(e: ErrorTime, c: ClosureFacts, m: TimeModel): number {
  const half = atHalfWidth(e, m);
  const mid = e.t + e.res / 2;
  // the close as HAProxy logged it, or its first cause (an app that keeps a dead handle, as PHP does,
  // makes HAProxy log a KILL victim's close seconds after the error)
  return Math.min(Math.abs(c.end - mid), Math.abs(c.at - mid)) <= half ? 1 / (2 * half) : 0;
}

/** density (per ms) of the error's time given that it is the first use after the closure */
function laterDensity(e: ErrorTime, c: ClosureFacts, m: TimeModel): number {
  const tau = e.res + m.skew; // below this, lags cannot be told apart
  // the error's stamp may be up to `skew` before the close on the other host's clock
  const lag = Math.max(0, e.t + e.res / 2 - c.at);
  if (e.t + e.res + m.skew < c.at || lag > m.maxLag + m.skew) return 0;
  return 1 / ((lag + tau) * Math.log((m.maxLag + tau) / tau));
}

/** the likelihood of the error's time given that it met this closure */
export function timeLikelihood(e: ErrorTime, c: ClosureFacts, m: TimeModel): number {
  const p = pAtClose(c);
  return p * atDensity(e, c, m) + (1 - p) * laterDensity(e, c, m);
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
