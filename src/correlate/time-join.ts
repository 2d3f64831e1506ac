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
import { decideSession } from './rules.js';
import type { Store } from './store.js';
import type { AppError, Session, Verdict } from './model.js';
import { statementShape } from '../../parsers/app/statement.js';
import { atErrorCandidates, cheapCause, statementOf, storyFor, type Cand } from './time-candidates.js';
import type { CorrelateSettings } from './settings.js';
import { applyClaims, takeSession, threadOfClaims } from './claims.js';
import { heaviest } from './top-k.js';
import { rivalAmong, rivalClause } from './rival.js';
import { sessionKey } from './joint.js';
import {
  atHalfWidth,
  bestCause,
  isAmbiguous,
  lagOf,
  laterShare,
  massOf,
  runnerUp,
  timeLikelihood,
  userFactor,
  type ClosureFacts,
  type Weighed,
} from './likelihood.js';

/** how long past the window a closure's taken mass is kept: errors are decided nearly, not exactly, in time order */
const TAKEN_MARGIN = 60_000;

/** how many of the likeliest cheaply-read candidates are decided by the rules */
const REFINE = 12;

export interface TimeMatch {
  verdict: Verdict;
  session: Session;
  method: string;
  candidates: number;
}

/** haproxy.cfg's `timeout server` is longer than `timeout client` for the session's proxies, and no `timeout
 *  tunnel` supersedes both (in TCP mode it does once a session is established: README, --haproxy-config) */
function serverOutlastsClient(cfg: CorrelateSettings, s: Session): boolean {
  const hs = cfg.haproxySettings;
  if (!hs) return false;
  const client = hs.proxies.get(s.frontend)?.timeoutClient ?? hs.timeoutClient;
  const server = hs.proxies.get(s.backend)?.timeoutServer ?? hs.timeoutServer;
  const tunnel = hs.proxies.get(s.backend)?.timeoutTunnel ?? hs.timeoutTunnel;
  return tunnel === undefined && client !== undefined && server !== undefined && server > client;
}

export function timeOnly(
  store: Store,
  e: AppError,
  cfg: CorrelateSettings,
  atError: Session[],
  earlier: Session[],
  rivals: Session[] = [],
): TimeMatch | undefined {
  const together = store.together;
  const sql = e.sql === undefined ? undefined : statementShape(e.sql);
  const cands = atErrorCandidates(store, e, cfg, atError, sql);
  // the connection this app just lost (the server told it why) is the one it uses again
  const again = cands.find((x) => x.s.reusableBy === e.file);
  const seen = new Set(cands.map((x) => x.s));
  for (const s of earlier) if (!seen.has(s)) cands.push({ s, cause: cheapCause(s), atError: false });
  if (!cands.length) {
    // (a probe must not go on into the matcher's fallback, which takes a session)
    if (together.isProbed(e)) together.endProbe();
    return undefined;
  }
  for (const s of rivals) cands.push({ s, cause: cheapCause(s), atError: false, rival: true });
  const users = cfg.appUsers?.get(e.file);
  const model = { skew: cfg.skew, maxLag: cfg.maxLag };
  const lag = (from: number, to: number) => store.lags.mass(e.file, from, to, cfg.maxLag);
  // the closures this app could have met, counted once each: the learned origin's rate (app-origin.ts)
  if (!together.isProbed(e))
    store.origins.seen(
      e.file,
      cands.map((x) => x.s),
    );
  // one facts record, filled for each candidate as it is weighed (the model keeps none): a fresh one per candidate
  // was ~1,000 allocations per error
  const prior = store.origins.priorFor(e.file);
  const facts: ClosureFacts = { end: 0, at: 0, state: '', cause: 'unknown' };
  const factsOf = (x: Cand, statement: Cand['stmt']): ClosureFacts => {
    facts.end = x.s.end;
    facts.at = x.v?.at ?? x.s.end;
    facts.atFrom = x.v?.atFrom;
    facts.state = x.s.state;
    facts.cause = x.cause;
    facts.serverOutlastsClient = x.cause === 'haproxy_timeout_server' && serverOutlastsClient(cfg, x.s);
    facts.statement = statement;
    facts.statementChance = statementChance;
    return facts;
  };
  // `statement`: the thread's last statement against the app's, or undefined for the weight the closure would have
  // if the app had logged none
  const weightOf = (x: Cand, statement: Cand['stmt']): number => {
    // the error's time under the way the app meets this kind of close, with the app's learned lag
    const w = timeLikelihood(e, factsOf(x, statement), model, lag);
    // a closure not decided has no known user: the share of the decided ones that were the app's stands for it
    const u = users && !x.v ? userShare : userFactor(users, x.user);
    // where the app's earlier errors' connections came from (app-origin.ts), and the chance that no error
    // decided before this one met the closure (joint.ts)
    if (x.taken === undefined) x.taken = store.taken.lookup(x.s);
    const free = 1 - store.taken.massOf(x.taken);
    return w * u * prior(x.s) * free;
  };
  const weigh = (x: Cand): Weighed<Cand> => ({ item: x, cause: x.cause, w: weightOf(x, x.stmt) });
  let userShare = 1;
  let statementChance = 1;
  // the weight a closure would have if the app had logged no statement
  const weighNoStatement = (x: Cand): number => weightOf(x, undefined);
  let weighed = cands.map(weigh);
  // the likeliest closures read cheaply are decided by the rules: their real story, time and user
  const undecided = heaviest(
    weighed.filter((x) => !x.item.v),
    REFINE,
  );
  for (const x of undecided) {
    const d = storyFor(store, x.item.s, cfg, e);
    x.item.v = d.verdict;
    x.item.cause = d.verdict.cause;
    const th = threadOfClaims(d.claims);
    x.item.user = th?.user;
    x.item.stmt = statementOf(sql, th);
  }
  if (sql) {
    // Laplace's rule of succession: k of the n decided closures whose last statement is known ran the app's
    let n = 0,
      k = 0;
    for (const x of cands)
      if (x.stmt !== undefined) {
        n++;
        if (x.stmt === 'same') k++;
      }
    statementChance = (k + 1) / (n + 2);
  }
  if (users) {
    // Laplace's rule of succession: k of n decided closures were the app's user's
    let n = 0,
      k = 0;
    for (const x of cands)
      if (x.v && x.user !== undefined) {
        n++;
        if (users.has(x.user)) k++;
      }
    userShare = (k + 1) / (n + 2);
  }
  // weighed again: the refined closures (their story, time and user changed) and, when the app's users are
  // known, every undecided one (the users' share changed); the others weigh what they weighed (~5 % of
  // `correlate`'s CPU was this second pass over up to ~1,000 candidates)
  const refined = new Set(undecided.map((x) => x.item));
  // (and those whose statement is known: the chance of a match changed)
  const reweigh = (x: Weighed<Cand>) => refined.has(x.item) || x.item.stmt !== undefined;
  weighed = (users ? cands.map(weigh) : weighed.map((x) => (reweigh(x) ? weigh(x.item) : x))).filter(
    (x) => !(x.item.rival && x.cause === 'unknown'),
  );
  // the closure is picked by the error's own weights (the likeliest assignment of an alike group gives its
  // first-decided member the likeliest closure), the story and its mass by the joint ones
  // what the app's logged statement says of each closure, apart from the rest (for the alike group's assignment)
  const said = new Map<Cand, number>();
  for (const x of weighed)
    if (x.item.stmt !== undefined && x.w > 0) {
      const without = weighNoStatement(x.item);
      if (without > 0) said.set(x.item, x.w / without);
    }
  const alone = weighed;
  if (together.isProbed(e)) together.endProbe(weighed.map((x) => [sessionKey(x.item.s), x.w] as const));
  weighed = together.jointly(e, weighed, said);
  // (the own weights are looked up only when the joint ones replaced them: a map of ~1,000 was ~1 % of the CPU)
  const own = weighed !== alone ? new Map(alone.map((x) => [x.item, x.w])) : undefined;
  const byOwn = (x: Weighed<Cand>) => own?.get(x.item) ?? x.w;
  const choosable = weighed.filter((x) => !x.item.rival);
  // the story with the most posterior mass, over every candidate: a closure an earlier error took by time
  // alone may be this one's (that join was a guess, and its weight here is what it left free). Its closure is
  // the likeliest one of that story not taken yet; if every one is taken, the likeliest taken one (the two
  // errors then share it: deciding against the evidence would be a guess against the odds). On a tie the
  // closures not taken win.
  const untaken = bestCause(choosable);
  const all = bestCause(weighed);
  const top = again
    ? { cause: again.cause, mass: 1 }
    : untaken && (!all || massOf(weighed, untaken.cause).mass >= all.mass - 1e-9)
      ? untaken
      : all;
  if (!top) return undefined;
  const best = again ? top : massOf(weighed, top.cause);
  // within the story, the likeliest closure; ties (several alike) go to the newest, which the
  // candidates list first
  let pick: Weighed<Cand> | undefined;
  for (const x of choosable)
    if (x.cause === best.cause && (again ? x.item === again : !pick || byOwn(x) > byOwn(pick))) pick = x;
  if (!pick) for (const x of weighed) if (x.cause === best.cause && (!pick || byOwn(x) > byOwn(pick))) pick = x;
  const chosen = pick!.item;
  let total = 0;
  for (const x of weighed) total += x.w;
  const shares = again ? [[again.s, 1] as const] : weighed.map((x) => [x.item.s, total > 0 ? x.w / total : 0] as const);
  store.origins.learn(e.file, shares);
  if (again) store.taken.add(again.s, 1);
  else
    for (let i = 0; i < shares.length; i++)
      store.taken.addAt(weighed[i]!.item.taken ?? null, shares[i]![0], shares[i]![1]);
  // each candidate's share that says the app met it at its next use teaches the app's lag
  if (!again)
    for (const x of weighed)
      if (x.w > 0) {
        const f = factsOf(x.item, x.item.stmt);
        store.lags.learn(e.file, lagOf(e, f), (x.w / total) * laterShare(e, f, model, lag));
      }
  store.taken.trim(e.t - cfg.maxLag - 2 * cfg.skew - TAKEN_MARGIN);
  takeSession(chosen.s, e);
  chosen.s.timeJoined = true;
  const { verdict: v, claims } = decideSession(store, chosen.s, cfg, e);
  applyClaims(store.claims, claims);
  const others = runnerUp(weighed, best.cause);
  // a time-only join is never certain: the rule's certainty of the cause times the story's posterior
  const mass = again ? 0.95 : best.mass;
  v.confidence = Math.round(v.confidence * mass * 100) / 100;
  // an ambiguous verdict names its rival's closure too (rival.ts): the reader has two lines to compare
  const rival =
    weighed.length > 1 && isAmbiguous(v.confidence)
      ? rivalAmong(
          weighed.map((x) => ({ s: x.item.s, cause: x.cause, w: x.w })),
          best.cause,
          chosen.s,
        )
      : undefined;
  if (weighed.length > 1)
    v.why +=
      ` (time-only join: ${weighed.length} candidate closures, this story's posterior ${mass.toFixed(2)}` +
      (rival
        ? `; ${rivalClause(rival, best.cause)})`
        : others
          ? `; the competing explanation: ${others.cause}, ${others.mass.toFixed(2)})`
          : ')');
  const atClose = Math.abs(chosen.s.end - (e.t + e.res / 2)) <= atHalfWidth(e, model);
  return {
    verdict: v,
    session: chosen.s,
    method: chosen.atError || atClose ? 'time_at_error' : 'time_first_use',
    candidates: weighed.length,
  };
}
