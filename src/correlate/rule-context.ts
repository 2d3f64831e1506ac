/**
 * What the rules (rules.ts) read of a session before its closing state picks the case (rule-states.ts): its
 * server, its MySQL thread, the Aborted line and the KILL, shutdown or crash it lived across (the MySQL-side first
 * causes, checked first whenever the session lived across them), and the verdicts they make.
 */
import {
  TERMINATOR_OF,
  type Aborted,
  type AppError,
  type Cause,
  type Evidence,
  type Session,
  type Thread,
  type Verdict,
} from './model.js';
import type { Instance, Store } from './store.js';
import type { CorrelateSettings } from './settings.js';
import type { Claim } from './claims.js';

/** how long after a server died HAProxy's checks may take to mark it DOWN (fall × inter) */
export const DOWN_DETECTION = 15_000;

/** a session being decided, and what every case reads of it */
export interface RuleContext {
  store: Store;
  s: Session;
  cfg: CorrelateSettings;
  err: AppError | undefined;
  /** what the verdict rests on, for the caller that keeps it (claims.ts) */
  claims: Claim[];
  inst: Instance | undefined;
  th: Thread | undefined;
  evidence: Evidence[];
  /** with no thread: the error log's Aborted line joined by the app's thread id, or a (KILLED) one by time */
  orphan: Aborted | undefined;
  /** the thread id the KILL names */
  killedId: number | undefined;
  /** a KILL of the session's thread before HAProxy saw the close */
  killed: Thread['killed'];
  /** a shutdown or crash of the server while the session was open */
  life: ReturnType<typeof lifecycleDuring>;
}

export function lifecycleDuring(
  inst: Instance | undefined,
  from: number,
  to: number,
  downTo = to,
): { type: 'shutdown' | 'crash'; ev: Evidence; t: number; from?: number } | undefined {
  if (!inst) return undefined;
  let down: { ev: Evidence; t: number } | undefined;
  for (const e of inst.events.range(from, downTo)) {
    if (e.t > to && e.type !== 'down') continue;
    if (e.type === 'shutdown') return { type: e.type, ev: e.ev, t: e.t };
    // a crash is logged by the restart's recovery: the process died before, after the session began
    if (e.type === 'crash') return { type: e.type, ev: e.ev, t: e.t, from };
    if (e.type === 'down' && !down && /Layer4/i.test(e.detail ?? '')) down = { ev: e.ev, t: e.t };
  }
  // The health check found the port closed (Layer4) and the instance's error log, which we read,
  // has no shutdown before it: the process died (kill -9, OOM). Its crash recovery may only be
  // logged after the app error was decided (docs/lab-findings.md §3, scenario 06b).
  if (down && inst.hasErrorLog) {
    for (const e of inst.events.range(down.t - 120_000, down.t)) {
      if (e.type !== 'shutdown') continue;
      // a shutdown after the close explains the DOWN, but not this session
      return e.t <= to ? { type: 'shutdown', ev: e.ev, t: e.t } : undefined;
    }
    // the process died before the checks noticed: at most their detection time before the DOWN
    return { type: 'crash', ev: down.ev, t: down.t, from: down.t - DOWN_DETECTION };
  }
  return undefined;
}

export function withAt(
  at: number,
  cause: Cause,
  confidence: number,
  why: string,
  evidence: Evidence[],
  terminatedBy = TERMINATOR_OF[cause],
  atFrom?: number,
): Verdict {
  const v = verdict(cause, confidence, why, evidence, terminatedBy);
  v.at = at;
  if (atFrom !== undefined) v.atFrom = atFrom;
  return v;
}

export function verdict(
  cause: Cause,
  confidence: number,
  why: string,
  evidence: Evidence[],
  terminatedBy = TERMINATOR_OF[cause],
): Verdict {
  return {
    cause,
    terminatedBy,
    confidence: Math.round(Math.min(1, Math.max(0, confidence)) * 100) / 100,
    why,
    evidence,
  };
}

/** the MySQL-side first cause the session lived across (a KILL, a shutdown, a crash), at the rule's certainty `base` */
export function mysqlFirst(x: RuleContext, base: number): Verdict | undefined {
  const { s, th, err, killed, killedId, life, evidence } = x;
  if (killed) {
    evidence.push(killed.ev);
    const byTime = th === undefined && err?.threadId === undefined;
    // The app logged its thread id (mysql2, Connector/J) and the KILL names that thread: no mapping by Connect
    // time is left to doubt, and HAProxy's close and MySQL's KILL are known to be of one connection, the
    // certainty of two logs that agree (0.95, as `cD` + "Got an error reading"). By Connect time a
    // same-second pool can cross two threads (lab 04): `base`; by time alone on the server, less.
    const exact = err?.threadId !== undefined && killedId === err.threadId;
    return withAt(
      killed.t,
      'mysql_kill',
      exact ? Math.max(base, 0.95) : byTime ? base - 0.2 : base,
      `MySQL thread ${killedId ?? '?'} on ${s.server} was killed${killed.by !== undefined ? ` by thread ${killed.by}${killed.byUser ? ` (${killed.byUser})` : ''}` : ''}; HAProxy only saw the close afterwards (${s.state})${byTime ? '. No general log maps the session to its thread: the (KILLED) line is joined by time on that server' : ''}`,
      evidence,
    );
  }
  if (life) {
    evidence.push(life.ev);
    return life.type === 'shutdown'
      ? withAt(
          life.t,
          'mysql_shutdown',
          base,
          `${s.server} was shut down while the session was open; HAProxy logged ${s.state}`,
          evidence,
        )
      : withAt(
          life.t,
          'mysql_crash',
          base - 0.05,
          `${s.server} died without a shutdown (crash recovery or signal at restart) while the session was open; HAProxy logged ${s.state}`,
          evidence,
          undefined,
          life.from === undefined ? undefined : Math.max(s.accept, life.from),
        );
  }
  return undefined;
}

/** what the app's own error code says of the close (1153, 4031) */
export function appHint({ err, s, evidence }: RuleContext): Verdict | undefined {
  if (!err) return undefined;
  if (err.code === '1153' || err.cls === 'packet_too_large')
    return verdict(
      'mysql_max_allowed_packet',
      0.9,
      `the app got 1153 (packet bigger than max_allowed_packet) and ${s.server} closed the session`,
      evidence,
    );
  if (err.code === '4031' || err.cls === 'interaction_timeout')
    return verdict(
      'mysql_wait_timeout',
      0.9,
      'the server sent 4031 (disconnected because of inactivity): wait_timeout',
      evidence,
    );
  return undefined;
}

export function idleOf(s: Session, th: Thread | undefined): number | undefined {
  if (!th) return undefined;
  const last = th.lastQueryT ?? th.connectT;
  return last === undefined ? undefined : Math.max(0, s.end - last);
}

export function fmtMs(ms: number | undefined): string {
  if (ms === undefined) return 'an unknown time';
  return ms >= 1000 ? `${(ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1)} s` : `${ms} ms`;
}
