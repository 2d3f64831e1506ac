/**
 * MySQL / MariaDB error log, every version in one parser (USER_PAIN #8: one file often mixes them).
 *
 * Header shapes (FORMATS.md §2.1), all read as Elastic's mysql integration does
 * (`%{MYSQLDATETIME}%{SPACE}(%{NUMBER:mysql.thread_id}%{SPACE})?(\[%{DATA:log.level}\]%{SPACE})?%{GREEDYMULTILINE:message}`
 * then `[event.code] [event.provider]`), so `message` keeps MySQL 8's `[MY-xxxxxx] [Subsystem] ` prefix like Elastic's:
 *  - 5.5 `161209 14:18:58 [Note] …` / `161209 14:18:50  InnoDB: …` (no level) / `… mysqld_safe …`
 *  - 5.6 `2015-01-27 20:28:09 17479 [Note] …` (the number is the PID there; kept as mysql.thread_id like Elastic)
 *  - 5.7 `2016-12-09T12:08:33.335060Z 0 [Warning] …`, 8.0+ `… 0 [System] [MY-010116] [Server] …`
 *  - MariaDB `2019-10-16 17:24:15 0 [Note] …`, `2021-07-06  7:29:32 …`, ≤10.2 OS thread ids
 *  - JSON sink (json-sink.ts), crash header `06:37:41 UTC - mysqld got signal 6 ;` (§2.2)
 * Records without any header (an orphan `Version: …` continuation at the start of a file) still give a
 * record with t = undefined, as Elastic's catch-all grok does.
 */
import type { ParseContext, ParseResult, Doc } from '../types.js';
import { parseIsoAt } from '../time.js';
import { classifyErrorMessage } from './error-messages.js';
import { looksJsonSink, parseJsonSinkRecord } from './json-sink.js';
import { isDigit, looksIsoDate, looksYymmdd, looksClock, parseYymmddAt, readUint, skipBlanks, isoCached } from './stamp.js';
import { knownCommandAt, detectKill } from './general-args.js';
import { redactSql } from './redact.js';

const PARSER = 'mysql_error';
const DAY = 86_400_000;

/**
 * Does `line` start a new error-log record? Same spirit as Elastic's multiline pattern
 * `^([0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{6})` but the 6 digits must be followed by a time, plus JSON-sink
 * lines and the date-less crash header. Everything else (Version: …, InnoDB: …, stack frames, blank lines)
 * continues the previous record.
 */
export function isMysqlErrorRecordStart(line: string): boolean {
  const c = line.charCodeAt(0);
  if (isDigit(c)) {
    if (looksIsoDate(line, 0) || looksYymmdd(line, 0)) return true;
    return looksClock(line, 0) && line.startsWith(' UTC - ', 8);
  }
  return c === 123 && looksJsonSink(line);
}

const LEVELS = new Set(['note', 'warning', 'error', 'system', 'info']);

function bad(message: string, value: string): ParseResult {
  return { ok: false, issue: { code: 'bad_timestamp', parser: PARSER, message, value } };
}

/** `HH:MM:SS` UTC of a date-less crash header → the instant closest to ctx.refTime (the last dated record). */
function clockNearRef(s: string, ref: number | undefined): number | undefined {
  if (ref === undefined || !Number.isFinite(ref)) return undefined;
  const h = Number(s.slice(0, 2)), mi = Number(s.slice(3, 5)), sec = Number(s.slice(6, 8));
  if (h > 23 || mi > 59 || sec > 60) return undefined;
  const base = Math.floor(ref / DAY) * DAY + ((h * 60 + mi) * 60 + sec) * 1000;
  let best = base;
  for (const cand of [base - DAY, base + DAY]) if (Math.abs(cand - ref) < Math.abs(best - ref)) best = cand;
  return best;
}

export function parseMysqlErrorRecord(text: string, ctx: ParseContext): ParseResult {
  if (text.length === 0 || text.trim() === '') return { ok: false, issue: { code: 'empty', parser: PARSER, message: 'empty record' } };
  const c0 = text.charCodeAt(0);
  if (c0 === 123 && looksJsonSink(text)) {
    const r = parseJsonSinkRecord(text, ctx);
    if (r) return r;
  }

  let t: number | undefined;
  let p = 0;
  let stamped = false;
  let crashUtc = false;
  if (isDigit(c0)) {
    if (looksIsoDate(text, 0)) {
      const ts = parseIsoAt(text, 0, ctx.zone);
      if (!ts) return bad('unreadable ISO timestamp', text.slice(0, 32));
      t = ts.t; p = ts.end; stamped = true;
    } else if (looksYymmdd(text, 0)) {
      let ts = parseYymmddAt(text, 0, ctx.zone);
      if (!ts) return bad('unreadable YYMMDD timestamp', text.slice(0, 15));
      // `YYMMDD HH:MM:SS UTC - mysqld got signal` : the crash handler writes UTC, not local time
      if (text.startsWith(' UTC - ', ts.end)) ts = parseYymmddAt(text, 0, ctx.zone, true) ?? ts;
      t = ts.t; p = ts.end; stamped = true;
    } else if (looksClock(text, 0) && text.startsWith(' UTC - ', 8)) {
      t = clockNearRef(text, ctx.refTime);
      crashUtc = true;
    }
  }

  let threadCol: number | undefined;
  let level: string | undefined;
  let code: string | undefined;
  let provider: string | undefined;
  let msgStart = 0;
  let bodyStart = 0;
  if (stamped) {
    p = skipBlanks(text, p);
    const tid = isDigit(text.charCodeAt(p)) ? readUint(text, p) : undefined;
    if (tid && (text.charCodeAt(tid.end) === 32 || text.charCodeAt(tid.end) === 9)) {
      threadCol = tid.value;
      p = skipBlanks(text, tid.end);
    }
    if (text.charCodeAt(p) === 91 /* [ */) {
      const close = text.indexOf(']', p + 1);
      if (close > p && close - p <= 12 && LEVELS.has(text.slice(p + 1, close).toLowerCase())) {
        level = text.slice(p + 1, close);
        p = skipBlanks(text, close + 1);
      }
    }
    msgStart = bodyStart = p;
    // MySQL 8 `[MY-010116] [Server] ` (anchored; a MariaDB message like `[root@localhost][db.ev]` is not a code)
    if (text.startsWith('[MY-', p)) {
      const ce = text.indexOf(']', p + 4);
      if (ce > 0 && ce - p <= 16) {
        const q = skipBlanks(text, ce + 1);
        const pe = text.charCodeAt(q) === 91 ? text.indexOf(']', q + 1) : -1;
        if (pe > q && pe - q <= 64 && text.lastIndexOf('\n', pe) < q) {
          code = text.slice(p + 1, ce);
          provider = text.slice(q + 1, pe);
          bodyStart = skipBlanks(text, pe + 1);
        }
      }
    }
    if (text.startsWith('UTC - ', bodyStart)) { crashUtc = true; bodyStart += 6; }
  }

  let message = text.slice(msgStart);
  const body = bodyStart === msgStart ? message : text.slice(bodyStart);
  const mysql = classifyErrorMessage(crashUtc && !stamped ? body.slice(15) : body, text, code, threadCol) as Doc;
  if (threadCol !== undefined) mysql.thread_id = threadCol;

  const doc: Doc = {};
  if (stamped && level === undefined && threadCol !== undefined) {
    // a general-log line that slipped into the error log (beats issue #14076, FORMATS.md §2.2): keep it, typed
    const command = knownCommandAt(body, 0);
    if (command !== undefined && body.charCodeAt(command.length) === 9) {
      let argument = body.slice(command.length + 1);
      const general: Doc = { command, argument };
      const k = command === 'Query' ? detectKill(argument) : undefined;
      if (k) general.kill = k;
      if (ctx.redactSql && (command === 'Query' || command === 'Prepare' || command === 'Execute')) {
        argument = redactSql(argument);
        general.argument = argument;
        message = command + '\t' + argument;
      }
      mysql.general = general;
    }
  }
  if (level === undefined && threadCol === undefined && body.startsWith('mysqld_safe ')) doc.process = { name: 'mysqld_safe' };

  if (t !== undefined) doc['@timestamp'] = isoCached(t);
  doc.message = message;
  if (level !== undefined) doc.log = { level };
  if (code !== undefined) doc.event = { code, provider };
  doc.mysql = mysql;
  return { ok: true, value: { kind: 'mysql_error', t, doc } };
}
