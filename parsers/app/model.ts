/**
 * Types shared by the app-log parser modules (parsers/app/*). Not part of the public contract
 * (parsers/types.ts / docs/documents.md) except where noted.
 */

/** docs/documents.md "App error": app.error.class */
export type LostClass =
  | 'gone_away'
  | 'lost'
  | 'packet_too_large'
  | 'interaction_timeout'
  | 'killed'
  | 'shutdown'
  | 'broken_pipe'
  | 'reset'
  | 'other_lost';

export type Language = 'php' | 'python' | 'java' | 'go' | 'node' | 'ruby' | 'unknown';

/** What detect.ts found in a record: one lost-connection signature, normalised. */
export interface Detection {
  /** error.code: the MySQL errno as a string when known ('2006'), else the driver's code ('PROTOCOL_CONNECTION_LOST')
   * */
  code: string;
  errno?: number;
  sqlstate?: string;
  cls: LostClass;
  /** the driver's own symbol when it has one (ER_NET_PACKET_TOO_LARGE, CR_SERVER_LOST, EPIPE) */
  symbol?: string;
  /** index in the record text where the evidence starts */
  at: number;
  /** the table entry (needle) or errno form that matched; for tests and debugging */
  sig: string;
}

/** The first line of a record, split into the usual logging fields. */
export interface Header {
  /** which layout matched: 'laravel' | 'php_error_log' | 'python' | 'ruby_logger' | 'go_mysql' | 'go_log' | 'logfmt' |
   * 'syslog' | 'json' | 'generic' */
  format: string;
  /** epoch ms; undefined when the record carries no (complete) time */
  t?: number;
  /** raw time text that looked like a timestamp but did not parse (→ bad_timestamp) */
  badTime?: string;
  level?: string;
  logger?: string;
  worker?: string;
  pid?: number;
  host?: string;
  /** the log message (rest of the first line after the header fields) */
  msg: string;
  lang?: Language;
  /** index in the record text of a JSON payload inside a syslog envelope */
  jsonAt?: number;
}

/** Fields a language module may add on top of the generic extraction. */
export interface Extra {
  type?: string;
  message?: string;
  sql?: string;
  driver?: string;
  db?: DbInfo;
  pid?: number;
  worker?: string;
  logger?: string;
  level?: string;
  /** driver symbol from a structured err object (mysql2 `code`) */
  symbol?: string;
}

export interface DbInfo {
  local_port?: number;
  thread_id?: number;
  host?: string;
  port?: number;
  /** Connector/J's "last packet successfully received from the server was N milliseconds ago": the
   *  connection was alive (a packet came in) that long before the error (docs/client-errors.md §3) */
  last_received_ms?: number;
}

/** lowercase level names; numeric levels mapped: Monolog 100…600, pino/bunyan 10 trace … 60 fatal */
export function normLevel(v: unknown): string | undefined {
  if (typeof v === 'number' && v >= 100) {
    if (v >= 600) return 'emergency';
    if (v >= 550) return 'alert';
    if (v >= 500) return 'critical';
    if (v >= 400) return 'error';
    if (v >= 300) return 'warning';
    if (v >= 250) return 'notice';
    if (v >= 200) return 'info';
    return 'debug';
  }
  if (typeof v === 'number') {
    if (v >= 60) return 'fatal';
    if (v >= 50) return 'error';
    if (v >= 40) return 'warn';
    if (v >= 30) return 'info';
    if (v >= 20) return 'debug';
    return 'trace';
  }
  if (typeof v !== 'string' || v.length === 0 || v.length > 16) return undefined;
  return v.trim().toLowerCase();
}

const LEVEL_WORDS = new Set([
  'TRACE',
  'DEBUG',
  'INFO',
  'NOTICE',
  'WARN',
  'WARNING',
  'ERROR',
  'ERR',
  'CRITICAL',
  'CRIT',
  'FATAL',
  'SEVERE',
  'ALERT',
  'EMERGENCY',
  'EMERG',
  'FINE',
  'FINER',
  'FINEST',
  'CONFIG',
]);

/** True for an upper-case level word (ERROR, WARNING, …) */
export function isLevelWord(w: string): boolean {
  return w.length >= 3 && w.length <= 9 && LEVEL_WORDS.has(w.toUpperCase());
}

export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Positive integer from a string of digits (≤ 10), or undefined */
export function toInt(s: string | undefined): number | undefined {
  if (s === undefined || s.length === 0 || s.length > 10) return undefined;
  for (let i = 0; i < s.length; i++) if (!isDigit(s.charCodeAt(i))) return undefined;
  return Number(s);
}

/** A TCP port 1..65535 from a number or digit string, else undefined */
export function toPort(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' ? toInt(v) : undefined;
  return n !== undefined && Number.isInteger(n) && n > 0 && n < 65536 ? n : undefined;
}
