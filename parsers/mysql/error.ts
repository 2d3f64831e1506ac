/**
 * MySQL / MariaDB error log, every version in one parser (docs/parsing-pitfalls.md #8: one file often mixes them).
 *
 * Header shapes (docs/mysql-logs.md §2.1), all read as Elastic's mysql integration does
 * (`%{MYSQLDATETIME}%{SPACE}(%{NUMBER:mysql.thread_id}%{SPACE})?(\[%{DATA:log.level}\]%{SPACE})?%{GREEDYMULTILINE:messa
 * ge}`
 * then `[event.code] [event.provider]`), so `message` keeps MySQL 8's `[MY-xxxxxx] [Subsystem] ` prefix like Elastic's:
 *  - 5.5 `161209 14:18:58 [Note] …` / `161209 14:18:50  InnoDB: …` (no level) / `… mysqld_safe …`
 *  - 5.6 `2015-01-27 20:28:09 17479 [Note] …` (the number is the PID there; kept as mysql.thread_id like Elastic)
 *  - 5.7 `2016-12-09T12:08:33.335060Z 0 [Warning] …`, 8.0+ `… 0 [System] [MY-010116] [Server] …`
 *  - MariaDB `2019-10-16 17:24:15 0 [Note] …`, `2021-07-06  7:29:32 …`, ≤10.2 OS thread ids
 *  - JSON sink (json-sink.ts), crash header `06:37:41 UTC - mysqld got signal 6 ;` (§2.2)
 * Records without any header (an orphan `Version: …` continuation at the start of a file) still give a
 * record with t = undefined, as Elastic's catch-all grok does. Where a record starts and whose syslog line it is
 * (a log read from syslog or the journal): error-envelope.ts.
 */
import type { ParseContext, ParseResult, Doc } from '../types.js';
import { isoUtc, parseIsoAt } from '../time.js';
import { stampZoneShift } from '../zones.js';
import { envelopeTime, type Envelope } from '../syslog.js';
import { classifyErrorMessage } from './error-messages.js';
import { looksJsonSink, parseJsonSinkRecord } from './json-sink.js';
import {
  isDigit,
  looksIsoDate,
  looksYymmdd,
  looksClock,
  parseYymmddAt,
  readUint,
  skipBlanks,
  isoCached,
} from './stamp.js';
import { knownCommandAt, detectKill } from './general-args.js';
import { redactServerValues, redactSql, redactedText } from './redact.js';
import { belongsToServer, envelopeOf, nativeStart, wrappedStart } from './error-envelope.js';

const PARSER = 'mysql_error';
const DAY = 86_400_000;

/**
 * Does `line` start a new error-log record? Same spirit as Elastic's multiline pattern
 * `^([0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{6})` but the 6 digits must be followed by a time, plus JSON-sink
 * lines and the date-less crash header. Everything else (Version: …, InnoDB: …, stack frames, blank lines)
 * continues the previous record.
 */
export function isMysqlErrorRecordStart(line: string): boolean {
  const env = envelopeOf(line);
  if (env !== undefined) return wrappedStart(line.slice(env.payloadStart), env.program);
  return nativeStart(line);
}

const LEVELS = new Set(['note', 'warning', 'error', 'system', 'info']);

function bad(message: string, value: string): ParseResult {
  return { ok: false, issue: { code: 'bad_timestamp', parser: PARSER, message, value } };
}

/** `HH:MM:SS` UTC of a date-less crash header → the instant closest to ctx.refTime (the last dated record). */
function clockNearRef(s: string, ref: number | undefined): number | undefined {
  if (ref === undefined || !Number.isFinite(ref)) return undefined;
  const h = Number(s.slice(0, 2)),
    mi = Number(s.slice(3, 5)),
    sec = Number(s.slice(6, 8));
  if (h > 23 || mi > 59 || sec > 60) return undefined;
  const base = Math.floor(ref / DAY) * DAY + ((h * 60 + mi) * 60 + sec) * 1000;
  let best = base;
  for (const cand of [base - DAY, base + DAY]) if (Math.abs(cand - ref) < Math.abs(best - ref)) best = cand;
  return best;
}

export function parseMysqlErrorRecord(text: string, ctx: ParseContext): ParseResult {
  if (text.length === 0 || text.trim() === '')
    return { ok: false, issue: { code: 'empty', parser: PARSER, message: 'empty record' } };
  const env = envelopeOf(text);
  return env === undefined ? parseNative(text, ctx, undefined) : parseWrapped(text, env, ctx);
}

/** A record whose lines carry syslog envelopes: strip them, then read the server's own text. */
function parseWrapped(text: string, env: Envelope, ctx: ParseContext): ParseResult {
  if (!belongsToServer(env.program, text.slice(env.payloadStart))) {
    return {
      ok: false,
      issue: {
        code: 'no_match',
        parser: PARSER,
        message: `syslog program '${env.program ?? ''}' is not the MySQL/MariaDB server (nor systemd/kernel lines about it)`,
      },
    };
  }
  const lines = text.split('\n');
  const inner = lines
    .map((l, i) => {
      if (i === 0) return l.slice(env.payloadStart);
      const e = envelopeOf(l);
      return e === undefined ? l : l.slice(e.payloadStart);
    })
    .join('\n');
  let r: ParseResult;
  if (nativeStart(inner)) {
    r = parseNative(inner, ctx, undefined);
    // the server's zone-less date and the envelope's zoned stamp tell of the same moment (zones.ts stampZoneShift)
    const shift = r.ok && r.value.t !== undefined ? stampZoneShift(r.value.t, env.t, ctx) : 0;
    if (shift !== 0 && r.ok) {
      const t = r.value.t! - shift;
      r = { ok: true, value: { ...r.value, t, doc: { ...r.value.doc, '@timestamp': isoUtc(t) } } };
    }
  } else {
    // syslog mode: no date of the server's own; the envelope's (year from ctx.refTime when it has none)
    const t = envelopeTime(env, ctx);
    if (t === undefined) {
      const message =
        env.format === 'program'
          ? 'no date: neither the `prog[pid]:` tag nor the message carries one'
          : 'syslog date without a year and no dated record before it to take the year from';
      return {
        ok: false,
        issue: { code: 'bad_timestamp', parser: PARSER, message, value: text.slice(0, env.payloadStart) },
      };
    }
    r = parseNative(inner, ctx, t);
  }
  if (r.ok) {
    // the inner text is the raw one's tail on a one-line record; across envelopes, redact all of it (exact: no)
    if (r.value.text !== undefined)
      r.value.text = lines.length === 1 ? text.slice(0, env.payloadStart) + r.value.text : redactSql(text);
    const doc = r.value.doc;
    if (env.host !== undefined && env.host !== '-') doc.host = { hostname: env.host };
    if (doc.process === undefined)
      doc.process = env.pid !== undefined ? { name: env.program, pid: env.pid } : { name: env.program };
  }
  return r;
}

/**
 * The ISO (5.6+/MariaDB) or YYMMDD (5.5, crash headers) stamp at index i: its instant and end, an issue
 * when it has the shape but not a readable date, undefined when there is none.
 */
function stampAt(text: string, i: number, ctx: ParseContext): { t: number; end: number } | ParseResult | undefined {
  if (looksIsoDate(text, i)) {
    const ts = parseIsoAt(text, i, ctx.zone);
    return ts ? { t: ts.t, end: ts.end } : bad('unreadable ISO timestamp', text.slice(i, i + 32));
  }
  if (looksYymmdd(text, i)) {
    const ts = parseYymmddAt(text, i, ctx.zone);
    if (!ts) return bad('unreadable YYMMDD timestamp', text.slice(i, i + 15));
    // `YYMMDD HH:MM:SS UTC - mysqld got signal` : the crash handler writes UTC, not local time
    return text.startsWith(' UTC - ', ts.end) ? (parseYymmddAt(text, i, ctx.zone, true) ?? ts) : ts;
  }
  return undefined;
}

/** `preset`: the time of a record whose text has no date of its own (syslog mode): read as if stamped. */
function parseNative(text: string, ctx: ParseContext, preset: number | undefined): ParseResult {
  const c0 = text.charCodeAt(0);
  if (c0 === 123 && looksJsonSink(text)) {
    const r = parseJsonSinkRecord(text, ctx);
    if (r) return r;
  }

  let t: number | undefined;
  let p = 0;
  let stamped = false;
  let crashUtc = false;
  if (preset !== undefined) {
    t = preset;
    stamped = true;
  } else if (isDigit(c0)) {
    let ts = stampAt(text, 0, ctx);
    if (ts !== undefined && 'ok' in ts) return ts;
    if (ts !== undefined) {
      // a viewer's stamp in front of the server's own: Docker Desktop's log copy (`2025-11-10 18:18:07
      // 2025-11-10 23:18:07 21 [Warning] Aborted connection …`, aces/Loris#10118, the viewer's local
      // time), a k8s UI gluing it on (`…10:18:18.053479+08:002023-10-24  2:18:18 0 [Note] …`,
      // trueforge-org/truecharts#13934). The server's own stamp dates the record; a thread column
      // is never date-shaped (no '-', no `NNNNNN H:MM:SS`), so this only fires on a second stamp.
      const q = skipBlanks(text, ts.end);
      if (isDigit(text.charCodeAt(q)) && (looksIsoDate(text, q) || looksYymmdd(text, q))) {
        const own = stampAt(text, q, ctx);
        if (own !== undefined && !('ok' in own)) {
          // a zoned viewer stamp says which instant the zone-less server clock meant (as in parseWrapped)
          const zoned = /(?:Z|[+-]\d\d:?\d\d)$/.test(text.slice(Math.max(0, ts.end - 6), ts.end));
          ts = zoned ? { t: own.t - stampZoneShift(own.t, ts.t, ctx), end: own.end } : own;
        }
      }
      t = ts.t;
      p = ts.end;
      stamped = true;
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
    if (text.startsWith('UTC - ', bodyStart)) {
      crashUtc = true;
      bodyStart += 6;
    }
  }

  let message = text.slice(msgStart);
  const body = bodyStart === msgStart ? message : text.slice(bodyStart);
  const mysql = classifyErrorMessage(crashUtc && !stamped ? body.slice(15) : body, text, code, threadCol) as Doc;
  if (threadCol !== undefined) mysql.thread_id = threadCol;

  const doc: Doc = {};
  let shown: string | undefined;
  if (stamped && level === undefined && threadCol !== undefined) {
    // a general-log line that slipped into the error log (beats issue #14076, docs/mysql-logs.md §2.2): keep it, typed
    const command = knownCommandAt(body, 0);
    if (command !== undefined && body.charCodeAt(command.length) === 9) {
      let argument = body.slice(command.length + 1);
      const general: Doc = { command, argument };
      const k = command === 'Query' ? detectKill(argument) : undefined;
      if (k) general.kill = k;
      if (ctx.redactSql && (command === 'Query' || command === 'Prepare' || command === 'Execute')) {
        const raw = argument;
        argument = redactSql(argument);
        general.argument = argument;
        message = command + '\t' + argument;
        if (argument !== raw) shown = redactedText(text, raw, argument);
      }
      mysql.general = general;
    }
  }
  if (ctx.redactSql && shown === undefined) {
    // the row data a server message quotes (Duplicate entry '…'), a replica's failed statement (docs/redaction.md)
    const redacted = redactServerValues(message);
    if (redacted !== message) {
      shown = text.slice(0, text.length - message.length) + redacted;
      message = redacted;
    }
  }
  if (level === undefined && threadCol === undefined && body.startsWith('mysqld_safe '))
    doc.process = { name: 'mysqld_safe' };

  if (t !== undefined) doc['@timestamp'] = isoCached(t);
  doc.message = message;
  if (level !== undefined) doc.log = { level };
  if (code !== undefined) doc.event = { code, provider };
  doc.mysql = mysql;
  if (shown !== undefined) return { ok: true, value: { kind: 'mysql_error', t, doc, text: shown } };
  return { ok: true, value: { kind: 'mysql_error', t, doc } };
}
