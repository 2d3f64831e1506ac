/**
 * MySQL 8 JSON error-log sink (`log_sink_json`, file `<log_error>.NN.json`): one JSON object per event
 * (docs/mysql-logs.md §2.1 "JSON sink", PRIMARY: MySQL manual error-log-json, WL#13786).
 *
 * Mapped onto the same fields as the text sink so the correlator does not care which sink wrote
 * the file: `time`/`ts` → @timestamp, `thread` → mysql.thread_id, `label` → log.level,
 * `err_code` (numeric 10116) → event.code `MY-010116`, `subsystem` → event.provider, `msg` → message.
 */
import type { ParseContext, ParseResult, Doc } from '../types.js';
import { parseIsoAt } from '../time.js';
import { classifyErrorMessage } from './error-messages.js';
import { isoCached } from './stamp.js';

const PARSER = 'mysql_error_json';

/**
 * True when the text looks like a JSON-sink record: `{`, optional blanks, then `"` — or nothing more on
 * the line, the object being written one attribute per line (WL#13786's example;
 * docs/formats/mysql-error-other-lines.md).
 */
export function looksJsonSink(line: string): boolean {
  if (line.charCodeAt(0) !== 123 /* { */) return false;
  let i = 1;
  for (let c = line.charCodeAt(i); c === 32 || c === 9 || c === 13 || c === 10; c = line.charCodeAt(++i));
  return i >= line.length || line.charCodeAt(i) === 34; /* " */
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** `{…}` record → ParseResult; undefined when the text is not a JSON object (caller falls back to text parsing). */
export function parseJsonSinkRecord(text: string, ctx: ParseContext): ParseResult | undefined {
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch {
    // the one-attribute-per-line form may end its last attribute with a comma (WL#13786's example)
    const fixed = text.replace(/,(\s*)\}\s*$/, '$1}');
    if (fixed === text) return undefined;
    try {
      obj = JSON.parse(fixed);
    } catch {
      return undefined;
    }
  }
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return undefined;
  const o = obj as Record<string, unknown>;
  const msg = str(o.msg);
  // the sink always writes prio, err_code, err_symbol, subsystem (WL#9344); `msg` and `time` alone are
  // any JSON logger's (pino, bunyan), and an app log must not pass for a MySQL error log
  if (o.err_code === undefined && o.err_symbol === undefined && o.prio === undefined && o.subsystem === undefined)
    return undefined;

  let t: number | undefined;
  const time = str(o.time);
  if (time !== undefined) t = parseIsoAt(time, 0, ctx.zone)?.t;
  // `ts` (epoch ms, WL#13786) when `time` is missing or unreadable
  if (t === undefined && typeof o.ts === 'number' && Number.isFinite(o.ts)) t = o.ts;
  if (t !== undefined && !Number.isFinite(new Date(t).getTime())) t = undefined;
  if (time !== undefined && t === undefined && o.ts === undefined) {
    return {
      ok: false,
      issue: { code: 'bad_timestamp', parser: PARSER, message: 'unreadable "time" in JSON-sink record', value: time },
    };
  }

  let code: string | undefined;
  if (typeof o.err_code === 'number' && Number.isInteger(o.err_code) && o.err_code >= 0)
    code = 'MY-' + String(o.err_code).padStart(6, '0');
  else if (typeof o.err_code === 'string' && o.err_code !== '')
    code = /^\d+$/.test(o.err_code) ? 'MY-' + o.err_code.padStart(6, '0') : o.err_code;

  const threadCol = typeof o.thread === 'number' && Number.isFinite(o.thread) ? o.thread : undefined;
  const message = msg ?? '';
  const mysql: Doc = {};
  if (threadCol !== undefined) mysql.thread_id = threadCol;
  const typed = classifyErrorMessage(message, message, code, threadCol);
  Object.assign(mysql, typed);
  const sym = str(o.err_symbol);
  if (sym !== undefined) mysql.error_symbol = sym;
  const state = str(o.SQL_state);
  if (state !== undefined) mysql.sql_state = state;

  const doc: Doc = {};
  if (t !== undefined) doc['@timestamp'] = isoCached(t);
  doc.message = message;
  const label = str(o.label);
  if (label !== undefined) doc.log = { level: label };
  const event: Doc = {};
  if (code !== undefined) event.code = code;
  const sub = str(o.subsystem);
  if (sub !== undefined) event.provider = sub;
  if (code !== undefined || sub !== undefined) doc.event = event;
  doc.mysql = mysql;
  return { ok: true, value: { kind: 'mysql_error', t, doc } };
}
