/**
 * Who terminated a session, and why. The rules follow how the components behave
 * (HAProxy manual §8.5 and docs/lab-findings.md §2/§4), not the look of particular samples:
 * - HAProxy's state names who closed the LAST half: `cD`/`sD` its own timeouts, `K` an admin kill or
 *   hard-stop, `D` a server marked DOWN; `SD` the server side closed; `--` a normal close, which is
 *   also what a MySQL KILL, restart or crash looks like to HAProxy (lab scenario 04, docs/lab-findings.md, 06).
 * - So MySQL-side first causes (KILL, shutdown, crash) are checked first whenever the session lived
 *   across them: a KILLed idle connection can be logged `cD` much later, a restart victim `D-`.
 */
import type { AppError, Evidence, Session, Verdict } from './model.js';
import type { Store } from './store.js';
import { threadFor } from './thread-for.js';
import { freeKillIn, orphanAborted } from './aborted.js';
import type { CorrelateSettings } from './settings.js';
import type { Claim, Decision } from './claims.js';
import { DOWN_DETECTION, lifecycleDuring, type RuleContext } from './rule-context.js';
import { byState } from './rule-states.js';

export { DOWN_DETECTION, fmtMs, idleOf } from './rule-context.js';

/** Who closed `s` and why (for the app error `err` when given), and what that verdict claims: the caller
 *  that keeps the verdict applies them (claims.ts). */
export function decideSession(store: Store, s: Session, cfg: CorrelateSettings, err?: AppError): Decision<Verdict> {
  return decideWith(store, s, cfg, err, true);
}

/**
 * `decideSession` for a candidate of a time-only join: the same verdict and claims without the evidence, which a
 * verdict not kept never shows. The session's own line is kept compressed in the window (line-store.ts), and
 * reading it for every candidate decided was ~7 % of `correlate`'s CPU on the bench's correlated set.
 */
export function candidateStory(store: Store, s: Session, cfg: CorrelateSettings, err: AppError): Decision<Verdict> {
  const d = decideWith(store, s, cfg, err, false);
  d.verdict.evidence = [];
  return d;
}

function decideWith(
  store: Store,
  s: Session,
  cfg: CorrelateSettings,
  err: AppError | undefined,
  lines: boolean,
): Decision<Verdict> {
  const claims: Claim[] = [];
  const verdict = decide(store, s, cfg, err, claims, lines);
  if (verdict.at === undefined) verdict.at = s.end;
  return { verdict, claims };
}

/** what every case reads (rule-context.ts), then the case of the session's closing state (rule-states.ts) */
function decide(
  store: Store,
  s: Session,
  cfg: CorrelateSettings,
  err: AppError | undefined,
  claims: Claim[],
  lines: boolean,
): Verdict {
  const inst = store.instances.get(s.server);
  const th = threadFor(store, s, cfg, err?.threadId);
  if (th) claims.push({ kind: 'thread', thread: th, session: s });
  const evidence: Evidence[] = lines ? [s.ev] : [];
  if (th?.connectEv) evidence.push(th.connectEv);
  if (th?.lastEv && th.lastEv !== th.connectEv) evidence.push(th.lastEv);
  const c0 = s.state[0] ?? '?';
  // a first cause must come before HAProxy saw the close (MySQL stamps are truncated to the
  // second, so a logged time is never later than the real one)
  // Without a general log (most production servers) there is no thread table: the error log's own
  // Aborted lines are joined by the app's thread id, or a (KILLED) one by time on the session's server
  const orphan = th === undefined ? orphanAborted(inst, s, cfg, err, claims) : undefined;
  const orphanKill =
    orphan?.reason === 'killed' && !orphan.byShutdown
      ? { t: orphan.t, by: orphan.killer, byUser: undefined, ev: orphan.ev }
      : undefined;
  const killedId = th?.id ?? orphan?.threadId;
  const killed =
    th?.killed && th.killed.t <= s.end + 500
      ? th.killed
      : orphanKill && orphanKill.t <= s.end + 500
        ? orphanKill
        : undefined;
  // A normal-looking close nobody reported, with no thread to say it never Quit, is not a crash
  // victim just because HAProxy marked the server DOWN in the 15 s after it: a clean close before
  // the crash looks the same (lab 13 without its general log: every connection the apps closed in
  // those seconds came out "crashed"). A shutdown or crash line, or a DOWN, before its end still counts.
  const plainClose = c0 === '-' && th === undefined && err === undefined;
  const life =
    th?.quitT === undefined
      ? lifecycleDuring(inst, s.accept - cfg.skew, s.end + 500, plainClose ? s.end + 500 : s.end + DOWN_DETECTION)
      : undefined;
  const x: RuleContext = { store, s, cfg, err, claims, inst, th, evidence, orphan, killedId, killed, life };
  return byState(x);
}

/**
 * Cheap pre-check for a normal-looking (`--`) close: can anything on its server explain it (a KILL,
 * a shutdown/crash/DOWN, an Aborted line during the session)? If not, its verdict can only be
 * "unknown", and the costly thread mapping is skipped.
 */
export function mayBeServerClosed(
  store: Store,
  s: Pick<Session, 'accept' | 'end' | 'state' | 'server'>,
  cfg: CorrelateSettings,
): boolean {
  if (s.state[0] !== '-') return true;
  const inst = store.instances.get(s.server);
  if (!inst) return false;
  const from = s.accept - cfg.skew - 1000;
  return (
    inst.kills.any(from, s.end + 500) ||
    inst.events.any(from, s.end + DOWN_DETECTION) ||
    inst.aborted.any(from, s.end + cfg.skew + 3000)
  );
}

/**
 * Can `decide` tell a cause for a normal-looking (`--`) close met by the app error `err`, or is its verdict
 * surely "unknown"? The same test as `decide`'s `--` case, on what it reads, without mapping the thread and
 * writing the verdict: a time-only join meets hundreds of `--` closes per error on a busy proxy, and two thirds
 * of those it decided came out "unknown" (docs/benchmark-history.md, session 14). True when in doubt.
 * - the app's own code (1153, 4031) names the cause (`appHint`);
 * - the app's thread id maps the thread, and an Aborted line, by id: decided;
 * - a shutdown, crash or DOWN from the accept to 15 s after the end (`lifecycleDuring` reads no wider);
 * - a thread `threadFor` can map (one that connected in the accept's seconds) that was killed before the end,
 *   or whose own Aborted line says wait_timeout or max_allowed_packet, or has a line of its id not attached
 *   (`abortedOf` then searches it);
 * - with no such thread, a (KILLED) line on the server during the session (`orphanAborted`).
 */
export function mayTellCauseAtError(
  store: Store,
  s: Pick<Session, 'accept' | 'end' | 'state' | 'server'>,
  cfg: CorrelateSettings,
  err: AppError,
): boolean {
  if (s.state[0] !== '-') return true;
  if (err.code === '1153' || err.code === '4031' || err.cls === 'packet_too_large') return true;
  if (err.cls === 'interaction_timeout' || err.threadId !== undefined) return true;
  const inst = store.instances.get(s.server);
  if (!inst) return false;
  if (inst.events.any(s.accept - cfg.skew, s.end + DOWN_DETECTION)) return true;
  const lo = Math.floor((s.accept - cfg.skew) / 1000) - 1,
    hi = Math.floor((s.accept + cfg.skew) / 1000) + 1;
  for (let k = lo; k <= hi; k++)
    for (const th of inst.bySecond.get(k) ?? []) {
      if (th.killed && th.killed.t <= s.end + 500) return true;
      const ab = th.aborted;
      if (ab ? ab.reason === 'timeout_reading' || ab.reason === 'packet_too_large' : inst.abortedById.has(th.id))
        return true;
    }
  return freeKillIn(inst, s.accept - cfg.skew - 1000, s.end + cfg.skew);
}
