/**
 * The candidates of a time-only join (time-join.ts): the closes in the error's own instant that the rules can
 * explain there (`atErrorTest`, then decided: `atErrorCandidates`), the earlier ones read cheaply from HAProxy's
 * state (`cheapCause`), and what a decided closure's thread says of the app (its user, its last statement).
 */
import { DOWN_DETECTION, candidateStory, mayBeServerClosed, mayTellCauseAtError } from './rules.js';
import type { Store } from './store.js';
import type { AppError, Cause, Session, Thread, Verdict } from './model.js';
import { sameStatement, statementShape, type StatementShape } from '../../parsers/app/statement.js';
import type { CorrelateSettings } from './settings.js';
import { threadOfClaims, type Decision } from './claims.js';
import type { TakenEntry } from './joint.js';

export interface Cand {
  s: Session;
  /** the rule's story for this closure: decided (`v`), or read cheaply from HAProxy's state */
  cause: Cause;
  /** the rule's verdict, once decided */
  v?: Verdict | undefined;
  /** in the error's own instant (a close, or a first cause, at the error) */
  atError: boolean;
  /** taken by another error's time-only join: weighed (it may be this error's), never taken again */
  rival?: boolean;
  /** the MySQL user of the closure's thread (general log Connect), when known */
  user?: string | undefined;
  /** the thread's last statement against the one the app logged, when both are known (likelihood.ts) */
  stmt?: 'same' | 'other' | undefined;
  /** its entry in the taken mass, once looked up (null: none) */
  taken?: TakenEntry | null;
}

/** `s`'s rule decision for the error `e`, without evidence (rules.ts `candidateStory`): kept for the tick
 *  (tick-stories.ts) while no claim was applied on its server */
export function storyFor(store: Store, s: Session, cfg: CorrelateSettings, e: AppError): Decision<Verdict> {
  const kept = store.stories.of(e);
  if (!kept) return candidateStory(store, s, cfg, e);
  const mark = store.claims.of(s.server);
  const k = kept.get(s);
  if (k?.mark === mark) return k.d;
  const d = candidateStory(store, s, cfg, e);
  kept.set(s, { mark, d });
  return d;
}

/** the app's statement against a decided closure's thread's last one (parsers/app/statement.ts) */
export function statementOf(app: StatementShape | undefined, th: Thread | undefined): Cand['stmt'] {
  if (!app || th?.lastSql === undefined) return undefined;
  return sameStatement(app, shapeOf(th.lastSql)) ? 'same' : 'other';
}

/** the shapes of the threads' last statements, by text: a thread is a candidate of many errors, and its statement
 *  was shaped again for each (redaction and case folding: ~2.5 % of `correlate`'s CPU on the bench's correlated
 *  set, docs/benchmark-history.md session 14); cleared when full, to stay bounded */
const SHAPES = new Map<string, StatementShape>();
const SHAPES_MAX = 4096;
function shapeOf(sql: string): StatementShape {
  let shape = SHAPES.get(sql);
  if (!shape) {
    if (SHAPES.size >= SHAPES_MAX) SHAPES.clear();
    shape = statementShape(sql);
    SHAPES.set(sql, shape);
  }
  return shape;
}

/**
 * A closure's likely story from HAProxy's state alone, before the rules are run on it (they map the
 * MySQL thread and read its lines: too costly for hundreds of candidates). The likeliest candidates
 * are then decided for real (REFINE), so a cheap story only stands for closures that weigh little.
 */
export function cheapCause(s: Session): Cause {
  switch (s.state[0]) {
    case 'c':
      return 'haproxy_timeout_client';
    case 's':
      return 'haproxy_timeout_server';
    case 'K':
      return 'haproxy_admin_kill';
    case 'D':
    case 'U':
      return 'haproxy_server_down';
    case 'S':
      // the server closed an idle connection: most often wait_timeout (rules.ts, the 'S' case)
      return 'mysql_wait_timeout';
    default:
      return 'unknown';
  }
}

/** the fields of a close that `atErrorTest` reads (a window row is tested before any `Session` is made for it) */
export type CloseFacts = Pick<Session, 'accept' | 'end' | 'state' | 'server'>;

/**
 * Can `s`, closed near the error, have failed the error at its close? Its close, or a first cause
 * on its server (a KILL, a lifecycle event, an Aborted line) must be in the error's instant; a `--`
 * close needs something on its server that can explain it, and a verdict that is not surely "unknown"
 * (rules.ts `mayTellCauseAtError`). The closes that pass are decided (`atErrorCandidates`); the matcher makes
 * no `Session` for a `--` row that fails, unless it is the fallback's (matcher.ts).
 */
export function atErrorTest(store: Store, e: AppError, cfg: CorrelateSettings): (s: CloseFacts) => boolean {
  const mid = e.t + e.res / 2;
  const w = e.res / 2 + cfg.skew + 500;
  const causeNear = new Map<string, boolean>();
  const mayFit = (s: CloseFacts) => {
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
  const coded = e.code === '1153' || e.code === '4031';
  return (s) =>
    mayFit(s) && (mayBeServerClosed(store, s, cfg) || coded) && (coded || mayTellCauseAtError(store, s, cfg, e));
}

export function atErrorCandidates(
  store: Store,
  e: AppError,
  cfg: CorrelateSettings,
  atError: Session[],
  sql: StatementShape | undefined,
): Cand[] {
  const mid = e.t + e.res / 2;
  const hi = e.t + e.res + cfg.skew;
  const w = e.res / 2 + cfg.skew + 500;
  const test = atErrorTest(store, e, cfg);
  const near = (x: Session) => Math.abs(x.end - mid) <= e.res / 2 + cfg.skew;
  const out: Cand[] = [];
  for (const s of atError) {
    if (!test(s)) continue;
    // (its claims are dropped: a thread's own Aborted line, the one fact a decision found that later mappings
    // read, is attached as the line is read, ingest-mysql.ts)
    const d = storyFor(store, s, cfg, e);
    const at = d.verdict.at ?? s.end;
    if (d.verdict.cause === 'unknown' || at > hi) continue;
    if (!near(s) && Math.abs(at - mid) > w) continue;
    const th = threadOfClaims(d.claims);
    out.push({ s, v: d.verdict, cause: d.verdict.cause, atError: true, user: th?.user, stmt: statementOf(sql, th) });
  }
  return out;
}
