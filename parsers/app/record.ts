/**
 * From a detected record to the docs/documents.md "App error" document: pick the header parser by the first
 * character of the record, let the language module name the exception and its message, attach SQL
 * (redacted on request) and connection keys.
 */
import type { AppOutcome, Doc, ParseContext, Parsed } from '../types.js';
import { isoUtc } from '../time.js';
import type { Detection, DbInfo, Extra, Header, Language } from './model.js';
import { guessDriver, lineAt, splitClass } from './drivers.js';
import { parseGenericHeader, parseSyslogEnvelope } from './header.js';
import { parseLaravelHeader, parsePhpErrorLogHeader, phpExtra } from './php.js';
import { parseGoMysqlHeader, parseLogfmtHeader, goExtra } from './go.js';
import { parseRubyHeader, rubyExtra } from './ruby.js';
import { pythonExtra } from './python.js';
import { javaExtra } from './java.js';
import { nodeCrashExtra, nodeCrashHeader } from './node.js';
import { parseJsonRecord } from './json.js';
import { compact, dbFromText, dbIsEmpty, sqlFromText } from './fields.js';
import { redactAppValues, redactSqlLiterals } from './redact.js';

/** "a record, but not one of ours" (parsers/types.ts AppOutcome) */
export const NOT_OURS: AppOutcome = Object.freeze({ ok: true, value: null }) as AppOutcome;

const MAX_MSG = 4096;

/** Header of a text (non-JSON) first line, by its first character. */
function textHeader(line: string, ctx: ParseContext, allowSyslog = true): Header | undefined {
  const c = line.charCodeAt(0);
  if (c === 91 /* [ */) {
    return (
      parseLaravelHeader(line, ctx) ??
      parsePhpErrorLogHeader(line, ctx) ??
      parseGoMysqlHeader(line, ctx) ??
      parseGenericHeader(line, ctx)
    );
  }
  if (c >= 48 && c <= 57) {
    if (allowSyslog && line.charCodeAt(10) === 84) {
      const s = syslogHeader(line, ctx);
      if (s) return s;
    }
    return parseGenericHeader(line, ctx);
  }
  if (c >= 65 && c <= 90) {
    if (line.charCodeAt(1) === 44) {
      const r = parseRubyHeader(line, ctx);
      if (r) return r;
    }
    if (line.startsWith('PHP ')) return parsePhpErrorLogHeader(line, ctx);
    if (allowSyslog) {
      const s = syslogHeader(line, ctx);
      if (s) return s;
    }
    return parseGenericHeader(line, ctx);
  }
  if (c === 116 || c === 108) return parseLogfmtHeader(line, ctx);
  if (c === 60 && allowSyslog) return syslogHeader(line, ctx);
  return undefined;
}

/** rsyslog envelope + the app's own line inside it (its own stamp wins over the envelope's). */
function syslogHeader(line: string, ctx: ParseContext): Header | undefined {
  const env = parseSyslogEnvelope(line, ctx);
  if (!env) return undefined;
  const payload = line.slice(env.payloadStart);
  const isJson = payload.charCodeAt(0) === 123;
  const inner = isJson ? parseJsonRecord(payload, ctx)?.header : textHeader(payload, ctx, false);
  const h: Header = inner ? { ...inner } : { format: 'syslog', msg: payload.trim() };
  if (isJson && inner) h.jsonAt = env.payloadStart;
  if (h.t === undefined) {
    h.t = env.t;
    h.badTime = undefined;
  }
  h.pid ??= env.pid;
  h.logger ??= env.program;
  h.host = env.host;
  return h;
}

function langExtra(lang: Language, text: string, first: string, h: Header, det: Detection): Extra {
  switch (lang) {
    case 'php':
      return phpExtra(text, h, det);
    case 'python':
      return pythonExtra(text, h, det);
    case 'java':
      return javaExtra(text, h, det);
    case 'go':
      return goExtra(first, h);
    case 'ruby':
      return rubyExtra(text, h, det);
    default: {
      if (h.format === 'node_crash') return nodeCrashExtra(h);
      // evidence in the first line → the log message; else the line holding it, class split off
      if (det.at < first.length) {
        const sc = splitClass(h.msg);
        return { type: sc.type, message: sc.message };
      }
      const sc = splitClass(lineAt(text, det.at).line);
      return { type: sc.type, message: sc.message };
    }
  }
}

const cap = (s: string | undefined) => (s !== undefined && s.length > MAX_MSG ? s.slice(0, MAX_MSG) + '…' : s);

export interface Forced {
  header: Header;
  db?: DbInfo;
  sql?: string;
  message?: string;
}

/** Build the document of a record already known to be a lost-connection error. */
export function buildRecord(text: string, ctx: ParseContext, det: Detection, forced?: Forced): AppOutcome {
  const first = firstLine(text);
  let h: Header;
  let x: Extra = {};
  let db: DbInfo = forced?.db ?? {};
  let json = false;
  if (forced) h = forced.header;
  else if (first.charCodeAt(0) === 123) {
    const j = parseJsonRecord(text, ctx);
    h = j?.header ?? { format: 'plain', msg: first.trim() };
    if (j) {
      x = j.extra;
      db = j.db;
      json = true;
    }
  } else {
    h = nodeCrashHeader(text, first) ?? textHeader(first, ctx) ?? { format: 'plain', msg: first.trim() };
    if (h.jsonAt !== undefined) {
      // JSON payload inside a syslog envelope: its err / db objects count too
      const j = parseJsonRecord(text.slice(h.jsonAt), ctx);
      if (j) {
        x = j.extra;
        db = j.db;
        json = true;
      }
    }
  }
  if (h.t === undefined && h.badTime !== undefined) {
    return {
      ok: false,
      issue: {
        code: 'bad_timestamp',
        parser: 'app',
        message: `unreadable timestamp in a ${h.format} record`,
        value: h.badTime,
      },
    };
  }
  // no stamp on the record (Go's bare `driver: bad connection` after the driver's own dated line): the time of the
  // record before it in the file, said so (docs/client-errors.md "Lines without a stamp")
  let timeFrom: string | undefined;
  if (h.t === undefined) {
    const prev = ctx.previousRecordTime?.();
    if (prev !== undefined) {
      h = { ...h, t: prev };
      timeFrom = 'previous_record';
    }
  }
  const { driver, lang } = guessDriver(text, h.lang);
  if (!json) x = langExtra(lang, text, first, h, det);
  if (forced?.message !== undefined && x.message === undefined) x.message = forced.message.trim();

  // SQL: structured (JSON err.sql / custom group) first, else from the text
  let sql = forced?.sql ?? x.sql;
  if (sql === undefined) {
    const src = json ? `${h.msg}\n${x.message ?? ''}` : text;
    sql = sqlFromText(src, json ? h.msg.length : first.length)?.sql;
  }
  let msg = h.msg;
  let emsg = x.message ?? h.msg;
  let shown: string | undefined;
  const hidden = sql ?? (ctx.redactSql ? looseSql(first) : undefined);
  if (hidden !== undefined && ctx.redactSql) {
    const r = redactSqlLiterals(hidden);
    msg = msg.split(hidden).join(r);
    emsg = emsg.split(hidden).join(r);
    if (r !== hidden) shown = redactedAppText(text, hidden, r);
    if (sql !== undefined) sql = r;
  }
  if (ctx.redactSql) {
    // bound parameters and the row data a server message quotes, outside the statement (redact.ts)
    const base = shown ?? text;
    const values = redactAppValues(base);
    if (values !== base) shown = values;
    msg = redactAppValues(msg);
    emsg = redactAppValues(emsg);
  }
  db = dbFromText(text, db);

  const symbol = x.symbol ?? det.symbol;
  const doc: Doc = {};
  if (h.t !== undefined) doc['@timestamp'] = isoUtc(h.t);
  if (msg.length > 0) doc.message = cap(msg);
  doc.error = compact({ code: det.code, message: cap(emsg), type: x.type });
  doc.app = compact({
    error: compact({
      errno: det.errno,
      sqlstate: det.sqlstate,
      driver,
      language: lang,
      class: det.cls,
      symbol: symbol !== det.code ? symbol : undefined,
    }),
    sql: cap(sql),
    db: dbIsEmpty(db) ? undefined : compact(db),
    worker: h.worker,
    logger: h.logger,
    time_from: timeFrom,
  });
  const pid = x.pid ?? h.pid;
  if (pid !== undefined) doc.process = { pid };
  if (h.level !== undefined) doc.log = { level: h.level.toLowerCase() };
  if (h.host !== undefined) doc.host = { hostname: h.host };
  const value: Parsed = { kind: 'app_error', t: h.t, doc };
  if (shown !== undefined) value.text = shown;
  return { ok: true, value };
}

/**
 * A statement in any case after `: ` on the first line (`report query failed: select … where id = 51`, the lab's
 * Python worker): looked for only to redact it, never to fill app.sql, so records read without redaction and
 * the statement matching (statement.ts) stay as they were. A message that merely starts with such a word loses
 * its literals too: the safe side.
 */
function looseSql(first: string): string | undefined {
  const m = /(?:: |^)((?:select|insert|update|delete|replace|with|call)\s.+)$/i.exec(first);
  return m ? m[1]!.trimEnd() : undefined;
}

/**
 * The record's text with every copy of its SQL redacted (docs/redaction.md): as written, or JSON-escaped (a JSON
 * line's `err.sql`); when the text holds neither (a custom pattern's group rebuilt), all of it redacted as SQL.
 */
function redactedAppText(text: string, sql: string, redacted: string): string {
  if (text.includes(sql)) return text.split(sql).join(redacted);
  const esc = JSON.stringify(sql).slice(1, -1);
  if (esc !== sql && text.includes(esc)) return text.split(esc).join(JSON.stringify(redacted).slice(1, -1));
  return redactSqlLiterals(text);
}

/**
 * The text an unparsed app record (a lost-connection error whose time cannot be read) may be shown with: its
 * SQL redacted as in a parsed record's, when ctx.redactSql.
 */
export function unparsedAppText(text: string, ctx: ParseContext): string {
  if (!ctx.redactSql) return text;
  const nl = text.indexOf('\n');
  const sql = sqlFromText(text, nl < 0 ? text.length : nl)?.sql ?? looseSql(nl < 0 ? text : text.slice(0, nl));
  const r = sql === undefined ? sql : redactSqlLiterals(sql);
  return redactAppValues(r === sql ? text : redactedAppText(text, sql!, r!));
}

/**
 * The time of an app record that is not one of ours (an INFO line): read the way an error's header is, from its
 * first line (or its JSON). The agent's merge uses it as that file's progress in time (src/agent/merger.ts).
 */
export function appRecordTime(text: string, ctx: ParseContext): number | undefined {
  const first = firstLine(text);
  if (first.charCodeAt(0) === 123) return parseJsonRecord(text, ctx)?.header.t;
  return textHeader(first, ctx)?.t;
}

/** a record's first line, without its CR */
function firstLine(text: string): string {
  let nl = text.indexOf('\n');
  if (nl < 0) nl = text.length;
  return text.charCodeAt(nl - 1) === 13 ? text.slice(0, nl - 1) : text.slice(0, nl);
}
