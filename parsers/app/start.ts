/**
 * Record grouping for app logs: does this line start a new record, or continue the previous one?
 *
 * A record starts with something only a logger writes at the start of an entry: a timestamp, a JSON
 * object, a bracketed date (Laravel `[2026-11-23 20:21:26]`, PHP error_log `[24-Nov-2026 10:00:00 UTC]`),
 * Go's `[mysql] ` prefix, Ruby's `E, [`, a syslog date, logfmt `time=`/`level=`, a level word.
 * Everything else continues the record: Python tracebacks (`Traceback …`, indented frames, the final
 * `pymysql.err.OperationalError: (2013, …)` line), Java `\tat …` / `Caused by:` / `... 12 more`,
 * Laravel `[stacktrace]` / `#0 /path…` / `"} `, SQLAlchemy `[SQL: …]` / `[parameters: …]`, the lines
 * of a pretty-printed JSON object, blank lines. Pure char-code checks: this runs on every line.
 */
import { isDigit, isLevelWord } from './model.js';
import { monthNumber } from '../time.js';
import { looksLikeJsDate } from './stamp.js';

/** `[mysql] ` / `[MySQL] ` at 0, in any case */
export function isGoMysqlPrefix(line: string): boolean {
  return line.charCodeAt(0) === 91 && line.charCodeAt(7) === 32 && line.slice(1, 7).toLowerCase() === 'mysql]';
}

const dig = (s: string, i: number) => isDigit(s.charCodeAt(i));
const LEAD_SGR = /^(?:\x1b\[[0-9;]*m)+/;

/** `YYYY-MM-DD[T ]HH:`, `YYYY/MM/DD HH:`, `DD-Mon-YYYY `, `DD/Mon/YYYY:`, `HH:MM:SS` (logback default) at i */
export function looksLikeDateAt(s: string, i: number): boolean {
  if (!dig(s, i) || !dig(s, i + 1)) return false;
  const c2 = s.charCodeAt(i + 2);
  if (dig(s, i + 2) && dig(s, i + 3)) {
    // YYYY-MM-DD / YYYY/MM/DD
    const sep = s.charCodeAt(i + 4);
    if ((sep !== 45 && sep !== 47) || s.charCodeAt(i + 7) !== sep) return false;
    if (!dig(s, i + 5) || !dig(s, i + 8)) return false;
    const t = s.charCodeAt(i + 10);
    return t === 84 /* T */ || t === 32 || t === 95 /* _ */ || t === 44 /* , */ || Number.isNaN(t) || t === 93; /* ] */
  }
  if (c2 === 45 || c2 === 47) {
    // DD-Mon-YYYY / DD/Mon/YYYY
    return (
      monthNumber(s.slice(i + 3, i + 6)) !== undefined && s.charCodeAt(i + 6) === c2 && dig(s, i + 7) && dig(s, i + 10)
    );
  }
  if (c2 === 58) {
    // HH:MM:SS
    return dig(s, i + 3) && s.charCodeAt(i + 5) === 58 && dig(s, i + 6) && dig(s, i + 7);
  }
  return false;
}

/** `Nov 23 20:21:24` / `Nov  3 …` at 0 */
function looksLikeSyslog(s: string): boolean {
  if (monthNumber(s.slice(0, 3)) === undefined || s.charCodeAt(3) !== 32) return false;
  let p = 4;
  if (s.charCodeAt(p) === 32) p++;
  if (!dig(s, p)) return false;
  p += dig(s, p + 1) ? 2 : 1;
  return s.charCodeAt(p) === 32 && dig(s, p + 1) && dig(s, p + 2) && s.charCodeAt(p + 3) === 58;
}

/** An upper-case level word at 0 followed by ' ', ':' or ']' (`ERROR 2026-…`, Python basicConfig `ERROR:root:…`). */
function levelFirst(s: string, from: number): boolean {
  let e = from;
  while (e < s.length && e - from < 10) {
    const c = s.charCodeAt(e);
    if (c < 65 || c > 90) break;
    e++;
  }
  if (e - from < 3) return false;
  const next = s.charCodeAt(e);
  return (next === 32 || next === 58 || next === 93) && isLevelWord(s.slice(from, e));
}

/**
 * Node's position line of an uncaught exception, alone on its line: `/app/db.js:41`, `node:events:491`,
 * `C:\\app\\db.js:41`, `file:///app/db.mjs:12` (docs/formats/node-crash.md). A stack frame has a column
 * too (`db.js:41:7`), a Ruby backtrace `:in …`: neither matches.
 */
const NODE_POSITION = /^(?:(?:\/|[A-Za-z]:\\|file:\/\/\/)\S*\.[cm]?[jt]sx?|node:[\w/.-]+):\d+$/;

export function isNodePosition(line: string): boolean {
  return NODE_POSITION.test(line);
}

/** The caret line under the source line of Node's crash report (`      ^`). */
function isCaretLine(s: string): boolean {
  const t = s.trim();
  return t.length > 0 && /^\^+$/.test(t);
}

/**
 * JavaScript's own `Error: msg` / `Error [ERR_X]: msg` at column 0 (console.error(err), an uncaught
 * error without source line). Only the bare class: Python ends its tracebacks with builtins such as
 * `ConnectionResetError: …` at column 0, so `…Error:` in general must stay a continuation.
 */
function isBareJsError(line: string): boolean {
  return line.startsWith('Error: ') || /^Error \[[A-Z][A-Z0-9_]*\]: /.test(line);
}

/**
 * `prev` is the line before (the last line of the record being built), for the few starts that only
 * the neighbourhood tells: Node's `Error:` line under its caret continues the crash report above it.
 */
export function isAppRecordStart(line: string, prev?: string): boolean {
  // a coloured line (Spring Boot's console starts with `ESC[2m` before its date) starts like its text
  if (line.charCodeAt(0) === 27) line = line.replace(LEAD_SGR, '');
  if (!startsRecord(line, prev)) return false;
  return prev === undefined || !(continuesHibernatePair(line, prev) || continuesPythonFrame(line, prev));
}

/**
 * A Python frame line (`File "…/connections.py", line 699, in _read_bytes`) and, on the next line, its source line
 * (`"Lost connection to MySQL server during query (%s)" % (e,))`), when a runner stamps every line of a traceback
 * (Metaflow: `2022-01-24 13:00:59.065 [1643…/fetch_gtr/4 (pid 49468)] File "…"`, nestauk/innovation_sweet_spots#87):
 * the source line is code, not a message, and stays with its frame.
 */
const PY_FRAME = /File "[^"]+", line \d+, in \S+$/;

export function continuesPythonFrame(line: string, prev: string): boolean {
  if (prev.indexOf('File "') < 0 || !PY_FRAME.test(prev)) return false;
  const col = prev.indexOf('File "');
  return col > 0 && line.length > col && sameSource(prev.slice(0, col), line.slice(0, col));
}

// Hibernate's SqlExceptionHelper logs `SQL Error: <code>, SQLState: <state>`, then the same exception's
// message, from the same logger and thread (docs/formats/hibernate.md): the second line belongs to the
// first's record. Layouts pad the level, so both messages start at the same column.
const SQL_ERROR_TAIL = /SQL Error: -?\d+, SQLState: \S+$/;

/** `prev` is the SQL Error line and `line` the next line of the same logger, process and thread. */
export function continuesHibernatePair(line: string, prev: string): boolean {
  if (!prev.includes('SQLState: ', prev.length - 20) || !SQL_ERROR_TAIL.test(prev.slice(-48))) return false;
  const col = prev.lastIndexOf('SQL Error: ');
  return col > 0 && line.length > col && sameSource(prev.slice(0, col), line.slice(0, col));
}

// The part of a line before its message, less its time and level: pid, thread, logger…
const LEAD_TIME = /^\[?(?:\d{4}-\d\d-\d\d[ T])?\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?\]?/;
const LEVEL = /\b(?:WARN|WARNING|ERROR)\b/;
const sourceOf = (s: string) => s.replace(LEAD_TIME, '').replace(LEVEL, '').replace(/\s+/g, ' ').trim();
const sameSource = (a: string, b: string) => sourceOf(a) === sourceOf(b);

function startsRecord(line: string, prev: string | undefined): boolean {
  const c = line.charCodeAt(0);
  if (c === 123 /* { */) return true;
  if (c === 47 /* / */ || c === 110 /* n */ || c === 102 /* f */) {
    if (isNodePosition(line)) return true;
  }
  if (isDigit(c)) return looksLikeDateAt(line, 0);
  if (c === 91 /* [ */) {
    if (dig(line, 1)) {
      // `[24-Nov-2026 10:00:00 UTC] PHP Stack trace:` / `PHP   1. {main}()`: continuation of the PHP fatal above
      const close = line.indexOf('] PHP ');
      if (close > 0 && close < 48 && /^ {1,3}(?:Stack trace:|\d+\. )/.test(line.slice(close + 5, close + 20)))
        return false;
      return looksLikeDateAt(line, 1);
    }
    // go-sql-driver's logger; `[MySQL] ` in drivers before about 2016 (docs/formats/go-sql-driver.md)
    if (isGoMysqlPrefix(line)) return true;
    return levelFirst(line, 1);
  }
  if (c >= 65 && c <= 90) {
    if (c === 69 /* E */ && isBareJsError(line)) return prev === undefined || !isCaretLine(prev);
    if (line.charCodeAt(1) === 58 && line.charCodeAt(2) === 92 && isNodePosition(line)) return true;
    // Ruby Logger: `E, [2026-…`
    if (line.charCodeAt(1) === 44 && line.charCodeAt(2) === 32 && line.charCodeAt(3) === 91) return true;
    if (looksLikeSyslog(line)) return true;
    // JavaScript `Date.toString()`: `Tue Jul 21 2020 10:15:42 GMT+0000 (…) - uncaughtException : …`
    if (looksLikeJsDate(line)) return true;
    if (line.startsWith('PHP '))
      return /^PHP (?:Warning|Fatal error|Notice|Parse error|Deprecated|Recoverable fatal error|Error):/.test(line);
    return levelFirst(line, 0);
  }
  if (c === 116 /* t */ || c === 108 /* l */) {
    return line.startsWith('time=') || line.startsWith('ts=') || line.startsWith('level=') || line.startsWith('t=');
  }
  if (c === 60 /* < */) return /^<\d{1,3}>/.test(line); // syslog PRI
  // Go prints an error the app did not log with a stamp bare: a runtime panic (`panic: driver: bad
  // connection`, its goroutine dump continues it) or database/sql's ErrBadConn text on its own line (that
  // text only: a `driver: pdo_mysql` line of a config dump continues its record)
  if (c === 112 /* p */) return line.startsWith('panic: ');
  if (c === 100 /* d */) return line.startsWith('driver: bad connection');
  return false;
}
