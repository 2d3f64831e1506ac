/**
 * The table of "the MySQL connection died under the app" signatures (docs/client-errors.md §0–§7) and the
 * detector that maps a record's text to one normalised Detection (error.code / errno / class).
 *
 * Speed: every app-log line goes through `detectLost`; noise must be rejected before any per-signature
 * work, so PREFILTER (one alternation regex built from every needle below, so it can never miss a
 * signature the table knows) runs first. Measured ≈2.5M noise lines/s for the regex alone.
 *
 * What is deliberately NOT a lost connection (→ null):
 *  - connect failures: 2002/2003 refused/unreachable, 1045 Access denied, 1040 Too many connections,
 *    ECONNREFUSED, Connector/J "has not received any packets", handshake-phase losses
 *    ("reading initial communication packet"): a connection that never opened did not die; HAProxy's
 *    own log (SC / no server) explains those, not a hang-up of an established session;
 *  - ordinary SQL errors (1062 duplicate key, 1064 syntax, 1205 lock wait, 1213 deadlock, 1317 query
 *    interrupted by KILL QUERY: the connection survives);
 *  - client-side size checks (Connector/J PacketTooBigException, go "packet for query is too large"):
 *    the query is never sent, the connection stays usable;
 *  - PROTOCOL_ENQUEUE_AFTER_QUIT/DESTROY: the app itself closed the connection and reused it.
 */
import type { Detection, LostClass } from './model.js';

interface ErrnoInfo {
  symbol: string;
  cls: LostClass;
  sqlstate: string;
}

/** MySQL/MariaDB errnos that mean "this connection is gone" (docs/client-errors.md §0; Rails/SQLAlchemy lists). */
export const LOST_ERRNO: ReadonlyMap<number, ErrnoInfo> = new Map<number, ErrnoInfo>([
  [2006, { symbol: 'CR_SERVER_GONE_ERROR', cls: 'gone_away', sqlstate: 'HY000' }],
  [2013, { symbol: 'CR_SERVER_LOST', cls: 'lost', sqlstate: 'HY000' }],
  [2055, { symbol: 'CR_SERVER_LOST_EXTENDED', cls: 'lost', sqlstate: 'HY000' }],
  [2020, { symbol: 'CR_NET_PACKET_TOO_LARGE', cls: 'packet_too_large', sqlstate: 'HY000' }],
  [4031, { symbol: 'ER_CLIENT_INTERACTION_TIMEOUT', cls: 'interaction_timeout', sqlstate: 'HY000' }],
  [1153, { symbol: 'ER_NET_PACKET_TOO_LARGE', cls: 'packet_too_large', sqlstate: '08S01' }],
  [1927, { symbol: 'ER_CONNECTION_KILLED', cls: 'killed', sqlstate: '70100' }],
  [1053, { symbol: 'ER_SERVER_SHUTDOWN', cls: 'shutdown', sqlstate: '08S01' }],
  [1080, { symbol: 'ER_FORCING_CLOSE', cls: 'shutdown', sqlstate: '08S01' }],
  [1152, { symbol: 'ER_ABORTING_CONNECTION', cls: 'other_lost', sqlstate: '08S01' }],
  [1154, { symbol: 'ER_NET_READ_ERROR_FROM_PIPE', cls: 'other_lost', sqlstate: '08S01' }],
  [1155, { symbol: 'ER_NET_FCNTL_ERROR', cls: 'other_lost', sqlstate: '08S01' }],
  [1156, { symbol: 'ER_NET_PACKETS_OUT_OF_ORDER', cls: 'other_lost', sqlstate: '08S01' }],
  [1157, { symbol: 'ER_NET_UNCOMPRESS_ERROR', cls: 'other_lost', sqlstate: '08S01' }],
  [1158, { symbol: 'ER_NET_READ_ERROR', cls: 'other_lost', sqlstate: '08S01' }],
  [1159, { symbol: 'ER_NET_READ_INTERRUPTED', cls: 'other_lost', sqlstate: '08S01' }],
  [1160, { symbol: 'ER_NET_ERROR_ON_WRITE', cls: 'other_lost', sqlstate: '08S01' }],
  [1161, { symbol: 'ER_NET_WRITE_INTERRUPTED', cls: 'other_lost', sqlstate: '08S01' }],
  [1184, { symbol: 'ER_NEW_ABORTING_CONNECTION', cls: 'other_lost', sqlstate: '08S01' }],
]);

interface Sig {
  needle: string;
  /** MySQL errno the text stands for (code = String(errno)); else `code` */
  errno?: number;
  code?: string;
  cls?: LostClass;
  sqlstate?: string;
  symbol?: string;
  /** also raised by connect failures: rejected when CONNECT_FAIL matches the record */
  connectAmbiguous?: boolean;
  /** the record must also match this (the needle alone is too common); `example` is a record that does */
  line?: RegExp;
  example?: string;
  /** a weak needle that names a SQL connection itself: no MYSQL_CTX needed (OTHER_DB still vetoes) */
  sqlItself?: boolean;
}

/** Strong signatures, in priority order (most specific first). docs/client-errors.md section in the comment. */
const STRONG: readonly Sig[] = [
  { needle: 'disconnected by the server because of inactivity', errno: 4031 }, // §0, §5 mysql2
  { needle: 'ER_CLIENT_INTERACTION_TIMEOUT', errno: 4031 },
  { needle: "Got a packet bigger than 'max_allowed_packet'", errno: 1153 }, // lab scenario 05, docs/lab-findings.md
  { needle: 'ER_NET_PACKET_TOO_LARGE', errno: 1153 },
  { needle: "Got packet bigger than 'max_allowed_packet'", errno: 2020 },
  { needle: 'Connection was killed', errno: 1927 },
  { needle: 'ER_CONNECTION_KILLED', errno: 1927 },
  { needle: 'Server shutdown in progress', errno: 1053 },
  { needle: 'ER_SERVER_SHUTDOWN', errno: 1053 },
  { needle: 'Forcing close of thread', errno: 1080 },
  { needle: 'Lost connection to MySQL server at ', errno: 2055 }, // §0 / mysql-connector-python §2
  { needle: 'Lost connection to server at ', errno: 2055 },
  { needle: 'Lost connection to MySQL server', errno: 2013 },
  { needle: 'Lost connection to server during query', errno: 2013 }, // MariaDB Connector/C
  { needle: 'MySQL server has gone away', errno: 2006 },
  { needle: 'Server has gone away', errno: 2006 }, // MariaDB Connector/C
  { needle: 'CR_SERVER_GONE_ERROR', errno: 2006 },
  { needle: 'CR_SERVER_LOST', errno: 2013 },
  { needle: 'Got an error reading communication packets', errno: 1158 },
  { needle: 'Got timeout reading communication packets', errno: 1159 },
  { needle: 'Got an error writing communication packets', errno: 1160 },
  { needle: 'Got timeout writing communication packets', errno: 1161 },
  { needle: 'Got a read error from the connection pipe', errno: 1154 },
  { needle: 'Got packets out of order', errno: 1156 },
  { needle: "Couldn't uncompress communication packet", errno: 1157 },
  // Node mysqljs / mysql2 (§5)
  { needle: 'PROTOCOL_CONNECTION_LOST', code: 'PROTOCOL_CONNECTION_LOST', cls: 'lost' },
  { needle: 'Connection lost: The server closed the connection', code: 'PROTOCOL_CONNECTION_LOST', cls: 'lost' },
  { needle: 'PROTOCOL_ENQUEUE_AFTER_FATAL_ERROR', code: 'PROTOCOL_ENQUEUE_AFTER_FATAL_ERROR', cls: 'other_lost' },
  { needle: 'after fatal error', code: 'PROTOCOL_ENQUEUE_AFTER_FATAL_ERROR', cls: 'other_lost' },
  // the app's own query timeout destroyed the connection (fatal); kept so the correlator can say "app_closed"
  { needle: 'PROTOCOL_SEQUENCE_TIMEOUT', code: 'PROTOCOL_SEQUENCE_TIMEOUT', cls: 'other_lost' },
  { needle: "Can't add new command when connection is in closed state", code: 'closed_state', cls: 'other_lost' },
  { needle: "Can't write in closed state", code: 'closed_state', cls: 'other_lost' },
  // Java Connector/J (§3)
  {
    needle: 'Communications link failure',
    code: 'CommunicationsException',
    cls: 'lost',
    sqlstate: '08S01',
    connectAmbiguous: true,
  },
  {
    needle: 'CommunicationsException',
    code: 'CommunicationsException',
    cls: 'lost',
    sqlstate: '08S01',
    connectAmbiguous: true,
  },
  {
    needle: 'No operations allowed after connection closed',
    code: 'connection_closed',
    cls: 'other_lost',
    sqlstate: '08003',
  },
  // PHP mysqlnd warnings (§1): no errno of their own
  { needle: 'Error while sending ', code: 'send_failed', cls: 'broken_pipe' },
  { needle: 'Packets out of order', code: 'packets_out_of_order', cls: 'other_lost' },
  { needle: 'Premature end of data', code: 'premature_eof', cls: 'lost' },
  { needle: 'Lost connection and no reconnector available', code: 'LostConnectionException', cls: 'other_lost' }, // Laravel
  { needle: 'ConnectionLost', code: 'ConnectionLost', cls: 'lost' }, // Doctrine\DBAL\Exception\ConnectionLost
  // Python mysql-connector-python (§2)
  { needle: 'MySQL Connection not available', code: 'connection_not_available', cls: 'other_lost' },
  { needle: 'Connection to MySQL is not available', code: 'connection_not_available', cls: 'other_lost' },
  // PyMySQL on a handle it already knows is closed (SQLAlchemy's is_disconnect lists "(0, '')"):
  // the second use of a dead connection (seen in the lab after a 2013)
  { needle: "InterfaceError: (0, '')", code: '0', cls: 'other_lost' },
  { needle: "InterfaceError) (0, '')", code: '0', cls: 'other_lost' },
  // Ruby (§6)
  { needle: 'MySQL client is not connected', code: 'not_connected', cls: 'other_lost' },
  {
    needle: 'Mysql2::Error::ConnectionError',
    code: 'Mysql2::Error::ConnectionError',
    cls: 'other_lost',
    connectAmbiguous: true,
  },
  {
    needle: 'ActiveRecord::ConnectionFailed',
    code: 'ActiveRecord::ConnectionFailed',
    cls: 'other_lost',
    connectAmbiguous: true,
  },
  // Go go-sql-driver (§4): only this driver prints it
  { needle: 'closing bad idle connection', code: 'bad_idle_connection', cls: 'other_lost' },
  // MariaDB Connector/J (§3): EOF on a packet header, `unexpected end of stream, read 0 bytes from 4 (socket was
  // closed by server)`; Connector/Node.js (§5) ER_SOCKET_UNEXPECTED_CLOSE (45009). Before the handshake (`Could not
  // connect to address=…`, `(conn:-1, …)`: no thread id yet) they are connect failures (CONNECT_FAIL).
  {
    needle: 'socket was closed by server',
    code: 'unexpected_end_of_stream',
    cls: 'lost',
    connectAmbiguous: true,
  },
  {
    needle: 'socket has unexpectedly been closed',
    code: 'ER_SOCKET_UNEXPECTED_CLOSE',
    cls: 'lost',
    sqlstate: '08S01',
    connectAmbiguous: true,
  },
  {
    needle: 'ER_SOCKET_UNEXPECTED_CLOSE',
    code: 'ER_SOCKET_UNEXPECTED_CLOSE',
    cls: 'lost',
    sqlstate: '08S01',
    connectAmbiguous: true,
  },
  // mysql2 (§5): the only function that throws "Can't add new command when connection is in closed state"; a
  // logger that drops the message keeps the frame
  { needle: '_addCommandClosedState', code: 'closed_state', cls: 'other_lost' },
];

/**
 * Weak signatures: generic socket / database/sql texts that other clients (HTTP, Redis, Postgres) print
 * too. Accepted only when the record also names MySQL/SQL/db (MYSQL_CTX) and nothing else (OTHER_DB).
 */
const WEAK: readonly Sig[] = [
  { needle: 'invalid connection', code: 'invalid_connection', cls: 'lost' }, // go ErrInvalidConn
  // database/sql's ErrBadConn: SQL context by itself (a Go app prints it bare, `panic: driver: bad connection`)
  { needle: 'driver: bad connection', code: 'bad_connection', cls: 'other_lost', sqlItself: true },
  { needle: 'unexpected EOF', code: 'unexpected_eof', cls: 'lost' }, // `[mysql] … packets.go:58 unexpected EOF`
  // go-sql-driver before about 2016 (docs/formats/go-sql-driver.md): ErrInvalidConn's old text, and a bare
  // io.EOF reading a packet, which only counts as the whole message of the driver's packets.go line
  { needle: 'Invalid Connection', code: 'invalid_connection', cls: 'lost' },
  {
    needle: ': EOF',
    code: 'eof',
    cls: 'lost',
    line: /^\[mysql\] .*\bpackets\.go:\d+:? EOF$/im,
    example: '[MySQL] 2013/12/05 22:17:19 packets.go:30: EOF',
  },
  // MariaDB Connector/J 3.x (§3): an IOException while sending (`Socket error`, SQLState 08000) and a connection
  // already closed (`Connection is closed`); generic words, so only behind the driver's `(conn=<thread id>) ` prefix
  {
    needle: 'Socket error',
    code: 'socket_error',
    cls: 'other_lost',
    sqlstate: '08000',
    sqlItself: true,
    line: /\(conn=\d+\) Socket error\b/,
    example: 'java.sql.SQLNonTransientConnectionException: (conn=325034) Socket error',
  },
  {
    needle: 'Connection is closed',
    code: 'connection_closed',
    cls: 'other_lost',
    sqlItself: true,
    line: /\(conn=\d+\) Connection is closed\b/,
    example: 'Caused by: java.sql.SQLNonTransientConnectionException: (conn=12581339) Connection is closed',
  },
  { needle: 'use of closed network connection', code: 'closed_network_connection', cls: 'other_lost' },
  { needle: 'i/o timeout', code: 'io_timeout', cls: 'other_lost' },
  { needle: 'ECONNRESET', code: 'ECONNRESET', cls: 'reset' },
  { needle: 'EPIPE', code: 'EPIPE', cls: 'broken_pipe' },
  { needle: 'read ETIMEDOUT', code: 'ETIMEDOUT', cls: 'other_lost' },
  { needle: 'onnection reset', code: 'ECONNRESET', cls: 'reset' },
  { needle: 'roken pipe', code: 'EPIPE', cls: 'broken_pipe' },
];

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/**
 * Extra triggers for the structured errno forms: a lost errno with a localised or unknown text
 * (`(2006, '…')`, `Error 1927: …`) carries no English needle.
 */
const FORM_TRIGGERS = ['SQLSTATE[', '08S01', 'errno', ...[...LOST_ERRNO.keys()].map(String)];
const PREFILTER = new RegExp(
  [...STRONG, ...WEAK]
    .map((s) => esc(s.needle))
    .concat(FORM_TRIGGERS.map(esc))
    .join('|'),
);

/** Cheap gate: false → the text certainly carries no signature. */
export function mayBeLost(text: string): boolean {
  return PREFILTER.test(text);
}

const CONNECT_FAIL =
  /Connection refused|ECONNREFUSED|Can't connect to|Could not connect to address=|\(conn[:=]-1, no: |Access denied for user|Unknown (?:MySQL )?server host|getaddrinfo|java\.net\.ConnectException|UnknownHostException|No route to host|connect ETIMEDOUT|Too many connections|has not received any packets from the server/;
const HANDSHAKE =
  /reading initial communication packet|reading authorization packet|Handshake inactivity timeout|GREET packet|reading greeting packet/;
/**
 * PHP's connect calls: a warning or exception raised in them is a failed connect, whatever its text
 * (`mysqli_real_connect(): MySQL server has gone away`, `PDO::__construct(): …`, a `PDO->__construct(` frame).
 * pdo_mysql brackets the number only then (`SQLSTATE[HY000] [2006] …`: pdo_throw_exception while the handle is
 * not yet built, docs/client-errors.md §1). Laravel's query retry (`Connection->tryAgainIfCausedByLostConnection`
 * in the stack) reconnects after a lost connection: such a record stays a lost connection.
 */
const PHP_CONNECT =
  /\b(?:PDO(?:::|->)__construct|mysqli(?:::|->)(?:mysqli|__construct|real_connect)|mysqli_real_connect|mysqli_connect)\(/;
const QUERY_RETRY = /Connection->tryAgainIfCausedByLostConnection/;
const MYSQL_CTX =
  /mysql|MySQL|mariadb|MariaDB|SQLSTATE|sqlState|PDO|"db"|\bdb[.:=_]|database|Database|\bSQL\b|\bsql\b|\b[Qq]uery\b|\btransaction\b|"fatal":\s*true|fatal: true|packets\.go/;
const OTHER_DB = /postgres|Postgres|PostgreSQL|pgx|\bpq: |redis|Redis|mongo|Mongo|sqlite|SQLite|mssql|ORA-\d/;
const HAS_MYSQL_NAME = /mysql|mariadb/i;

const BROKEN = /Broken pipe|broken pipe|BrokenPipeError|EPIPE|system error: 32\b|\[Errno 32\]/;
const RESET = /reset by peer|Connection reset|ECONNRESET|ConnectionResetError|system error: 104\b|\[Errno 104\]/;

/** lost / gone_away / other_lost made precise when the text says how the socket died */
function refine(cls: LostClass, text: string): LostClass {
  if (cls !== 'lost' && cls !== 'gone_away' && cls !== 'other_lost') return cls;
  if (BROKEN.test(text)) return 'broken_pipe';
  if (RESET.test(text)) return 'reset';
  return cls;
}

interface NumHit {
  errno?: number;
  sqlstate?: string;
  at: number;
  form: string;
}

/**
 * Structured errno / SQLSTATE forms: PDO `SQLSTATE[HY000]: General error: 2006 …` / `SQLSTATE[08S01] [1159] …`,
 * Python `(2013, '…')`, Go/CLI `Error 4031 (HY000): …`, connector-python `2055: …`, JSON `"errno":1153`,
 * `sqlState: '08S01'`, Hibernate `SQLState: 08S01`.
 */
const FORMS: ReadonlyArray<[string, RegExp]> = [
  ['pdo', /SQLSTATE\[([0-9A-Z]{5})\](?: \[(\d{1,5})\]|: [^:\n]{1,60}?: (\d{1,5})\b)?/g],
  ['tuple', /\((\d{4}), ?["']/g],
  ['error_n', /\b(?:ERROR|Error) (\d{4})(?: \(([0-9A-Z]{5})\))?(?=:| at line)/g],
  ['n_colon', /(?:^|\s)(\d{4})(?: \(([0-9A-Z]{5})\))?: (?=[A-Z])/gm],
  ['errno', /\berrno["']?\s*[:=]\s*(\d{3,5})\b/g],
  ['sqlstate', /\b(?:sqlState|sqlstate|sql_state|SQLState)["']?\s*[:=]\s*["']?([0-9A-Z]{5})\b/g],
];

/**
 * A traceback's source line (the line under `File "…", line N, in f`) is code that builds a message, not the
 * message: `raise err.OperationalError(2006, "MySQL server has gone away (%r)" % (e,))` (PyMySQL). Its error is
 * the exception line at the end of the traceback.
 */
const PY_FRAME_END = /File "[^"]+", line \d+, in \S+\r?$/;
/** the raised exception's line (`pymysql.err.OperationalError: (2013, …)`): a frame without source precedes it */
const PY_EXC_START = /^[A-Za-z_][\w.]*:(?:\s|$)/;

function onSourceLine(text: string, i: number): boolean {
  const ls = text.lastIndexOf('\n', i - 1);
  if (ls <= 0) return false;
  const prev = text.slice(text.lastIndexOf('\n', ls - 1) + 1, ls);
  if (!PY_FRAME_END.test(prev)) return false;
  // the source line sits at or right of the frame's `File` column (after the same per-line prefix, if any)
  let le = text.indexOf('\n', ls + 1);
  if (le < 0) le = text.length;
  const cur = text.slice(ls + 1, le);
  return !PY_EXC_START.test(cur.slice(Math.min(prev.indexOf('File "'), cur.length)).trimStart());
}

/** The first occurrence of a needle that is not on a source line, or -1. */
function indexOfText(text: string, needle: string): number {
  let i = text.indexOf(needle);
  while (i >= 0 && onSourceLine(text, i)) i = text.indexOf(needle, i + needle.length);
  return i;
}

function findNumbers(text: string): NumHit[] {
  const hits: NumHit[] = [];
  for (const [form, re] of FORMS) {
    re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(text)) !== null) {
      let errno: number | undefined, sqlstate: string | undefined;
      let kind = form;
      if (onSourceLine(text, m.index)) continue;
      if (form === 'pdo') {
        sqlstate = m[1];
        const n = m[2] ?? m[3];
        errno = n ? Number(n) : undefined;
        if (m[2] !== undefined) kind = 'pdo_connect';
      } else if (form === 'sqlstate') sqlstate = m[1];
      else {
        errno = Number(m[1]);
        sqlstate = m[2];
      }
      if (errno === 0) errno = undefined;
      hits.push({ errno, sqlstate, at: m.index, form: kind });
      if (hits.length > 32) break;
    }
  }
  return hits.sort((a, b) => a.at - b.at);
}

function fromErrno(errno: number, at: number, sig: string, text: string, sqlstate?: string): Detection {
  const info = LOST_ERRNO.get(errno)!;
  return {
    code: String(errno),
    errno,
    sqlstate: sqlstate ?? info.sqlstate,
    cls: refine(info.cls, text),
    symbol: info.symbol,
    at,
    sig,
  };
}

function fromSig(s: Sig, at: number, text: string, sqlstate?: string): Detection {
  if (s.errno !== undefined) return fromErrno(s.errno, at, s.needle, text, sqlstate);
  return { code: s.code!, sqlstate: sqlstate ?? s.sqlstate, cls: refine(s.cls!, text), at, sig: s.needle };
}

const sameLine = (text: string, a: number, b: number) => a <= b && text.lastIndexOf('\n', b) < a;

/**
 * The lost-connection signature of a record, or null. Order: a structured lost errno; then the strong
 * text table; then SQLSTATE 08S01 alone; then weak texts with MySQL context. A structured non-lost errno
 * (1062, 2002 …) vetoes a text signature on the same line (it is that error's data, e.g. a duplicate
 * key value containing "gone away") and all weak signatures.
 */
export function detectLost(text: string): Detection | null {
  if (!PREFILTER.test(text)) return null;
  if (HANDSHAKE.test(text)) return null;
  if (PHP_CONNECT.test(text) && !QUERY_RETRY.test(text)) return null;
  const nums = findNumbers(text);
  let other: NumHit | undefined;
  for (const n of nums) {
    if (n.errno === undefined) continue;
    if (LOST_ERRNO.has(n.errno)) {
      if (n.form === 'pdo_connect' && !QUERY_RETRY.test(text)) return null;
      const state = n.sqlstate ?? nums.find((x) => x.sqlstate !== undefined && Math.abs(x.at - n.at) < 80)?.sqlstate;
      return fromErrno(n.errno, n.at, n.form, text, state);
    }
    other ??= n;
  }
  const state = nums.find((x) => x.sqlstate !== undefined)?.sqlstate;
  for (const s of STRONG) {
    const i = indexOfText(text, s.needle);
    if (i < 0) continue;
    if (other !== undefined && sameLine(text, other.at, i)) return null;
    if (s.connectAmbiguous && CONNECT_FAIL.test(text)) return null;
    return fromSig(s, i, text, s.errno !== undefined ? undefined : (state ?? s.sqlstate));
  }
  if (other !== undefined) return null;
  if (CONNECT_FAIL.test(text)) return null;
  const s08 = nums.find((x) => x.sqlstate === '08S01');
  if (s08) return { code: '08S01', sqlstate: '08S01', cls: refine('other_lost', text), at: s08.at, sig: s08.form };
  for (const s of WEAK) {
    const i = indexOfText(text, s.needle);
    if (i < 0 || (s.line !== undefined && !s.line.test(text))) continue;
    if (s.sqlItself !== true && !MYSQL_CTX.test(text)) return null;
    if (OTHER_DB.test(text) && !HAS_MYSQL_NAME.test(text)) return null;
    return fromSig(s, i, text);
  }
  return null;
}

/** Classification of a bare code (custom patterns' `(?<code>…)` group): errno string or driver symbol. */
export function detectCode(code: string): Detection | null {
  const c = code.trim();
  if (/^\d{4}$/.test(c)) {
    const n = Number(c);
    return LOST_ERRNO.has(n) ? fromErrno(n, 0, 'code', '') : null;
  }
  if (c === '08S01') return { code: c, sqlstate: c, cls: 'other_lost', at: 0, sig: 'code' };
  for (const [n, info] of LOST_ERRNO) if (info.symbol === c) return fromErrno(n, 0, 'code', '');
  for (const s of [...STRONG, ...WEAK]) if (s.code === c) return fromSig(s, 0, '');
  return null;
}

/** The signature table, for the report / docs (error.code → class). */
export function signatureTable(): Array<{
  needle: string;
  code: string;
  cls: LostClass;
  weak: boolean;
  example?: string;
}> {
  const row = (s: Sig, weak: boolean) => {
    const e = s.errno !== undefined ? LOST_ERRNO.get(s.errno) : undefined;
    const code = s.errno !== undefined ? String(s.errno) : s.code!;
    return { needle: s.needle, code, cls: e ? e.cls : s.cls!, weak, ...(s.example ? { example: s.example } : {}) };
  };
  return [...STRONG.map((s) => row(s, false)), ...WEAK.map((s) => row(s, true))];
}
