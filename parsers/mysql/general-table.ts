/**
 * The general log written to a table (`log_output=TABLE`, mysql.general_log) and then exported
 * (docs/formats/general-log-table.md): a mysqldump of the table (`INSERT INTO \`general_log\` VALUES
 * (…),(…);`), the mysql client's batch output (`SELECT * FROM mysql.general_log` with -B: TAB-separated,
 * a header row) or its boxed table output (`| … | … |`). Each row is one general-log record: the columns
 * event_time, user_host, thread_id, server_id, command_type, argument.
 *
 * A row is turned into the file log's own line shape and read by the general-log parser, so a Connect,
 * Query, Quit or KILL means the same whichever way the log was written.
 */

export interface GeneralRow {
  event_time: string;
  user_host: string;
  thread_id: string;
  server_id: string;
  command_type: string;
  argument: string;
}

const INSERT = /^INSERT INTO `?general_log`? (?:\([^)]*\) )?VALUES\s*/i;
const TABLE_TIME = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d{1,6})?$/;

/** A line of such an export that is no row: dump preamble, the client's borders and column header. */
export function isGeneralTableFrame(line: string): boolean {
  const c = line.charCodeAt(0);
  if (c === 43 /* + */) return /^\+-+\+/.test(line);
  if (c === 124 /* | */) return /^\|\s*event_time\s*\|/.test(line);
  if (c === 101 /* e */) return line.startsWith('event_time\tuser_host\t');
  if (c === 45 /* - */) return line.startsWith('-- ');
  if (c === 47 /* / */) return line.startsWith('/*!');
  return /^(?:LOCK TABLES|UNLOCK TABLES|DROP TABLE|CREATE (?:TABLE|DATABASE)|SET |USE |START TRANSACTION|COMMIT;)/.test(
    line,
  );
}

/** Does the line hold rows of an export (an INSERT, one tuple, a boxed or a TAB row)? */
export function isGeneralTableRowLine(line: string): boolean {
  const c = line.charCodeAt(0);
  if (c === 73 /* I */ || c === 105) return INSERT.test(line);
  if (c === 40 /* ( */) return line.startsWith("('") && TABLE_TIME.test(line.slice(2, line.indexOf("'", 2)));
  if (c === 124 /* | */) return splitBoxed(line) !== undefined;
  if (c >= 48 && c <= 57) return splitTabs(line) !== undefined;
  return false;
}

/**
 * The rows of an INSERT line (mysqldump's extended insert puts many on one line), each with its index
 * in the line. Every byte of the line is in one row's text: the first carries `INSERT … VALUES `, each
 * its `,`, the last the closing `;`. Undefined when the line is not an INSERT into general_log.
 */
export function splitGeneralLogInsert(line: string): Array<{ at: number; text: string }> | undefined {
  const m = INSERT.exec(line);
  if (!m) return undefined;
  const out: Array<{ at: number; text: string }> = [];
  let from = 0;
  let i = m[0].length;
  while (i < line.length && line.charCodeAt(i) === 40 /* ( */) {
    const end = tupleEnd(line, i);
    if (end < 0) break; // cut off: the rest goes with the last row (or alone), reported by the row parser
    i = end + 1;
    if (line.charCodeAt(i) !== 44 /* , */) break;
    i++;
    out.push({ at: from, text: line.slice(from, i) });
    from = i;
  }
  if (from < line.length || out.length === 0) out.push({ at: from, text: line.slice(from) });
  return out;
}

/** index of the `)` closing the tuple opened at i, skipping quoted strings; -1 when unterminated */
function tupleEnd(s: string, i: number): number {
  let q = false;
  for (let p = i + 1; p < s.length; p++) {
    const c = s.charCodeAt(p);
    if (q) {
      if (c === 92 /* \ */) p++;
      else if (c === 39) q = false;
    } else if (c === 39) q = true;
    else if (c === 41) return p;
  }
  return -1;
}

const SQL_ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '0': '\0', Z: '\x1a', b: '\b' };

/** The values of a `(…)` tuple: quoted strings (mysqldump escapes), `_binary '…'`, `0x…` hex, numbers, NULL. */
function tupleValues(t: string): string[] | undefined {
  let s = t.trim();
  if (s.endsWith(';')) s = s.slice(0, -1);
  if (s.endsWith(',')) s = s.slice(0, -1);
  if (!s.startsWith('(') || !s.endsWith(')')) return undefined;
  const out: string[] = [];
  let p = 1;
  const end = s.length - 1;
  while (p < end) {
    while (s.charCodeAt(p) === 32) p++;
    if (s.startsWith('_binary ', p)) p += 8;
    if (s.charCodeAt(p) === 39) {
      let v = '';
      p++;
      while (p < end && s.charCodeAt(p) !== 39) {
        if (s.charCodeAt(p) === 92) {
          const e = s[p + 1]!;
          v += SQL_ESCAPES[e] ?? e;
          p += 2;
        } else v += s[p++];
      }
      if (p >= end) return undefined;
      out.push(v);
      p++;
    } else {
      let q = p;
      while (q < end && s.charCodeAt(q) !== 44) q++;
      const raw = s.slice(p, q).trim();
      out.push(/^0x[0-9a-f]*$/i.test(raw) ? Buffer.from(raw.slice(2), 'hex').toString('utf8') : raw);
      p = q;
    }
    while (s.charCodeAt(p) === 32) p++;
    if (s.charCodeAt(p) === 44) p++;
  }
  return out;
}

/** `mysql -B` output: TAB-separated, `\n` `\t` `\\` `\0` escaped in values. */
function splitTabs(line: string): string[] | undefined {
  const f = line.split('\t');
  if (f.length !== 6 || !TABLE_TIME.test(f[0]!)) return undefined;
  return f.map((v) => v.replace(/\\([ntr0\\])/g, (_, e: string) => (e === '\\' ? '\\' : (SQL_ESCAPES[e] ?? e))));
}

/** The client's boxed output: `| time | user_host | id | server | command | argument |` (the argument may hold `|`). */
function splitBoxed(line: string): string[] | undefined {
  if (!line.startsWith('| ') || !line.trimEnd().endsWith('|')) return undefined;
  const body = line.trimEnd().slice(2, -1);
  const f: string[] = [];
  let p = 0;
  for (let k = 0; k < 5; k++) {
    const sep = body.indexOf(' | ', p);
    if (sep < 0) return undefined;
    f.push(body.slice(p, sep).trim());
    p = sep + 3;
  }
  f.push(body.slice(p).trimEnd());
  return TABLE_TIME.test(f[0]!) ? f : undefined;
}

/** One exported row (tuple, TAB or boxed form) → its columns; undefined when the text is not a row. */
export function parseGeneralTableRow(text: string): GeneralRow | undefined {
  const ins = INSERT.exec(text);
  if (ins) text = text.slice(ins[0].length); // the first row of an INSERT carries the statement's head
  const c = text.charCodeAt(0);
  const v = c === 40 ? tupleValues(text) : c === 124 ? splitBoxed(text) : splitTabs(text);
  if (!v || v.length !== 6 || !TABLE_TIME.test(v[0]!) || !/^\d+$/.test(v[2]!)) return undefined;
  return {
    event_time: v[0]!,
    user_host: v[1]!,
    thread_id: v[2]!,
    server_id: v[3]!,
    command_type: v[4]!,
    argument: v[5]!,
  };
}

/** The row in the file log's line shape (`<time>\t<id> <Command>\t<argument>`), zone-less like the table. */
export function generalLineOf(row: GeneralRow): string {
  return `${row.event_time}\t${row.thread_id} ${row.command_type}\t${row.argument}`;
}
