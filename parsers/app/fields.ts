/**
 * Language-neutral field extraction from a record's text: connection keys for the correlator
 * (app.db: local port = HAProxy %cp, thread id = MySQL thread, docs/lab-findings.md §5) and the SQL statement.
 * All regexes are anchored on rare literal keys, run only on records already detected as lost-connection
 * errors (never on noise).
 */
import { toInt, toPort, type DbInfo } from './model.js';

const LOCAL_PORT = /\b(?:local_?port|localPort|client_?port|clientPort|src_port|sport)["']?\s*[:=]\s*["']?(\d{1,5})\b/;
const THREAD_ID =
  /\b(?:thread_?id|threadId|connection_?id|connectionId|conn_?id|connId|mysql_thread_id)["']?\s*[:=]\s*["']?(\d{1,12})\b/;
// MariaDB Connector/J's message prefix `(conn=123)`, and Connector/Node.js's `(conn:908, no: 1153, SQLState: …)` or
// `(conn=53, no: …)` (docs/client-errors.md §3, §5); `conn:-1` is a connect that never got a thread id
const MARIADB_CONN = /\(conn[=:](\d{1,12})[,)]/;
const LARAVEL_HOST = /\bHost: ([^,\s)]+), Port: (\d{1,5})\b/; // Laravel ≥ 12.45 (docs/client-errors.md §1)
const LOST_AT = /Lost connection to (?:MySQL )?server at '([^':\s]+):(\d{1,5})'/; // 2055 / connector-python
const GO_TCP = /\b(?:read|write) tcp (\S+):(\d{1,5})->(\S+):(\d{1,5})\b/; // go net.OpError (docs/client-errors.md §4)
// Connector/J ServerPacketTimingInfo; MessageFormat groups digits by locale (`30,035`, `30.035`, `30 035`)
const LAST_RECEIVED =
  /The last packet successfully received from the server was (\d[\d,.\u00a0\u202f ]{0,18}) milliseconds? ago/;
const JDBC_URL = /jdbc:(?:mysql|mariadb):(?:\/\/|[a-z:]*\/\/)([^:/,\s?]+)(?::(\d{1,5}))?/;

/** Connection keys from free text; `into` (already filled, e.g. from JSON) wins field by field. */
export function dbFromText(text: string, into: DbInfo = {}): DbInfo {
  const db: DbInfo = { ...into };
  if (db.local_port === undefined) {
    const m = LOCAL_PORT.exec(text);
    if (m) db.local_port = toPort(m[1]);
  }
  if (db.thread_id === undefined) {
    const m = THREAD_ID.exec(text) ?? MARIADB_CONN.exec(text);
    if (m) db.thread_id = toInt(m[1]);
  }
  if (db.host === undefined) {
    let m = LARAVEL_HOST.exec(text) ?? LOST_AT.exec(text);
    if (m) {
      db.host = m[1];
      db.port ??= toPort(m[2]);
    } else if ((m = GO_TCP.exec(text))) {
      db.local_port ??= toPort(m[2]);
      db.host = m[3]!.replace(/^\[|\]$/g, '');
      db.port ??= toPort(m[4]);
    } else if ((m = JDBC_URL.exec(text))) {
      db.host = m[1];
      if (m[2]) db.port ??= toPort(m[2]);
    }
  }
  if (db.last_received_ms === undefined) {
    const m = LAST_RECEIVED.exec(text);
    if (m) db.last_received_ms = toInt(m[1]!.replace(/\D/g, ''));
  }
  return db;
}

export function dbIsEmpty(db: DbInfo): boolean {
  return (
    db.local_port === undefined &&
    db.thread_id === undefined &&
    db.host === undefined &&
    db.port === undefined &&
    db.last_received_ms === undefined
  );
}

/** Drop undefined members (documents stay small and deepEqual-friendly). */
export function compact<T extends object>(o: T): T {
  const r: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) r[k] = v;
  return r as T;
}

/** A statement after `: ` (or at the start) in a message, its keyword in capitals: as apps log them. */
const UPPER_STATEMENT = /(?:: |^)((?:SELECT|INSERT|UPDATE|DELETE|REPLACE|WITH|CALL) .+)$/;
/** a table or column name, plain, `quoted` or qualified */
const NAME = '(?:`[^`]+`|[a-z_][\\w$]*)(?:\\.(?:`[^`]+`|[a-z_][\\w$]*))*';
/** the clauses that may follow `from NAME`: with them a bare alias is a statement's, not prose's ("from the menu") */
const CLAUSE = '(?:where|join|left|right|inner|cross|natural|limit|order|group|having|union|for|lock)\\b';
const FROM_TAIL = `(?:(?:\\s+as)?\\s+\\w+\\s+${CLAUSE}|(?:\\s+as\\s+\\w+)?\\s*(?:$|[;,)]|${CLAUSE}))`;
/**
 * The same in any case, with what makes the keyword a statement and not a word of prose ("select a plan", "update
 * available", "delete failed"): `select` with `*`, a number, a variable, a function call or a list of names then
 * `from` a name that a clause or the end follows; `insert`/`replace … into`, `update NAME set`, `delete … from`,
 * `with NAME as (`, `call NAME(`.
 */
const ANY_CASE_STATEMENT = new RegExp(
  '(?:: |^)((?:' +
    [
      `select\\s+(?:distinct\\s+)?(?:[*\\d@]|${NAME}\\s*\\(|${NAME}(?:\\s+as\\s+\\w+)?(?:\\s*,\\s*${NAME}(?:\\s+as\\s+\\w+)?)*\\s+from\\s+${NAME}${FROM_TAIL})`,
      '(?:insert|replace)\\s+(?:(?:ignore|low_priority|delayed|high_priority)\\s+)*into\\s',
      `update\\s+(?:(?:low_priority|ignore)\\s+)*${NAME}\\s+set\\s`,
      'delete\\s+(?:(?:low_priority|quick|ignore)\\s+)*from\\s',
      `with\\s+(?:recursive\\s+)?${NAME}\\s+as\\s*\\(`,
      `call\\s+${NAME}\\s*\\(`,
    ].join('|') +
    ').*)$',
  'i',
);

/**
 * The SQL carried by the record, with its position in `text` so the caller can redact it in place.
 * Forms: Laravel `(SQL: …)` / `(Connection: mysql, …, SQL: …)`, SQLAlchemy `[SQL: …]` (may span lines),
 * Spring `SQL [select …];`, Doctrine 2 `while executing '…' with params`, and, last, a statement after `: ` in a
 * log message (`report query failed: select …`, docs/lab-findings.md §3, scenario 01): in capitals, or in any
 * case when it is shaped as one (ANY_CASE_STATEMENT).
 */
export function sqlFromText(
  text: string,
  firstLineEnd: number,
): { sql: string; start: number; end: number } | undefined {
  let i = text.indexOf('(SQL: ');
  let j = -1;
  if (i < 0) {
    const c = text.indexOf('(Connection: ');
    if (c >= 0) {
      const s = text.indexOf(' SQL: ', c);
      const eol = text.indexOf('\n', c);
      if (s > 0 && (eol < 0 || s < eol)) i = s;
    }
  }
  if (i >= 0) {
    const start = i + 6;
    let eol = text.indexOf('\n', start);
    if (eol < 0) eol = text.length;
    // the statement ends at the paren closing "(SQL: " / "(Connection: ", before Monolog's context JSON
    const ctx = text.indexOf(' {"', start);
    const lim = ctx > 0 && ctx < eol ? ctx : eol;
    j = text.lastIndexOf(')', lim);
    // only in Laravel's context string: "(…, SQL: select 1) at /app/…/Connection.php:825)"
    const at = /\) at \/\S+:\d+$/.exec(text.slice(start, j));
    if (at) j = start + at.index;
    if (j > start) return { sql: text.slice(start, j), start, end: j };
  }
  i = text.indexOf('\n[SQL: ');
  if (i >= 0) {
    const start = i + 7;
    let end = -1;
    for (const tail of [']\n[parameters:', ']\n(Background on this error', ']\n']) {
      end = text.indexOf(tail, start);
      if (end >= 0) break;
    }
    if (end < 0 && text.endsWith(']')) end = text.length - 1;
    if (end > start) return { sql: text.slice(start, end), start, end };
  }
  i = text.indexOf('; SQL [');
  if (i >= 0) {
    const start = i + 7;
    const end = text.indexOf('];', start);
    if (end > start) return { sql: text.slice(start, end), start, end };
  }
  i = text.indexOf(" while executing '");
  if (i >= 0) {
    const start = i + 18;
    const end = text.indexOf("' with params", start);
    if (end > start) return { sql: text.slice(start, end), start, end };
  }
  const head = text.slice(0, firstLineEnd);
  const m = UPPER_STATEMENT.exec(head) ?? ANY_CASE_STATEMENT.exec(head);
  if (m) {
    const start = m.index + m[0].length - m[1]!.length;
    return { sql: m[1]!.trimEnd(), start, end: start + m[1]!.trimEnd().length };
  }
  return undefined;
}
