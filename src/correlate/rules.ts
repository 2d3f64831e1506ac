/**
 * Who terminated a session, and why. The rules follow how the components behave
 * (HAProxy manual §8.5 and docs/lab-findings.md §2/§4), not the look of particular samples:
 * - HAProxy's state names who closed the LAST half: `cD`/`sD` its own timeouts, `K` an admin kill or
 *   hard-stop, `D` a server marked DOWN; `SD` the server side closed; `--` a normal close, which is
 *   also what a MySQL KILL, restart or crash looks like to HAProxy (lab scenario 04, docs/lab-findings.md, 06).
 * - So MySQL-side first causes (KILL, shutdown, crash) are checked first whenever the session lived
 *   across them: a KILLed idle connection can be logged `cD` much later, a restart victim `D-`.
 */
import {
  TERMINATOR_OF,
  type AppError,
  type Cause,
  type Evidence,
  type Session,
  type Thread,
  type Verdict,
} from './model.js';
import type { Instance, Store } from './store.js';
import { threadFor } from './thread-for.js';
import { decodeTermination } from '../../parsers/haproxy/termination.js';
import { abortedNear, abortedOf, orphanAborted } from './aborted.js';
import type { CorrelateSettings } from './settings.js';
import type { Claim, Decision } from './claims.js';

/** how long after a server died HAProxy's checks may take to mark it DOWN (fall × inter) */
export const DOWN_DETECTION = 15_000;

function lifecycleDuring(
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

function withAt(
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

function verdict(
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

const APP_TIMEOUT = /timed? ?out|timeout/i;

/** Who closed `s` and why (for the app error `err` when given), and what that verdict claims: the caller
 *  that keeps the verdict applies them (claims.ts). */
export function decideSession(store: Store, s: Session, cfg: CorrelateSettings, err?: AppError): Decision<Verdict> {
  const claims: Claim[] = [];
  const verdict = decide(store, s, cfg, err, claims);
  if (verdict.at === undefined) verdict.at = s.end;
  return { verdict, claims };
}

function decide(store: Store, s: Session, cfg: CorrelateSettings, err: AppError | undefined, claims: Claim[]): Verdict {
  const inst = store.instances.get(s.server);
  const th = threadFor(store, s, cfg, err?.threadId);
  if (th) claims.push({ kind: 'thread', thread: th, session: s });
  const evidence: Evidence[] = [s.ev];
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
  const mysqlFirst = (base: number): Verdict | undefined => {
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
  };
  const appHint = (): Verdict | undefined => {
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
  };
  switch (c0) {
    case 'K': {
      for (const h of store.haEvents.range(s.end - 5000 - cfg.skew, s.end + cfg.skew)) {
        if (h.type === 'hard_stop' && (h.pid === undefined || s.pid === undefined || h.pid === s.pid)) {
          evidence.push(h.ev);
          return verdict(
            'haproxy_hard_stop',
            0.95,
            `the old HAProxy process (pid ${s.pid ?? '?'}) hit hard-stop-after after a reload and killed the session (${s.state})`,
            evidence,
          );
        }
      }
      return verdict(
        'haproxy_admin_kill',
        0.9,
        `HAProxy killed the session (${s.state}): runtime API \`shutdown session(s)\` or equivalent`,
        evidence,
      );
    }
    case 'D': {
      const m = mysqlFirst(0.8);
      if (m) return m;
      let down: Evidence | undefined;
      for (const h of store.haEvents.range(s.end - 3000 - cfg.skew, s.end + cfg.skew + 1000))
        if (h.type === 'down' && (!h.server || h.server === s.server)) {
          down = h.ev;
        }
      if (down) evidence.push(down);
      return verdict(
        'haproxy_server_down',
        down ? 0.95 : 0.85,
        `HAProxy marked ${s.backend}/${s.server} DOWN and shut its sessions (on-marked-down shutdown-sessions)`,
        evidence,
      );
    }
    case 'U':
      return verdict(
        'haproxy_server_down',
        0.6,
        `HAProxy shut the session on a backup server because an active one came UP (${s.state})`,
        evidence,
      );
    case 'c': {
      const m = mysqlFirst(0.85);
      if (m) return m;
      const ab = orphan ?? abortedNear(inst, th, s, cfg, claims);
      if (ab) evidence.push(ab.ev);
      return verdict(
        'haproxy_timeout_client',
        ab ? 0.95 : 0.9,
        `HAProxy's \`timeout client\` expired (${s.state}) after ${fmtMs(idleOf(s, th))} without traffic`,
        evidence,
      );
    }
    case 's': {
      if (killed && killed.t < s.end - 1000) return mysqlFirst(0.85)!;
      const ab = orphan ?? abortedNear(inst, th, s, cfg, claims);
      if (ab) evidence.push(ab.ev);
      return verdict(
        'haproxy_timeout_server',
        ab ? 0.95 : 0.9,
        `HAProxy's \`timeout server\` expired (${s.state})${ab?.reason === 'error_writing' ? ' while the server was still executing a query' : ''}`,
        evidence,
      );
    }
    case 'S': {
      const m = mysqlFirst(0.85);
      if (m) return m;
      const ab = orphan ?? abortedNear(inst, th, s, cfg, claims);
      if (ab) {
        evidence.push(ab.ev);
        if (ab.reason === 'timeout_reading')
          return withAt(
            ab.t,
            'mysql_wait_timeout',
            0.95,
            `${s.server} closed the idle connection: wait_timeout ("Got timeout reading communication packets")`,
            evidence,
          );
        if (ab.reason === 'packet_too_large')
          return withAt(
            ab.t,
            'mysql_max_allowed_packet',
            0.95,
            `${s.server} refused a packet bigger than max_allowed_packet and closed the connection`,
            evidence,
          );
        if (ab.reason === 'killed')
          return withAt(ab.t, 'mysql_kill', 0.85, `${s.server} logged the connection as KILLED`, evidence);
        if (ab.reason === 'error_reading' || ab.reason === 'error_writing')
          return withAt(
            ab.t,
            'network_reset',
            0.6,
            `both sides saw the connection fail (HAProxy ${s.state}, ${s.server} "${ab.reason.replace('_', ' ')}"): a reset between them`,
            evidence,
          );
      }
      const h = appHint();
      if (h) return h;
      if (s.state[1] === 'C')
        return verdict(
          'unknown',
          0.3,
          `${s.server} refused the connection (${s.state}): a connect failure, not a dead connection`,
          evidence,
          'mysql',
        );
      // wait_timeout is at least 1 s (MySQL/MariaDB minimum) of idleness, so a session the server
      // closed sooner after the accept was not idle-closed: too many connections, an auth or host
      // block, or an oversized first query, and no line here says which
      if (s.end - s.accept < 1000)
        return verdict(
          'unknown',
          0.3,
          `${s.server} closed the session ${fmtMs(s.end - s.accept)} after the accept (${s.state}): too soon for wait_timeout (≥ 1 s), and no MySQL log line names the reason`,
          evidence,
          'mysql',
        );
      return verdict(
        'mysql_wait_timeout',
        0.55,
        `the server side closed the session (${s.state}) and no MySQL log line names the reason; an idle close by the server is most often wait_timeout`,
        evidence,
      );
    }
    case 'C': {
      if (!err)
        return verdict(
          'app_closed',
          0.8,
          `the client closed the connection without COM_QUIT (${s.state}): process exit, crash or its own timeout`,
          evidence,
        );
      if (APP_TIMEOUT.test(err.message))
        return verdict(
          'app_closed',
          0.7,
          `the app's own read/write timeout closed the connection (${s.state})`,
          evidence,
        );
      return verdict(
        'network_reset',
        0.6,
        `the client side of the session was reset (${s.state}) although the app did not close it`,
        evidence,
      );
    }
    case '-': {
      const m = mysqlFirst(0.9);
      if (m) return m;
      const h = appHint();
      if (h) return h;
      const ab = orphan ?? abortedOf(inst, th, claims);
      if (ab) {
        evidence.push(ab.ev);
        if (ab.reason === 'timeout_reading')
          return withAt(
            ab.t,
            'mysql_wait_timeout',
            0.8,
            'MySQL logged "Got timeout reading communication packets" for the thread: wait_timeout',
            evidence,
          );
        if (ab.reason === 'packet_too_large')
          return withAt(
            ab.t,
            'mysql_max_allowed_packet',
            0.85,
            'MySQL logged a packet bigger than max_allowed_packet for the thread',
            evidence,
          );
      }
      // The app process died or dropped its socket without COM_QUIT: the kernel's FIN looks like a
      // normal close to HAProxy (`--`), MySQL says the client vanished (lab 11: SIGKILLed workers).
      if (!err && ab && ab.reason === 'error_reading' && ab.t >= s.end - cfg.skew - 1000 && ab.t <= s.end + cfg.skew) {
        return withAt(
          ab.t,
          'app_closed',
          0.7,
          `the client closed without COM_QUIT: HAProxy saw a normal close (${s.state}), ${s.server} "Got an error reading communication packets" and no Quit`,
          evidence,
        );
      }
      if (!err) return verdict('unknown', 0.2, 'normal termination', evidence, 'unknown');
      return verdict(
        'unknown',
        0.3,
        `HAProxy logged a normal close (${s.state}) at the time of the error: the server side closed first, and no MySQL log says why (KILL at log_warnings<4 without a general log, restart without an error log?)`,
        evidence,
        'mysql',
      );
    }
    default:
      return verdict(
        'unknown',
        0.4,
        `HAProxy ended the session itself (${s.state}): ${(s.termination as { description?: string } | undefined)?.description ?? decodeTermination(s.state).description}`,
        evidence,
        'haproxy',
      );
  }
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
  for (const a of inst.aborted.range(s.accept - cfg.skew - 1000, s.end + cfg.skew))
    if (!a.claimed && a.reason === 'killed' && !a.byShutdown) return true;
  return false;
}
