/**
 * An app error that nothing inside `max_error_lag` explains, joined to an abnormal closure from
 * longer before: the idle worker's next job (Laravel `queue:work`, Celery, cron, a pool that keeps a
 * connection for hours).
 *
 * Why a verdict and not `unknown`: PDO and PyMySQL report a dead connection only at its next use,
 * however late (docs/lab-findings.md §2, "next use"), and an error with no closure, no KILL and no restart
 * near it can only be the first use of a connection closed earlier. The newest earlier closure that
 * can be this app's (same local port when it logs one, its client addresses with
 * `--app CLIENTS=FILE`, else any on the proxy) is that connection's best candidate; how many of the
 * other candidates tell the same story (same state letter, same server) sets the confidence, and
 * the join is always a lower-confidence one than inside the window.
 *
 * Not for an error that carries its local port (mysql2, some Go/Java logs): ports are reused, and
 * beyond the window the sessions that reused one are no longer known, so an old closure on the same
 * port may be another connection's; such apps report at the closure itself (mysql2's idle 'error'
 * event), so a port with no session in the window means HAProxy's line is missing, not late.
 */
import { HINT_SCAN, fmtLong, mayBeFor, type Remembered } from './left-window.js';
import { decideSession } from './rules.js';
import type { Store } from './store.js';
import type { AppError, Session, Thread, Verdict } from './model.js';
import type { CorrelateSettings } from './settings.js';
import { applyClaims } from './claims.js';
import { isAmbiguous } from './likelihood.js';
import { RIVALS_DECIDED, rivalAmong, rivalClause, type Told } from './rival.js';
export interface LateMatch {
  verdict: Verdict;
  session: Session;
  thread: Thread | undefined;
  remembered: boolean;
  method: string;
  candidates: number;
}

/** candidates weighed for the confidence */
const MAX_CANDIDATES = 64;
/** a session that never reached its server (SC, sC, CC, sQ, CR…) is a failed connect, not a closure;
 *  a client-side close (C…) is the app's own doing. (`--` ones are remembered only with a MySQL cause.) */
function isServerSideClosure(s: Session): boolean {
  const c1 = s.state[1];
  return s.state[0] !== 'C' && c1 !== undefined && !'CQRT'.includes(c1);
}

/**
 * The competing explanation of a late join below 0.5 (docs/confidence.md): the likeliest other story among the
 * candidates (each as likely as the others, as the confidence counts them; the newest decided, claims dropped),
 * or, with no other candidate, a connection whose close no log read holds.
 */
function lateRival(
  store: Store,
  cfg: CorrelateSettings,
  e: AppError,
  pool: ReadonlyArray<{ s: Session; r: Remembered | undefined }>,
  chosen: Session,
  cause: Verdict['cause'],
): string {
  const told: Told[] = [{ s: chosen, cause, w: 1 }];
  for (const c of pool) {
    if (told.length > RIVALS_DECIDED) break;
    if (c.s !== chosen) told.push({ s: c.s, cause: (c.r?.v ?? decideSession(store, c.s, cfg, e).verdict).cause, w: 1 });
  }
  const r = rivalAmong(told, cause, chosen, pool.length);
  return r
    ? rivalClause(r, cause)
    : 'no other closure is a candidate: the competing explanation is the first use of a connection whose close no log read holds';
}

export function lateJoin(store: Store, e: AppError, cfg: CorrelateSettings): LateMatch | undefined {
  if (e.localPort !== undefined) return undefined;
  const before = e.t - cfg.maxLag - cfg.skew - cfg.settle;
  const ok = (s: Session) => mayBeFor(e, s) && isServerSideClosure(s);
  // newest first: closures still in the window's list (it keeps them a margin beyond max_error_lag),
  // then those that left it with their verdict
  const pool: Array<{ s: Session; r: Remembered | undefined }> = [];
  for (const s of store.abnormal.newestBefore(before, HINT_SCAN)) {
    if (pool.length >= MAX_CANDIDATES) break;
    if (ok(s)) pool.push({ s, r: undefined });
  }
  for (const r of store.left.candidates(e, before, MAX_CANDIDATES - pool.length, isServerSideClosure))
    pool.push({ s: r.s, r });
  let chosen: { s: Session; r: Remembered | undefined; v: Verdict } | undefined;
  for (const c of pool) {
    // (a dropped decision leaves nothing behind: a thread's own Aborted line is attached as it is read)
    const v = c.r?.v ?? decideSession(store, c.s, cfg, e).verdict;
    if (v.cause !== 'unknown') {
      chosen = { ...c, v };
      break;
    }
  }
  if (!chosen) return undefined;
  const s = chosen.s;
  s.claimed = true;
  // a remembered verdict is shared with its (now withheld) connection event: copy before changing
  let v: Verdict;
  if (chosen.r) v = { ...chosen.v, evidence: [...chosen.v.evidence] };
  else {
    const d = decideSession(store, s, cfg, e);
    applyClaims(store.claims, d.claims);
    v = d.verdict;
  }
  let agree = 0;
  for (const c of pool) if (c.s === s || (c.s.state[0] === s.state[0] && c.s.server === s.server)) agree++;
  const base = e.clients ? 0.6 : 0.5;
  v.confidence = Math.round(v.confidence * base * (agree / pool.length) * 100) / 100;
  const gap = e.t - s.end;
  const which = e.clients ? "of this app's clients" : 'on the proxy';
  v.why +=
    `. The error came ${fmtLong(gap)} after this closure, beyond max_error_lag (${fmtLong(cfg.maxLag)}), with nothing inside it: taken for the first use of the latest earlier abnormal closure ${which}` +
    (pool.length > 1 ? ` (${pool.length} candidate closures, ${agree} alike)` : '') +
    `; raise max_error_lag above the app's longest idle time (--max-error-lag ${Math.ceil(gap / 3600_000)}h) to weigh every session of that time`;
  if (isAmbiguous(v.confidence)) v.why += `; ${lateRival(store, cfg, e, pool, s, v.cause)}`;
  return {
    verdict: v,
    session: s,
    thread: chosen.r?.th,
    remembered: chosen.r !== undefined,
    method: 'time_first_use',
    candidates: pool.length,
  };
}
