/**
 * MySQL / MariaDB general query log (file output), docs/mysql-logs.md §3.
 *
 * Line shapes:
 *  - MySQL 5.7+: `<ISO µs Z|±hh:mm>\t%5u <Command>\t<argument>` on every line (Datadog's copy uses spaces).
 *  - MySQL ≤5.6 / MariaDB: `YYMMDD %2d:MM:SS\t%6u <Command>\t<argument>` only when the second changes,
 *    `\t\t%6u <Command>\t<argument>` otherwise (sql/log.cc MYSQL_QUERY_LOG::write) → the time is carried
 *    from the previous record through GeneralLogState and marked `time_carried`.
 *  - Datadog strips the TABs: `424242 Query\t…`.
 *  - Header lines (`…, Version: … started with:`, `Tcp port: …`, `Time  Id Command  Argument`) repeat inside
 *    a file (FLUSH LOGS, RDS) and are records of their own, never queries (docs/parsing-pitfalls.md #9).
 * Multi-line statements: the argument is written raw, so continuation lines have no prefix; the pipeline
 * joins them (isMysqlGeneralRecordStart) and the whole text after the command TAB is the argument.
 */
import type { ParseContext, ParseResult, Doc, Parsed } from '../types.js';
import { parseIsoAt } from '../time.js';
import { isDigit, looksIsoDate, looksYymmdd, parseYymmddAt, readUint, isoCached } from './stamp.js';
import { knownCommandAt, parseConnect, detectKill, isGeneralHeaderLine, parseGeneralHeader } from './general-args.js';
import { redactSql, redactedText } from './redact.js';
import {
  generalLineOf,
  isGeneralTableFrame,
  isGeneralTableRowLine,
  parseGeneralTableRow,
  splitGeneralLogInsert,
} from './general-table.js';

const PARSER = 'mysql_general';

export interface GeneralLogState {
  /** epoch ms of the last timestamped record (MariaDB/5.6 print the time only when the second changes) */
  lastT: number | undefined;
}

export function newGeneralLogState(): GeneralLogState {
  return { lastT: undefined };
}

/** Commands whose argument is SQL text (redacted when ctx.redactSql). */
const SQL_COMMANDS = new Set(['Query', 'Prepare', 'Execute']);

/**
 * Does `line` start a new general-log record? Only a timestamped line, a `\t\t<id> <Command>` line,
 * Datadog's bare `<id> <Command>\t` (known commands only), or a header line; everything else continues
 * the previous statement.
 */
export function isMysqlGeneralRecordStart(line: string): boolean {
  const c = line.charCodeAt(0);
  if (c === 9) {
    if (line.charCodeAt(1) !== 9) return false;
    return idThenCommand(line, 2, false);
  }
  if (isDigit(c)) {
    if (looksIsoDate(line, 0) || looksYymmdd(line, 0)) {
      // the id + command must follow, so that a continuation line starting with a date is not a record
      let p = 0;
      while (p < line.length && line.charCodeAt(p) !== 9 && !(line.charCodeAt(p) === 32 && p > 14)) p++;
      return idThenCommand(line, p, true) || isGeneralTableRowLine(line);
    }
    return idThenCommand(line, 0, false);
  }
  // rows and frame lines of a general_log table export (general-table.ts)
  return isGeneralHeaderLine(line) || isGeneralTableRowLine(line) || isGeneralTableFrame(line);
}

/** blanks, digits, space(s), then a command; `anyCommand` accepts unknown names followed by TAB */
function idThenCommand(s: string, p: number, anyCommand: boolean): boolean {
  while (s.charCodeAt(p) === 32 || s.charCodeAt(p) === 9) p++;
  const start = p;
  while (isDigit(s.charCodeAt(p))) p++;
  if (p === start || s.charCodeAt(p) !== 32) return false;
  while (s.charCodeAt(p) === 32) p++;
  if (knownCommandAt(s, p) !== undefined) return true;
  return anyCommand && unknownCommandEnd(s, p) > 0;
}

/**
 * End (index of the TAB) of a command name not in the table: a capitalised word of letters, `_` and
 * single spaces followed by TAB (new server versions add commands). -1 when not that shape.
 */
function unknownCommandEnd(s: string, p: number): number {
  const c0 = s.charCodeAt(p);
  if (c0 < 65 || c0 > 90) return -1;
  let q = p + 1;
  while (q < s.length && q - p <= 40) {
    const c = s.charCodeAt(q);
    if (c === 9) return q;
    const letter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
    if (!letter && !(c === 32 && s.charCodeAt(q - 1) !== 32)) return -1;
    q++;
  }
  return -1;
}

function noMatch(message: string): ParseResult {
  return { ok: false, issue: { code: 'no_match', parser: PARSER, message } };
}

export function parseMysqlGeneralRecord(text: string, ctx: ParseContext, state: GeneralLogState): ParseResult {
  if (text.length === 0 || text.trim() === '')
    return { ok: false, issue: { code: 'empty', parser: PARSER, message: 'empty record' } };
  const c0 = text.charCodeAt(0);
  // a table export's row or frame: never a `\t\t<id>` line, nor a dated file-log line (`T` / `YYMMDD `)
  if (c0 !== 9 && c0 !== 32 && (!(c0 >= 48 && c0 <= 57) || text.charCodeAt(10) === 32)) {
    const tab = tableRecord(text, ctx, state);
    if (tab) return tab;
  }
  let p = 0;
  let t: number | undefined;
  let stamped = false;
  if (isDigit(c0)) {
    let ts: { t: number; end: number } | undefined;
    if (looksIsoDate(text, 0)) {
      ts = parseIsoAt(text, 0, ctx.zone);
      if (!ts)
        return {
          ok: false,
          issue: {
            code: 'bad_timestamp',
            parser: PARSER,
            message: 'unreadable ISO timestamp',
            value: text.slice(0, 32),
          },
        };
    } else if (looksYymmdd(text, 0)) {
      ts = parseYymmddAt(text, 0, ctx.zone);
      if (!ts)
        return {
          ok: false,
          issue: {
            code: 'bad_timestamp',
            parser: PARSER,
            message: 'unreadable YYMMDD timestamp',
            value: text.slice(0, 15),
          },
        };
    }
    if (ts) {
      const after = text.charCodeAt(ts.end);
      if (after !== 9 && after !== 32) return noMatch('timestamp not followed by TAB/space');
      t = ts.t;
      stamped = true;
      p = ts.end;
    }
  } else if (c0 !== 9 && c0 !== 32) {
    const nl = text.indexOf('\n');
    const first = nl < 0 ? text : text.slice(0, nl);
    if (isGeneralHeaderLine(first)) return header(first);
    return noMatch('not a general-log line');
  }

  while (text.charCodeAt(p) === 32 || text.charCodeAt(p) === 9) p++;
  const id = readUint(text, p);
  if (!id || text.charCodeAt(id.end) !== 32) return noMatch('no thread id');
  p = id.end;
  while (text.charCodeAt(p) === 32) p++;

  let command = knownCommandAt(text, p);
  let argStart: number;
  if (command !== undefined) {
    argStart = p + command.length;
    const sep = text.charCodeAt(argStart);
    if (sep === 9) argStart++;
    else if (sep === 32) {
      while (text.charCodeAt(argStart) === 32) argStart++;
    } // Datadog's space variant
  } else {
    const end = unknownCommandEnd(text, p);
    if (end < 0) return noMatch('unknown command');
    command = text.slice(p, end);
    argStart = end + 1;
  }
  let argument = argStart >= text.length ? '' : text.slice(argStart);
  // Datadog's sample keeps the line's own newline and Windows files end lines with CR; a record never
  // ends with either (docs/documents.md: lines joined without the final newline)
  const last = argument.charCodeAt(argument.length - 1);
  if (last === 10 || last === 13) argument = argument.replace(/[\r\n]+$/, '');

  let carried = false;
  if (stamped) state.lastT = t;
  else if (state.lastT !== undefined) {
    t = state.lastT;
    carried = true;
  }

  const general: Doc = { command, argument };
  if (carried) general.time_carried = true;
  if (command === 'Query') {
    const k = detectKill(argument);
    if (k) general.kill = k;
  } else if (command === 'Connect') {
    const c = parseConnect(argument);
    if (c.connect) general.connect = c.connect;
    if (c.access_denied) general.access_denied = c.access_denied;
  } else if (command === 'Kill') {
    const n = /^\s*(\d+)/.exec(argument);
    if (n) general.kill = { target_thread_id: Number(n[1]), query_only: false };
  }
  // KILL targets are read above, before literals turn into '?'
  let shown: string | undefined;
  if (ctx.redactSql && SQL_COMMANDS.has(command)) {
    const r = redactSql(argument);
    general.argument = r;
    // the argument is the record's tail (only a stripped CR/LF after it): the shown text is exact around it
    if (r !== argument) shown = text.slice(0, argStart) + r + text.slice(argStart + argument.length);
  }

  const doc: Doc = {};
  if (t !== undefined) doc['@timestamp'] = isoCached(t);
  doc.message = general.argument === '' ? command : command + '\t' + (general.argument as string);
  doc.mysql = { thread_id: id.value, general };
  const value: Parsed = { kind: 'mysql_general', t, doc };
  if (shown !== undefined) value.text = shown;
  return { ok: true, value };
}

/**
 * The text an unparsed general-log record may be shown with: with ctx.redactSql, all of it redacted as SQL. A
 * record the parser cannot read is most often a statement's continuation lines cut from their start (a file
 * read from the middle, a rotated log), so it holds SQL as often as not (docs/redaction.md).
 */
export function unparsedGeneralText(text: string, ctx: ParseContext): string {
  return ctx.redactSql ? redactSql(text) : text;
}

function header(line: string): ParseResult {
  const h = parseGeneralHeader(line);
  const doc: Doc = { message: line, mysql: { general: { command: 'header', argument: line, header: h } } };
  return { ok: true, value: { kind: 'mysql_general', t: undefined, doc } };
}

/**
 * A record of a general_log table export: a row (tuple, TAB or boxed form), read as the file log's line,
 * plus the columns the file log has no place for; or a frame line (dump statement, border, column names).
 * Undefined when the text is neither (the file-log parser then reads it).
 */
function tableRecord(text: string, ctx: ParseContext, state: GeneralLogState): ParseResult | undefined {
  const nl = text.indexOf('\n');
  const first = nl < 0 ? text : text.slice(0, nl);
  if (isGeneralTableFrame(first)) {
    const doc: Doc = {
      message: first,
      mysql: { general: { command: 'header', argument: text, header: { export: true } } },
    };
    return { ok: true, value: { kind: 'mysql_general', t: undefined, doc } };
  }
  const tuples = splitGeneralLogInsert(first);
  if (tuples) {
    // the pipeline gives each row of an INSERT its own record; a whole statement here holds one row or none
    if (tuples.length !== 1) return noMatch(`INSERT INTO general_log with ${tuples.length} rows in one record`);
  } else if (!isGeneralTableRowLine(first)) return undefined;
  const row = parseGeneralTableRow(text);
  if (!row)
    return noMatch('not a general_log row (event_time, user_host, thread_id, server_id, command_type, argument)');
  const r = parseMysqlGeneralRecord(generalLineOf(row), ctx, state);
  if (r.ok) {
    const general = (r.value.doc.mysql as Doc).general as Doc;
    // the row's own text, not the file-log line made of it
    if (r.value.text !== undefined) r.value.text = redactedText(text, row.argument, general.argument as string);
    general.user_host = row.user_host;
    if (/^\d+$/.test(row.server_id)) general.server_id = Number(row.server_id);
  }
  return r;
}
