/**
 * The detector that maps a record's text to one normalised Detection (error.code / errno / class), by the
 * signatures of signatures.ts (docs/client-errors.md §0–§7).
 *
 * Speed: every app-log line goes through `detectLost`; noise must be rejected before any per-signature
 * work, so PREFILTER (one alternation regex built from every needle of signatures.ts, so it can never miss a
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
import { LOST_ERRNO, STRONG, WEAK, type Sig } from './signatures.js';

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
