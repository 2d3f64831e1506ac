/**
 * Typed MySQL/MariaDB error-log messages: the ones that tell who closed a connection
 * (docs/documents.md "MySQL error": mysql.error_type + its sub-object).
 *
 * Input is the message BODY: the text after `[Level] ` and, for MySQL 8, after `[MY-xxxxxx] [Subsystem] `.
 * Every rule starts with a cheap `startsWith`/`indexOf` on a fixed phrase; regexes only run on lines
 * that already passed it (most lines of a real error log are InnoDB/plugin notes that match nothing).
 * The fields of the Aborted and packet messages are read in message-fields.ts, reason texts in reason-code.ts.
 */
import { localizedAborted, localizedAccessDenied } from './localized.js';
import { parseAborted, parsePacketError } from './message-fields.js';
import { reasonCode } from './reason-code.js';

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

export type { ReasonCode } from './reason-codes.js';

/** The `mysql` sub-document fields this module fills. */
export interface TypedMessage {
  error_type: ErrorType;
  [key: string]: unknown;
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
