/**
 * Which client library (app.error.driver) and language produced a record, from the names the record
 * carries (module paths, class names, codes: docs/client-errors.md §1–§6), plus the generic helpers that
 * pull an exception class / message out of the line holding the evidence.
 */
import type { Language } from './model.js';

/**
 * First marker found wins; order = most specific first (SQLAlchemy records name pymysql too). A marker that
 * is a module path or package name (true in the 4th place) names its language whatever the line layout
 * looks like: mozlog's `[date] fxa.db.ERROR: …` has Monolog's layout, and its stack is node_modules/mysql's.
 */
const DRIVER_MARKERS: ReadonlyArray<[string, string, Language, boolean?]> = [
  ['pymysql', 'pymysql', 'python', true],
  ['MySQLdb', 'mysqlclient', 'python', true],
  ['_mysql_exceptions', 'mysqlclient', 'python', true],
  ['mysql.connector', 'mysql-connector-python', 'python'],
  ['aiomysql', 'aiomysql', 'python'],
  ['asyncmy', 'asyncmy', 'python'],
  ['com.mysql.cj', 'connector-j', 'java', true],
  ['com.mysql.jdbc', 'connector-j', 'java', true],
  ['org.mariadb.jdbc', 'mariadb-connector-j', 'java', true],
  ['CommunicationsException', 'connector-j', 'java'],
  ['Communications link failure', 'connector-j', 'java'],
  ['No operations allowed after connection closed', 'connector-j', 'java'],
  ['go-sql-driver', 'go-sql-driver', 'go'],
  ['[mysql] ', 'go-sql-driver', 'go'],
  ['[MySQL] ', 'go-sql-driver', 'go'],
  ['packets.go', 'go-sql-driver', 'go'],
  ['closing bad idle connection', 'go-sql-driver', 'go'],
  ['invalid connection', 'go-sql-driver', 'go'],
  ['driver: bad connection', 'database/sql', 'go'],
  ['Mysql2::', 'mysql2-gem', 'ruby', true],
  ['Trilogy', 'trilogy', 'ruby'],
  ['MySQL client is not connected', 'mysql2-gem', 'ruby'],
  ['mysqli', 'mysqli', 'php'],
  ['PDO', 'pdo_mysql', 'php'],
  ['SQLSTATE[', 'pdo_mysql', 'php'],
  ['mysqlnd', 'mysqlnd', 'php'],
  ['Error while sending ', 'mysqlnd', 'php'],
  ['Packets out of order', 'mysqlnd', 'php'],
  ['Premature end of data', 'mysqlnd', 'php'],
  ["Can't add new command when connection", 'mysql2', 'node'],
  ["Can't write in closed state", 'mysql2', 'node'],
  ['node_modules/mysql2', 'mysql2', 'node', true],
  ['node_modules/mysql/', 'mysqljs', 'node', true],
  ['PROTOCOL_', 'mysqljs/mysql2', 'node'],
];

/** Default driver per language when the record names none. */
const LANG_DEFAULT: Record<Language, string> = {
  php: 'mysqlnd',
  python: 'unknown',
  java: 'connector-j',
  go: 'go-sql-driver',
  node: 'mysqljs/mysql2',
  ruby: 'mysql2-gem',
  unknown: 'unknown',
};

/**
 * MariaDB's connectors put the server's thread id in front of every message: Connector/Node.js
 * `(conn:908, no: 1153, SQLState: 08S01) …` (`(conn=…` before 3.x), Connector/J `(conn=491) …`.
 */
const MARIADB_NODE = /\(conn[:=]-?\d+, no: -?\d+, SQLState: /;
const MARIADB_J = /\(conn=\d+\) /;

export function guessDriver(text: string, lang: Language | undefined): { driver: string; lang: Language } {
  for (const [needle, driver, l, path] of DRIVER_MARKERS) {
    // a language known from the line layout outranks a marker of another language (e.g. a Node app
    // logging "invalid connection" is not go-sql-driver), except a module path
    if (path !== true && lang !== undefined && lang !== 'unknown' && l !== lang) continue;
    if (text.indexOf(needle) >= 0) return { driver, lang: l };
  }
  if (text.indexOf('(conn') >= 0) {
    if (MARIADB_NODE.test(text)) return { driver: 'mariadb-connector-nodejs', lang: 'node' };
    if (MARIADB_J.test(text)) return { driver: 'mariadb-connector-j', lang: 'java' };
  }
  if (lang !== undefined && lang !== 'unknown') {
    const mariaC = text.indexOf('Server has gone away') >= 0 || text.indexOf('Lost connection to server') >= 0;
    return { driver: mariaC && lang !== 'php' && lang !== 'node' ? 'libmariadb' : LANG_DEFAULT[lang], lang };
  }
  return { driver: 'unknown', lang: guessLanguage(text) };
}

/** Language from stack-trace shapes when neither the layout nor a driver name tells. */
export function guessLanguage(text: string): Language {
  if (text.indexOf('Traceback (most recent call last)') >= 0 || text.indexOf('.py", line ') >= 0) return 'python';
  if (text.indexOf('\n\tat ') >= 0 || (text.indexOf('\n    at ') >= 0 && text.indexOf('.java:') >= 0)) return 'java';
  if (text.indexOf('java.sql.') >= 0) return 'java';
  if (text.indexOf('.php') >= 0 || text.indexOf('PHP ') >= 0) return 'php';
  if (text.indexOf('.rb:') >= 0) return 'ruby';
  if (text.indexOf('.go:') >= 0) return 'go';
  if (text.indexOf('.js:') >= 0 || text.indexOf('node:') >= 0) return 'node';
  return 'unknown';
}

/** The full line of `text` that contains index `at`. */
export function lineAt(text: string, at: number): { line: string; start: number } {
  const s = text.lastIndexOf('\n', at - 1) + 1;
  let e = text.indexOf('\n', at);
  if (e < 0) e = text.length;
  let line = text.slice(s, e);
  if (line.endsWith('\r')) line = line.slice(0, -1);
  return { line, start: s };
}

/**
 * `Caused by: com.mysql.cj.jdbc.exceptions.CommunicationsException: Communications link failure`,
 * `pymysql.err.OperationalError: (2013, …)`, `Mysql2::Error::ConnectionError: …`, `PDOException: …`
 * → { type, message }. Only the outermost class is split off (Rails' ConnectionFailed message is
 * itself "Mysql2::Error::ConnectionError: …").
 */
const CLASS_PREFIX =
  /^\s*(?:Caused by: |PHP Fatal error:\s+Uncaught |Uncaught )?((?:[A-Za-z_$][\w$]*(?:\.|::|\\{1,2}))*[A-Za-z_$][\w$]*(?:Error|Exception|exception|Failed|Lost|Warning))(?:\(code: \w+\))?: (.*)$/;

export function splitClass(line: string): { type?: string; message: string } {
  const m = CLASS_PREFIX.exec(line);
  if (!m) return { message: line.trim() };
  return { type: m[1]!.replace(/\\\\/g, '\\'), message: m[2]!.trim() };
}

/** Java/Python/Ruby style exception lines anywhere in the record (`X.Y.Error: msg` at line start). */
const EXC_LINE = /^(?:Caused by: )?((?:[A-Za-z_$][\w$]*(?:\.|::))+[A-Za-z_$][\w$]*|[A-Z][\w$]*(?:Error|Exception)): /gm;

export function exceptionLines(text: string): Array<{ type: string; at: number }> {
  const out: Array<{ type: string; at: number }> = [];
  EXC_LINE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = EXC_LINE.exec(text)) !== null && out.length < 64) out.push({ type: m[1]!, at: m.index });
  return out;
}

/** Strip a trailing PHP location (` in /app/x.php on line 42`, ` in /app/x.php:42`). */
export function stripPhpLocation(msg: string): string {
  return msg.replace(/ in \/?[^\s]+\.php(?: on line \d+|:\d+)\s*$/, '');
}
