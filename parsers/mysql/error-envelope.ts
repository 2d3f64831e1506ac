/**
 * Whose line is it, and does it start an error-log record: the native record starts (an ISO or YYMMDD date, a
 * JSON-sink line, the date-less crash header) and the syslog / journal envelopes an error log read from syslog
 * carries on every line (which program, whether that is the server or speaks about it). error.ts parses the
 * records these tell apart.
 */
import { envelopeFromScan, scanEnvelope, type Envelope } from '../syslog.js';
import { looksJsonSink } from './json-sink.js';
import { isDigit, looksIsoDate, looksYymmdd, looksClock } from './stamp.js';
import { isMysqlCrashReportLine } from './crash-report.js';

/** Does a line start a record in the server's own text (no envelope): a date, a JSON-sink line, the crash header? */
export function nativeStart(line: string): boolean {
  const c = line.charCodeAt(0);
  if (isDigit(c)) {
    if (looksIsoDate(line, 0) || looksYymmdd(line, 0)) return true;
    return looksClock(line, 0) && line.startsWith(' UTC - ', 8);
  }
  return c === 123 && looksJsonSink(line);
}

/**
 * Error logs read from syslog / the journal (Debian's mariadb.service logs to the journal unless
 * log_error is set; `journalctl -u mariadb` and rsyslog files carry an envelope on every line):
 *   `Mar 12 10:39:00 db1 mariadbd[812]: 2024-03-12 10:39:00 57 [Warning] Aborted connection …`
 *   `2024-03-12T10:39:00.123456+00:00 db1 mysqld[812]: [Warning] …` (syslog mode: no own date)
 * An envelope counts only when it names a program (a native `2016-…Z 0 [Note]` line is not one).
 */
export function envelopeOf(line: string): Envelope | undefined {
  if (!mayHaveEnvelope(line)) return undefined;
  const scan = scanEnvelope(line);
  if (scan.format === 'none' || scan.program === undefined) return undefined;
  // a date-less tag only as the server's own `mariadbd[658]: 2023-02-04 12:00:03 1157 [Warning] …`
  // (journal/syslog text with the date cut off: volkszaehler/volkszaehler.org#925): a bare `prog:`
  // would take `Version:` / `InnoDB:` continuations for one, and they never carry a `[pid]`
  if (scan.format === 'program' && (scan.pid === undefined || !SERVER_PROGRAM.test(scan.program))) return undefined;
  return envelopeFromScan(line, scan);
}

/**
 * Cheap pre-check, run on every line: a month name, `<PRI>`, a lower-case `mariadbd[pid]:` tag, or an
 * ISO date with `T` that is NOT followed by MySQL 5.7/8's all-digit thread column (`2024-…Z 56 [Note]`
 * is a native line). Native records start with a digit; only continuation lines pay for the scan.
 */
function mayHaveEnvelope(line: string): boolean {
  const c = line.charCodeAt(0);
  if ((c >= 65 && c <= 90) || c === 60 /* < */ || (c >= 97 && c <= 122) || c >= 0xc0 /* `сен 01` */) return true;
  if (!(looksIsoDate(line, 0) && line.charCodeAt(10) === 84 /* T */)) return false;
  const sp = line.indexOf(' ', 19);
  if (sp < 0) return false;
  let i = sp + 1;
  while (isDigit(line.charCodeAt(i))) i++;
  return !(i > sp + 1 && line.charCodeAt(i) === 32);
}

const SYSLOG_LEVEL = /^(?:\d+\s+)?\[(?:note|warning|error|system|info)\]/i;
const SERVER_PROGRAM = /^(?:mysqld|mariadbd|mariadb|mysql|mysqld_safe|mariadbd-safe|mariadb-safe)$/i;
/** the server itself: its undated lines continue its previous record (crash dumps, Version: …) */
const SERVER_DAEMON = /^(?:mysqld|mariadbd|mariadb|mysql)$/i;
/**
 * docker's syslog logging driver tags a container's lines `docker/<container>` (docs/formats/containers.md):
 * any program may run in it, so such a line is the server's when its text is (a dated server line, a
 * syslog-mode `[Note]`, crash-report text, or nothing: the driver sends an empty line as one message)
 */
const CONTAINER_TAG = /^docker\/[\w.-]+$/;
const containerServerText = (payload: string) => payload.trim() === '' || isMysqlCrashReportLine(payload);
function isServerLine(program: string | undefined, payload: string): boolean {
  if (SERVER_PROGRAM.test(program ?? '')) return true;
  if (!CONTAINER_TAG.test(program ?? '')) return false;
  return nativeStart(payload) || SYSLOG_LEVEL.test(payload) || containerServerText(payload);
}
const SERVER_NEIGHBOUR = /^(?:systemd|kernel|systemd-coredump)$/i;
const MENTIONS_SERVER = /mariadb|mysql/i;

/** An enveloped line starts a record unless it is the server's continuation text (crash dump, Version: …). */
export function wrappedStart(payload: string, program: string | undefined): boolean {
  if (nativeStart(payload) || SYSLOG_LEVEL.test(payload)) return true;
  if (program !== undefined && CONTAINER_TAG.test(program)) return !containerServerText(payload);
  return program === undefined || !SERVER_DAEMON.test(program);
}

/**
 * Does an enveloped record belong in an error log? The server's own lines and what speaks about it (systemd, the
 * kernel's OOM killer); another program's lines (an app logging to the same syslog) are not MySQL records.
 */
export function belongsToServer(program: string | undefined, payload: string): boolean {
  return isServerLine(program, payload) || (SERVER_NEIGHBOUR.test(program ?? '') && MENTIONS_SERVER.test(payload));
}
