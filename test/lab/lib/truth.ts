// Ground truth of a lab scenario, computed ONLY from the apps' own bookkeeping (ConnRecord/AppErrorRecord,
// reported on their stdout) and the orchestrator's injection journal plus the configured timeouts — never from
// the logs under test (docs/lab-findings.md §1). Pure: no I/O, no clock, so it is unit-tested without components.
//
// Model: every way a connection can die becomes a timed *candidate* (a timer that fires during an idle gap,
// a KILL of its thread, a shutdown of its replica, ...). The earliest candidate before the app ended the
// connection is its closure: the TRUE initiator, whatever HAProxy's state letters later say (docs/lab-findings.md §3,
// scenario 06:
// a restart victim logged `D-` is still mysql_shutdown). Validation then requires every app error to belong
// to exactly one such closure, without a near-tie with a second cause.
import {
  terminatorOf,
  type AppErrorRecord,
  type Cause,
  type Closure,
  type ConnRecord,
  type GroundTruthError,
  type JournalEntry,
  type SilentClosure,
} from './types.js';

export const DEFAULT_WAIT_TIMEOUT_S = 28800;
export const DEFAULT_MAX_ALLOWED_PACKET = 16 * 1024 * 1024;
/** two causes closer than this on one connection cannot be told apart by the lab itself: a scenario bug */
export const NEAR_TIE_MS = 400;
/** an app may log a little before our estimate of the closure instant (timer jitter, poll delay) */
export const EARLY_TOLERANCE_MS = 300;
/** a Node (mysql2) connection reads its socket, so it must report a closure this soon (docs/lab-findings.md §3,
 * scenario 01) */
const NODE_REPORT_MS = 1500;

export interface Candidate extends Closure {
  why: string;
  source?: number;
}

interface HaproxyParams {
  pid: number;
  backend: string;
  tc: number;
  ts: number;
  onMarkedDown: boolean;
  hardStopAfter: number | null;
}

/** The HAProxy process that accepted the connection (the last start/reload before it) and the timeouts of the
 *  frontend/backend pair it came through. */
export function haproxyFor(openedMs: number, journal: JournalEntry[], frontendPort: number): HaproxyParams | undefined {
  let p: HaproxyParams | undefined;
  for (const e of journal) {
    if (e.t > openedMs) break;
    if (e.kind !== 'haproxy_start' && e.kind !== 'haproxy_reload') continue;
    const fe = e.frontends.find((f) => f.port === frontendPort);
    p = {
      pid: e.kind === 'haproxy_start' ? e.pid : e.new_pid,
      backend: fe?.backend ?? 'mariadb_replicas',
      tc: fe?.timeout_client_ms ?? e.timeout_client_ms,
      ts: fe?.timeout_server_ms ?? e.timeout_server_ms,
      onMarkedDown: e.on_marked_down,
      hardStopAfter: e.hard_stop_after_ms,
    };
  }
  return p;
}

/** GLOBAL value of a variable when a session started (sessions copy globals at connect; a restart resets them). */
export function globalAt(
  journal: JournalEntry[],
  instance: string,
  variable: 'wait_timeout' | 'max_allowed_packet',
  t: number,
  dflt: number,
): number {
  let v = dflt;
  for (const e of journal) {
    if (e.t > t) break;
    if (e.kind === 'mysql_start' && e.instance === instance) v = dflt;
    if (e.kind === 'mysql_set_global' && e.instance === instance && e.variable === variable) v = e.value;
  }
  return v;
}

const SET_SESSION_WAIT = /^\s*set\s+(?:session\s+|@@session\.|local\s+)?wait_timeout\s*=\s*(\d+)\s*;?\s*$/i;

function cand(cause: Cause, at: number, injected: number, why: string, source?: number): Candidate {
  return {
    cause,
    terminated_by: terminatorOf(cause),
    closed_at_ms: Math.round(at),
    injected_at_ms: Math.round(injected),
    why,
    source,
  };
}

/** All the ways the model says `c` could have been closed, unsorted. `problems` collects borderline timers. */
export function candidatesFor(c: ConnRecord, journal: JournalEntry[], problems: string[]): Candidate[] {
  const out: Candidate[] = [];
  const hp = haproxyFor(c.opened_ms, journal, c.frontend_port);
  if (!hp) {
    problems.push(`${c.key}: no HAProxy process was running when it connected`);
    return out;
  }
  let wait = globalAt(journal, c.instance, 'wait_timeout', c.opened_ms, DEFAULT_WAIT_TIMEOUT_S) * 1000;
  const maxPacket = globalAt(journal, c.instance, 'max_allowed_packet', c.opened_ms, DEFAULT_MAX_ALLOWED_PACKET);
  const net = c.ops.filter((o) => !o.dead);
  const connect = net[0];
  if (!connect || connect.op !== 'connect' || !connect.ok) return out;

  // Idle gap timers (docs/lab-findings.md §3, scenario 01: HAProxy restarts its inactivity timers at the last byte
  // either way;
  // 03: wait_timeout counts from the end of the last statement).
  const gap = (from: number, to: number): void => {
    const timers: Array<[Cause, number]> = [
      ['haproxy_timeout_client', hp.tc],
      ['haproxy_timeout_server', hp.ts],
      ['mysql_wait_timeout', wait],
    ];
    for (const [cause, ms] of timers) {
      const fire = from + ms;
      if (Math.abs(fire - to) < NEAR_TIE_MS)
        problems.push(`${c.key}: ${cause} would fire ${fire - to} ms from the next use: borderline`);
      if (fire < to) out.push(cand(cause, fire, from, `idle ${to - from} ms > ${ms} ms`));
    }
  };
  let last = connect.t1;
  for (const o of net.slice(1)) {
    gap(last, o.t0);
    if (o.op === 'query' && o.sleep_ms !== undefined && o.sleep_ms > hp.ts) {
      // docs/lab-findings.md §3, scenario 02: a statement longer than timeout server is interrupted at start + timeout
      // server
      out.push(
        cand(
          'haproxy_timeout_server',
          o.t0 + hp.ts,
          o.t0,
          `select sleep ${o.sleep_ms} ms > timeout server ${hp.ts} ms`,
        ),
      );
    }
    if (o.op === 'query' && o.ok && o.t1 - o.t0 > hp.tc) {
      // docs/lab-findings.md §3, scenario 01: the long query succeeds, HAProxy closes right after forwarding its result
      out.push(cand('haproxy_timeout_client', o.t1, o.t0, `query of ${o.t1 - o.t0} ms > timeout client ${hp.tc} ms`));
    }
    if (o.op === 'big' && (o.bytes ?? 0) > maxPacket) {
      out.push(
        cand('mysql_max_allowed_packet', o.t0, o.t0, `${o.bytes} byte statement > max_allowed_packet ${maxPacket}`),
      );
    }
    const m = o.op === 'query' && o.ok ? SET_SESSION_WAIT.exec(o.sql ?? '') : null;
    if (m) wait = Number(m[1]) * 1000;
    last = o.t1;
    // the app saw the connection fail: later gaps are dead air, not candidates
    if (!o.ok) break;
  }
  if (c.end?.how === 'sigkill' && net.every((o) => o.ok)) gap(last, c.end.t);

  journal.forEach((e, i) => {
    if (e.t < c.opened_ms) return;
    switch (e.kind) {
      case 'mysql_kill':
        if (e.instance === c.instance && e.thread_id === c.thread_id)
          out.push(cand('mysql_kill', e.t_done, e.t, `KILL ${e.thread_id} on ${e.instance}`, i));
        break;
      case 'mysql_shutdown':
      case 'mysql_crash':
        if (e.instance === c.instance) out.push(cand(e.kind, e.t, e.t, `${e.kind} of ${e.instance}`, i));
        break;
      case 'server_state':
        // every backend's servers `track` mariadb_replicas' ones, so one DOWN applies to all backends
        if (e.state === 'DOWN' && e.server === c.instance && e.pid === hp.pid && hp.onMarkedDown) {
          const broken = [...journal.slice(0, i)]
            .reverse()
            .find((b) => b.kind === 'health_check_broken' && b.instance === c.instance);
          out.push(
            cand(
              'haproxy_server_down',
              e.t,
              broken?.t ?? e.t,
              `${e.server} marked DOWN with on-marked-down shutdown-sessions`,
              i,
            ),
          );
        }
        break;
      case 'haproxy_shutdown_session':
        if (e.target === c.key) out.push(cand('haproxy_admin_kill', e.t, e.t, `shutdown session ${e.session}`, i));
        break;
      case 'haproxy_shutdown_sessions_server':
        if (e.server === c.instance && e.pid === hp.pid && e.backend === hp.backend)
          out.push(cand('haproxy_admin_kill', e.t, e.t, `shutdown sessions server ${e.server}`, i));
        break;
      case 'haproxy_exited': {
        const reload = journal.find((r) => r.kind === 'haproxy_reload' && r.old_pid === e.pid);
        if (e.pid === hp.pid && reload && hp.hardStopAfter !== null)
          out.push(cand('haproxy_hard_stop', e.t, reload.t, `old HAProxy ${e.pid} hard-stopped after reload`, i));
        break;
      }
      case 'app_sigkill':
        if (e.lane === c.lane && c.end?.how === 'sigkill' && c.end.t === e.t)
          out.push(cand('app_closed', e.t, e.t, `SIGKILL of ${e.lane}`, i));
        break;
      case 'network_reset':
        if (e.target === c.key)
          out.push(cand('network_reset', e.t, e.t, `ss -K on the HAProxy-MariaDB socket ${e.backend_port}`, i));
        break;
      default:
        break;
    }
  });
  return out;
}

export interface ConnVerdict {
  conn: ConnRecord;
  closure?: Candidate;
  runnerUp?: Candidate;
}

/** The earliest candidate before the app itself ended the connection (close/exit op), or none (clean). */
export function closureOf(c: ConnRecord, journal: JournalEntry[], problems: string[]): ConnVerdict {
  let appEnd = c.ops.find((o, i) => i > 0 && (o.op === 'close' || o.op === 'exit') && !o.dead)?.t0 ?? Infinity;
  // a failed operation proves the closure came before its reply, even when our estimate of the closure instant
  // is a few ms late and the app closed right after the error (same millisecond)
  const failed = c.ops.find((o) => !o.ok && !o.dead && o.op !== 'close' && o.op !== 'exit');
  if (failed) appEnd = Math.max(appEnd, failed.t1 + EARLY_TOLERANCE_MS);
  const valid = candidatesFor(c, journal, problems)
    .filter((k) => k.cause === 'app_closed' || k.closed_at_ms < appEnd)
    .sort((a, b) => a.closed_at_ms - b.closed_at_ms);
  const [closure, runnerUp] = valid;
  return { conn: c, closure, runnerUp };
}

export interface TruthResult {
  app_errors: GroundTruthError[];
  silent_closures: SilentClosure[];
  problems: string[];
  verdicts: ConnVerdict[];
}

export function computeTruth(conns: ConnRecord[], errors: AppErrorRecord[], journal: JournalEntry[]): TruthResult {
  const problems: string[] = [];
  const sortedJournal = [...journal].sort((a, b) => a.t - b.t);
  const verdicts = conns.map((c) => closureOf(c, sortedJournal, problems));
  const byKey = new Map(verdicts.map((v) => [v.conn.key, v]));
  const app_errors: GroundTruthError[] = [];
  const erroredConns = new Set<string>();

  for (const v of verdicts) {
    const { conn: c, closure, runnerUp } = v;
    if (!closure) continue;
    if (runnerUp && runnerUp.closed_at_ms - closure.closed_at_ms < NEAR_TIE_MS) {
      problems.push(
        `${c.key}: ambiguous closure, ${closure.cause} (${closure.why}) and ${runnerUp.cause} (${runnerUp.why}) within ${runnerUp.closed_at_ms - closure.closed_at_ms} ms`,
      );
    }
    for (const o of c.ops) {
      if (o.ok && o.op !== 'close' && o.op !== 'exit' && !o.dead && o.t0 > closure.closed_at_ms + EARLY_TOLERANCE_MS) {
        problems.push(
          `${c.key}: ${o.op} at ${o.t0} succeeded although the model closed the connection at ${closure.closed_at_ms} (${closure.cause})`,
        );
      }
    }
  }

  for (const e of errors) {
    const where = `${e.file}@${e.offset} (${e.lane} ${e.code})`;
    const v = e.conn_key ? byKey.get(e.conn_key) : undefined;
    if (!v) {
      problems.push(`${where}: app error on no known connection (${e.message})`);
      continue;
    }
    if (!v.closure) {
      problems.push(`${where}: unexplained, no injection closed ${v.conn.key}`);
      continue;
    }
    if (e.t_ms < v.closure.closed_at_ms - EARLY_TOLERANCE_MS) {
      problems.push(
        `${where}: logged at ${e.t_ms}, ${v.closure.closed_at_ms - e.t_ms} ms before its closure by ${v.closure.cause}`,
      );
    }
    erroredConns.add(v.conn.key);
    const c = v.conn;
    app_errors.push({
      file: e.file,
      offset: e.offset,
      code: e.code,
      cause: v.closure.cause,
      terminated_by: v.closure.terminated_by,
      client_local_port: c.local_port,
      mysql_instance: c.instance,
      mysql_thread_id: c.thread_id,
      closed_at_ms: v.closure.closed_at_ms,
      injected_at_ms: v.closure.injected_at_ms,
      app: e.app,
      lane: e.lane,
      t_ms: e.t_ms,
      message: e.message,
      haproxy_backend_source_port: c.backend_port,
    });
  }

  const silent_closures: SilentClosure[] = [];
  for (const { conn: c, closure } of verdicts) {
    if (!closure || erroredConns.has(c.key)) continue;
    const appEnd = c.end?.t ?? Infinity;
    if (c.app === 'node' && closure.cause !== 'app_closed' && appEnd - closure.closed_at_ms > NODE_REPORT_MS) {
      problems.push(
        `${c.key}: mysql2 reads its socket but logged nothing for ${closure.cause} at ${closure.closed_at_ms}`,
      );
    }
    silent_closures.push({
      cause: closure.cause,
      terminated_by: closure.terminated_by,
      closed_at_ms: closure.closed_at_ms,
      injected_at_ms: closure.injected_at_ms,
      client_local_port: c.local_port,
      mysql_instance: c.instance,
      mysql_thread_id: c.thread_id,
      app: c.app,
      lane: c.lane,
    });
  }

  // A targeted injection that closed nothing means the scenario hit the wrong (or an already dead) connection.
  const used = new Set(verdicts.map((v) => v.closure?.source).filter((s) => s !== undefined));
  sortedJournal.forEach((e, i) => {
    if (
      (e.kind === 'mysql_kill' ||
        e.kind === 'haproxy_shutdown_session' ||
        e.kind === 'network_reset' ||
        e.kind === 'app_sigkill') &&
      !used.has(i)
    ) {
      problems.push(`journal #${i} ${e.kind} closed no live connection`);
    }
  });

  app_errors.sort((a, b) => (a.file === b.file ? a.offset - b.offset : a.file < b.file ? -1 : 1));
  return { app_errors, silent_closures, problems, verdicts };
}
