/**
 * A time-only join (PHP, Python: no local port in the log): which closure did the error meet, and how
 * sure is that? Every candidate closure is weighed by the likelihood model (likelihood.ts,
 * docs/confidence.md): its time against the error's under the way the app meets that kind of close,
 * and the MySQL user its thread logged in with against the app's. The verdict is the story (cause)
 * with the most posterior mass; its confidence is that mass times the rule's own certainty of the
 * cause given the closure.
 *
 * Candidates are scored with their rule verdict (`decideSession`) but their claims are dropped: only the
 * chosen closure's decision is kept (claims.ts).
 */
import { DOWN_DETECTION, decideSession, mayBeServerClosed } from './rules.js';
import type { Store } from './store.js';
import type { AppError, Session, Verdict } from './model.js';
import type { CorrelateSettings } from './settings.js';
import { applyClaims, takeSession, threadFacts, threadOfClaims } from './claims.js';
import { atHalfWidth, bestCause, runnerUp, timeLikelihood, userFactor, type Weighed } from './likelihood.js';

/** how much later than the app's error HAProxy may log the same close */
const CLOSE_JITTER = 100;
/** the prior odds that two hosts' clocks differ by more than HAProxy's few ms (docs/confidence.md) */
const SKEWED = 0.1;

interface Cand {
  s: Session;
  v: Verdict;
  /** in the error's own instant (a close, or a first cause, at the error) */
  atError: boolean;
}

export interface TimeMatch {
  verdict: Verdict;
  session: Session;
  method: string;
  candidates: number;
}

/**
 * Can `s`, closed near the error, have failed the error at its close? Its close, or a first cause
 * on its server (a KILL, a lifecycle event, an Aborted line) must be in the error's instant; a `--`
 * close needs something on its server that can explain it.
 */
function atErrorCandidates(store: Store, e: AppError, cfg: CorrelateSettings, atError: Session[]): Cand[] {
  const mid = e.t + e.res / 2;
  const hi = e.t + e.res + cfg.skew;
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
  const near = (x: Session) => Math.abs(x.end - mid) <= e.res / 2 + cfg.skew;
  const out: Cand[] = [];
  for (const s of atError) {
    if (!mayFit(s) || !(mayBeServerClosed(store, s, cfg) || e.code === '1153' || e.code === '4031')) continue;
    const d = decideSession(store, s, cfg, e);
    applyClaims(threadFacts(d.claims));
    const at = d.verdict.at ?? s.end;
    if (d.verdict.cause === 'unknown' || at > hi) continue;
    if (!near(s) && Math.abs(at - mid) > w) continue;
    out.push({ s, v: d.verdict, atError: true });
  }
  return out;
}

export function timeOnly(
  store: Store,
  e: AppError,
  cfg: CorrelateSettings,
  atError: Session[],
  earlier: Session[],
): TimeMatch | undefined {
  const cands = atErrorCandidates(store, e, cfg, atError);
  // the connection this app just lost (the server told it why) is the one it uses again
  const again = cands.find((x) => x.s.reusableBy === e.file);
  const seen = new Set(cands.map((x) => x.s));
  const users = cfg.appUsers?.get(e.file);
  const threadUser = new Map<Session, string | undefined>();
  for (const s of earlier) {
    if (seen.has(s)) continue;
    const d = decideSession(store, s, cfg, e);
    applyClaims(threadFacts(d.claims));
    threadUser.set(s, threadOfClaims(d.claims)?.user);
    cands.push({ s, v: d.verdict, atError: false });
  }
  if (!cands.length) return undefined;
  const model = { skew: cfg.skew, maxLag: cfg.maxLag };
  const until = e.t + e.res + CLOSE_JITTER;
  const weighed: Weighed<Cand>[] = cands.map((x) => {
    const facts = { end: x.s.end, at: x.v.at ?? x.s.end, state: x.s.state, cause: x.v.cause };
    let w = timeLikelihood(e, facts, model);
    // causality: HAProxy finishes a close a few ms after the app saw it fail (lab 02: PyMySQL's 2013
    // stamped 26.353, the sD session ended 26.355); a close later than that fits only if the clocks
    // differ, which `clock_skew` allows but NTP-synced hosts rarely do (docs/confidence.md)
    if (x.s.end > until || facts.at > until) w *= SKEWED;
    const user = x.atError ? undefined : threadUser.get(x.s);
    return { item: x, cause: x.v.cause, w: w * userFactor(users, user) };
  });
  const best = again ? { cause: again.v.cause, mass: 1 } : bestCause(weighed);
  if (!best) return undefined;
  // within the story, the likeliest closure; ties (several alike) go to the newest, which the
  // candidates list first
  let pick: Weighed<Cand> | undefined;
  for (const x of weighed) if (x.cause === best.cause && (again ? x.item === again : !pick || x.w > pick.w)) pick = x;
  const chosen = pick!.item;
  takeSession(chosen.s, e);
  const { verdict: v, claims } = decideSession(store, chosen.s, cfg, e);
  applyClaims(claims);
  const others = runnerUp(weighed, best.cause);
  // a time-only join is never certain: the rule's certainty of the cause times the story's posterior
  const mass = again ? 0.95 : best.mass;
  v.confidence = Math.round(v.confidence * mass * 100) / 100;
  if (weighed.length > 1)
    v.why +=
      ` (time-only join: ${weighed.length} candidate closures, this story's posterior ${mass.toFixed(2)}` +
      (others ? `; the competing explanation: ${others.cause}, ${others.mass.toFixed(2)})` : ')');
  const atClose = Math.abs(chosen.s.end - (e.t + e.res / 2)) <= atHalfWidth(e, model);
  return {
    verdict: v,
    session: chosen.s,
    method: chosen.atError || atClose ? 'time_at_error' : 'time_first_use',
    candidates: weighed.length,
  };
}
