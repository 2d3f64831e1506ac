/**
 * Typed MySQL/MariaDB error-log messages: the ones that tell who closed a connection
 * (docs/documents.md "MySQL error": mysql.error_type + its sub-object).
 *
 * Input is the message BODY: the text after `[Level] ` and, for MySQL 8, after `[MY-xxxxxx] [Subsystem] `.
 * Every rule starts with a cheap `startsWith`/`indexOf` on a fixed phrase; regexes only run on lines
 * that already passed it (most lines of a real error log are InnoDB/plugin notes that match nothing).
 */
import { localizedAborted, localizedAccessDenied, localizedReason } from './localized.js';

export type ErrorType =
  | 'aborted_connection'
  | 'connection_killed'
  | 'packet_error'
  | 'net_error'
  | 'access_denied'
  | 'shutdown'
  | 'shutdown_complete'
  | 'ready'
  | 'starting'
  | 'crash_recovery'
  | 'signal'
  | 'forcing_close'
  | 'connection_refused'
  | 'other';

export type { ReasonCode } from './reason-code.js';
import type { ReasonCode } from './reason-code.js';

/** The `mysql` sub-document fields this module fills. */
export interface TypedMessage {
  error_type: ErrorType;
  [key: string]: unknown;
}

/**
 * Server reason text → reason_code. Texts are errmsg entries 1153-1161 (docs/mysql-logs.md §2.4) plus
 * `KILLED` and the reasons of MariaDB's close_connection() (sql/mysqld.cc): the errmsg text of the
 * error it refuses the connection with (ER_CON_COUNT_ERROR `Too many connections`, ER_OUT_OF_RESOURCES
 * `Out of memory; …`), else `This connection closed normally[ without authentication]` (the second one
 * at log_warnings ≥ 2, docs/lab-findings.md §3, log_warnings matrix; the first, an authenticated client's clean
 * close, only at log_warnings ≥ 4). Prefix tests so that texts cut by `%-.64s` still classify.
 */
export function reasonCode(reason: string): ReasonCode {
  if (reason === 'KILLED') return 'killed';
  if (reason.startsWith('Got ')) {
    if (reason.startsWith('Got timeout reading')) return 'timeout_reading';
    if (reason.startsWith('Got an error reading')) return 'error_reading';
    if (reason.startsWith('Got an error writing')) return 'error_writing';
    if (reason.startsWith('Got timeout writing')) return 'timeout_writing';
    if (reason.startsWith('Got a packet bigger')) return 'packet_too_large';
  }
  if (reason.startsWith('This connection closed normally')) {
    return reason.startsWith(' without auth', 31) ? 'closed_unauthenticated' : 'closed_normally';
  }
  if (reason === 'Too many connections') return 'too_many_connections';
  // the binlog dump thread's own reasons: MySQL's Binlog_sender could not write to its reader (a replica, canal,
  // Debezium): `set_unknown_error("Failed on my_net_write()")`, `"failed on flush_net()"` (alibaba/canal#3730)
  if (/^[Ff]ailed on (?:my_net_write|flush_net)\(\)/.test(reason)) return 'error_writing';
  if (reason.startsWith('Out of memory')) return 'out_of_memory';
  return localizedReason(reason);
}

// A thread column above 2^32 is an OS thread id (MariaDB ≤10.2, docs/mysql-logs.md §2.1), never a connection id.
const MAX_CONNECTION_ID = 4294967295;

/**
 * `Aborted connection %u to db: '<db>' user: '<user>' host: '<host>'[ real ip: '<ip>'] (<reason>)[.]`
 * (ER_NEW_ABORTING_CONNECTION / MY-010914 with trailing `.`; old ER_ABORTING_CONNECTION has no host;
 * MariaDB MDEV-33506 adds `real ip`). Quote-delimited by the fixed labels, not by `'`, because
 * printf does not escape quotes inside names. A reason cut at 64 chars (no `)`) still gives a record.
 */
export function parseAborted(body: string, threadCol: number | undefined): Record<string, unknown> | undefined {
  let idEnd = body.indexOf(' ', 19);
  if (idEnd < 0) idEnd = body.length;
  const victim = Number(body.slice(19, idEnd));
  if (!Number.isInteger(victim)) return undefined;
  const out: Record<string, unknown> = { thread_id: victim };
  let p = idEnd;
  const dbAt = body.indexOf(" to db: '", p - 1);
  const userAt = body.indexOf("' user: '", dbAt + 1);
  if (dbAt >= 0 && userAt > dbAt) {
    out.db = body.slice(dbAt + 9, userAt);
    p = userAt + 9;
    const hostAt = body.indexOf("' host: '", p);
    const parenAt = body.indexOf("' (", p);
    if (hostAt >= 0 && (parenAt < 0 || hostAt < parenAt)) {
      out.user = body.slice(p, hostAt);
      p = hostAt + 9;
      const ipAt = body.indexOf("' real ip: '", p);
      const hostEnd = body.indexOf("' (", p);
      if (ipAt >= 0 && (hostEnd < 0 || ipAt < hostEnd)) {
        out.host = body.slice(p, ipAt);
        out.real_ip = body.slice(ipAt + 12, hostEnd >= 0 ? hostEnd : undefined);
      } else {
        out.host = body.slice(p, hostEnd >= 0 ? hostEnd : undefined);
      }
      p = hostEnd >= 0 ? hostEnd + 1 : body.length;
    } else {
      out.user = body.slice(p, parenAt >= 0 ? parenAt : undefined);
      p = parenAt >= 0 ? parenAt + 1 : body.length;
    }
  }
  const open = body.indexOf(' (', p - 1);
  let reason = '';
  if (open >= 0) {
    const seg = body.slice(open + 2);
    const close = seg.lastIndexOf(')');
    reason = close >= 0 ? seg.slice(0, close) : seg;
  }
  out.reason = reason;
  const code = reasonCode(reason);
  out.reason_code = code;
  // docs/lab-findings.md §3, scenario 04/06: on MariaDB the (KILLED) line is written by the killer's thread; 0 =
  // shutdown.
  if (code === 'killed' && threadCol !== undefined) {
    if (threadCol === 0) out.by_shutdown = true;
    else if (threadCol !== victim && threadCol <= MAX_CONNECTION_ID) out.killer_thread_id = threadCol;
  }
  return out;
}

// `Could not read packet: fd: 47  state: 1  read_length: 4  errno: 11  vio_errno: 1158  length: 0` (docs/lab-
// findings.md
// 01/02/03);
// the write variant has no read_length. Leading space in each label so `errno` does not hit `vio_errno`.
const PACKET_FIELDS: ReadonlyArray<[string, string]> = [
  [' fd: ', 'fd'],
  [' state: ', 'state'],
  [' read_length: ', 'read_length'],
  [' errno: ', 'errno'],
  [' vio_errno: ', 'vio_errno'],
  [' length: ', 'length'],
];

function intAt(s: string, i: number): number | undefined {
  let p = i,
    v = 0;
  const neg = s.charCodeAt(p) === 45;
  if (neg) p++;
  const start = p;
  while (p < s.length && p - start < 16) {
    const c = s.charCodeAt(p) - 48;
    if (c < 0 || c > 9) break;
    v = v * 10 + c;
    p++;
  }
  return p === start ? undefined : neg ? -v : v;
}

function parsePacketError(body: string, direction: 'read' | 'write'): Record<string, unknown> {
  const out: Record<string, unknown> = { direction };
  let from = 21;
  for (const [label, key] of PACKET_FIELDS) {
    const at = body.indexOf(label, from);
    if (at < 0) continue;
    const v = intAt(body, at + label.length);
    if (v !== undefined) {
      out[key] = v;
      from = at + label.length;
    }
  }
  return out;
}

/** Drops MariaDB's `my_progname: ` prefix (`mariadbd: Connection was killed`, `/usr/sbin/mysqld: Normal shutdown`). */
function afterProgram(body: string): string {
  const colon = body.indexOf(': ');
  if (colon <= 0 || colon > 200) return body;
  const prog = body.slice(0, colon);
  if (prog.endsWith('mysqld') || prog.endsWith('mariadbd') || prog.endsWith('.exe')) return body.slice(colon + 2);
  return body;
}

const ACCESS_DENIED = /^Access denied for user '(.*)'@'([^']*)'(?: \(using password: (YES|NO)\))?/;
const READY_DETAILS = /Version: '([^']*)'\s+socket: '([^']*)'\s+port: (\d+)/;
const STARTING = /\((?:mysqld|server|mariadbd) ([^)\s]+)[^)]*\) starting as process (\d+)/;
const INITIATOR_USER = /^([^[\s]*)\[[^\]]*\] @ (\S*)/;
const SIGNAL = /(?:mysqld|mariadbd)(?:\.exe)? got (signal|exception) (\w+)/;
const UNIT_EXIT = /(?:mariadb|mysql)[\w@.-]*\.service: Main process exited, code=(\w+), status=(\d+)\/(\w+)/;
const OOM_KILL = /(?:Out of memory|Memory cgroup out of memory): Killed process (\d+) \((?:mariadbd|mysqld)\)/;
const FORCING_CLOSE = /Forcing close of thread (\d+)\s+user: '(.*?)'\.?$/;
// MariaDB ≥10.5 close_connections(): a connection still open after the shutdown's first kill phase
// is named, then closed by the second (sql/mysqld.cc warn_threads_active_after_phase_1)
const DID_NOT_EXIT = /^Thread (\d+) \(user : '(.*?)'\) did not exit/;
const LSN = /checkpoint LSN=(\d+)/;

function netError(reason: string): TypedMessage {
  const r = reason.endsWith('.') ? reason.slice(0, -1) : reason;
  return { error_type: 'net_error', net_error: { reason: r, reason_code: reasonCode(r) } };
}

/**
 * Classify a body. `text` is the whole record (continuation lines included) for details that
 * ≤5.7/MariaDB print on the next line (`Version: ... port: ...`), `threadCol` the line's thread column.
 */
export function classifyErrorMessage(
  body: string,
  text: string,
  code: string | undefined,
  threadCol: number | undefined,
): TypedMessage {
  const nl = body.indexOf('\n');
  if (nl >= 0) {
    const t = classifyLine(body.slice(0, nl), text, code, threadCol);
    // crash reports and InnoDB blocks put the telling line after the header line
    if (
      t.error_type === 'other' &&
      (body.includes('Starting crash recovery') || body.includes('Database was not shutdown normally'))
    )
      return crashRecovery(body);
    return t;
  }
  return classifyLine(body, text, code, threadCol);
}

function crashRecovery(body: string): TypedMessage {
  const m = LSN.exec(body);
  return { error_type: 'crash_recovery', crash_recovery: m ? { checkpoint_lsn: Number(m[1]) } : {} };
}

/** `body` is one line here */
function classifyLine(
  body: string,
  text: string,
  code: string | undefined,
  threadCol: number | undefined,
): TypedMessage {
  const c0 = body.charCodeAt(0);
  if (c0 === 65 /* A */) {
    if (body.startsWith('Aborted connection ')) {
      const a = parseAborted(body, threadCol);
      if (a) return { error_type: 'aborted_connection', aborted: a };
    } else if (body.startsWith('Access denied for user ')) {
      const m = ACCESS_DENIED.exec(body);
      if (m) {
        const ad: Record<string, unknown> = { user: m[1], host: m[2] };
        if (m[3]) ad.using_password = m[3] === 'YES';
        return { error_type: 'access_denied', access_denied: ad };
      }
    }
  }
  if (c0 === 67 /* C */ && body.startsWith('Could not ')) {
    if (body.startsWith('Could not read packet:'))
      return { error_type: 'packet_error', packet_error: parsePacketError(body, 'read') };
    if (body.startsWith('Could not write packet:'))
      return { error_type: 'packet_error', packet_error: parsePacketError(body, 'write') };
  }
  if (c0 === 84 /* T */ && body.startsWith('Too many connections')) {
    // Percona Server's warning for a connection refused at max_connections: no session was ever open
    return {
      error_type: 'connection_refused',
      connection_refused: { reason: 'Too many connections', reason_code: 'too_many_connections' },
    };
  }
  // the second line of ER_STARTUP's one message (`…: ready for connections.\nVersion: …`), seen alone
  if (c0 === 86 /* V */ && body.startsWith("Version: '")) {
    const m = READY_DETAILS.exec(body);
    if (m) return { error_type: 'ready', ready: { version: m[1], socket: m[2], port: Number(m[3]) } };
  }
  const core = afterProgram(body);
  if (core.startsWith('Got ') && core.includes(' packet')) return netError(core);
  if (core.startsWith('Connection was killed')) return { error_type: 'connection_killed' };
  if (core !== body && core.startsWith('Access denied for user ')) return classifyLine(core, text, code, threadCol);
  const byAt = body.indexOf('(initiated by: ');
  if (core.startsWith('Normal shutdown') || (byAt >= 0 && body.includes('): Normal shutdown', byAt))) {
    const sd: Record<string, unknown> = {};
    if (byAt >= 0) {
      const end = body.indexOf('): Normal shutdown', byAt);
      const by = body.slice(byAt + 15, end >= 0 ? end : undefined);
      sd.initiated_by = by;
      const u = INITIATOR_USER.exec(by);
      if (u) {
        sd.user = u[1];
        sd.host = u[2];
      }
    }
    return { error_type: 'shutdown', shutdown: sd };
  }
  if (code === 'MY-013172' || core.startsWith('Received SHUTDOWN from user ')) {
    const sd: Record<string, unknown> = {};
    const at = core.indexOf('from user ');
    if (at >= 0) {
      const end = core.indexOf('. Shutting down', at);
      sd.user = core.slice(at + 10, end >= 0 ? end : undefined);
    }
    return { error_type: 'shutdown', shutdown: sd };
  }
  if (core.startsWith('Shutdown complete') && !core.startsWith('Shutdown completed')) {
    const v = /\((?:mysqld|mariadbd) ([^)\s]+)/.exec(core);
    return { error_type: 'shutdown_complete', shutdown_complete: v ? { version: v[1] } : {} };
  }
  const readyAt = body.indexOf(': ready for connections');
  if (readyAt > 0 && !body.startsWith('X Plugin') && !body.startsWith('WSREP')) {
    const rd: Record<string, unknown> = {};
    const m = READY_DETAILS.exec(text);
    if (m) {
      rd.version = m[1];
      rd.socket = m[2];
      rd.port = Number(m[3]);
    }
    return { error_type: 'ready', ready: rd };
  }
  if (core.includes('starting as process ')) {
    const m = STARTING.exec(core);
    return { error_type: 'starting', starting: m ? { version: m[1], pid: Number(m[2]) } : {} };
  }
  // MariaDB ≥10.5: `Starting MariaDB 10.11.6-MariaDB-log source revision … as process 1`
  if (body.startsWith('Starting MariaDB ')) {
    const m = /^Starting MariaDB (\S+).*? as process (\d+)/.exec(body);
    return { error_type: 'starting', starting: m ? { version: m[1], pid: Number(m[2]) } : {} };
  }
  // mysqld_safe writes into the same file (docs/mysql-logs.md §2.2); `mysqld restarted` follows a crash
  if (body.startsWith('mysqld_safe Starting ')) return { error_type: 'starting', starting: {} };
  if (body.startsWith('mysqld_safe mysqld restarted')) return { error_type: 'starting', starting: { restarted: true } };
  if (body.includes('Starting crash recovery') || body.includes('Database was not shutdown normally'))
    return crashRecovery(body);
  if (core.includes(' got ')) {
    const m = SIGNAL.exec(core);
    if (m) {
      const sg: Record<string, unknown> = m[1] === 'signal' ? { number: Number(m[2]) } : { exception: m[2] };
      return { error_type: 'signal', signal: sg };
    }
  }
  // The journal around the server (`journalctl -u mariadb`): a kill -9, an OOM kill or a core dump
  // leaves no line of the server's own, only systemd's / the kernel's
  //   `mariadb.service: Main process exited, code=killed, status=9/KILL`
  //   `Out of memory: Killed process 812 (mariadbd) total-vm:…`
  if (core.includes('Main process exited, code=')) {
    const m = UNIT_EXIT.exec(core);
    if (m && m[1] !== 'exited')
      return { error_type: 'signal', signal: { number: Number(m[2]), name: m[3], by: 'systemd', code: m[1] } };
  }
  if (core.includes('Killed process ')) {
    const m = OOM_KILL.exec(core);
    if (m) return { error_type: 'signal', signal: { number: 9, name: 'KILL', by: 'oom_killer', pid: Number(m[1]) } };
  }
  if (code === 'MY-010909' || core.includes('Forcing close of thread ')) {
    const m = FORCING_CLOSE.exec(core);
    if (m) return { error_type: 'forcing_close', forcing_close: { thread_id: Number(m[1]), user: m[2] } };
  }
  if (core.startsWith('Thread ')) {
    const m = DID_NOT_EXIT.exec(core);
    if (m) return { error_type: 'forcing_close', forcing_close: { thread_id: Number(m[1]), user: m[2] } };
  }
  // the same messages in the server's lc_messages language (MariaDB, MySQL ≤ 5.7): localized.ts
  if (body.indexOf("'@'") >= 0) {
    const ad = localizedAccessDenied(body);
    if (ad) return { error_type: 'access_denied', access_denied: ad };
  }
  const ab = localizedAborted(body);
  if (ab) return { error_type: 'aborted_connection', aborted: ab };
  return { error_type: 'other' };
}
