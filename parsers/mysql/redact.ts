/**
 * SQL literal redaction: string, number, hex and bit literals become `?` (general logs and app SQL carry
 * customer data; ParseContext.redactSql). Identifiers, keywords, `backtick` names, @variables, existing `?`
 * placeholders and comments (incl. `/*!50002 … *\/` version comments) are kept byte for byte.
 *
 * A single left-to-right scan, no regex: the general log can be millions of statements.
 * Quoted strings follow MySQL's default sql_mode: `\` escapes, a doubled quote is a quote, and `"…"` is a
 * string (not an identifier) unless ANSI_QUOTES — redacting it is the safe side. An unterminated
 * literal (statement cut by the log) is redacted to the end. Prefixed literals `X'0F'`, `B'01'`,
 * `N'…'` and charset introducers `_utf8mb4'…'` become a single `?`.
 */

function isIdentChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 36 || c >= 128;
}

function isDigitC(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** index after the closing quote of the literal opened at i (or sql.length when unterminated) */
function skipQuoted(sql: string, i: number, q: number): number {
  const n = sql.length;
  let p = i + 1;
  while (p < n) {
    const c = sql.charCodeAt(p);
    if (c === 92 /* \ */) {
      p += 2;
      continue;
    }
    if (c === q) {
      if (sql.charCodeAt(p + 1) === q) {
        p += 2;
        continue;
      }
      return p + 1;
    }
    p++;
  }
  return n;
}

/** end of the number literal at i, or -1 when the run is really an identifier (`1abc`, `0xzz`) */
function numberEnd(sql: string, i: number): number {
  const n = sql.length;
  let p = i;
  const c1 = sql.charCodeAt(i + 1) | 0x20;
  if (sql.charCodeAt(i) === 48 && (c1 === 120 /* x */ || c1 === 98) /* b */) {
    p = i + 2;
    const hex = c1 === 120;
    while (p < n) {
      const c = sql.charCodeAt(p);
      const ok = hex ? isDigitC(c) || ((c | 0x20) >= 97 && (c | 0x20) <= 102) : c === 48 || c === 49;
      if (!ok) break;
      p++;
    }
    if (p === i + 2) return -1;
  } else {
    while (p < n && isDigitC(sql.charCodeAt(p))) p++;
    if (sql.charCodeAt(p) === 46 /* . */) {
      p++;
      while (p < n && isDigitC(sql.charCodeAt(p))) p++;
    }
    if ((sql.charCodeAt(p) | 0x20) === 101 /* e */) {
      let q = p + 1;
      if (sql.charCodeAt(q) === 43 || sql.charCodeAt(q) === 45) q++;
      if (isDigitC(sql.charCodeAt(q))) {
        p = q;
        while (p < n && isDigitC(sql.charCodeAt(p))) p++;
      }
    }
  }
  return p < n && isIdentChar(sql.charCodeAt(p)) ? -1 : p;
}

/** Replace string and number literals in `sql` with `?`. Never throws. */
export function redactSql(sql: string): string {
  const n = sql.length;
  let out = '';
  let last = 0; // sql[last, i) not yet copied
  let i = 0;
  while (i < n) {
    const c = sql.charCodeAt(i);
    if (c === 47 /* / */ && sql.charCodeAt(i + 1) === 42 /* * */) {
      const e = sql.indexOf('*/', i + 2);
      i = e < 0 ? n : e + 2;
    } else if (
      (c === 45 && sql.charCodeAt(i + 1) === 45 && (i + 2 >= n || sql.charCodeAt(i + 2) <= 32)) ||
      c === 35 /* # */
    ) {
      const e = sql.indexOf('\n', i);
      i = e < 0 ? n : e;
    } else if (c === 96 /* ` */) {
      i = skipQuoted(sql, i, 96);
    } else if (c === 39 /* ' */ || c === 34 /* " */) {
      out += sql.slice(last, i) + '?';
      i = last = skipQuoted(sql, i, c);
    } else if (
      isDigitC(c) ||
      (c === 46 && isDigitC(sql.charCodeAt(i + 1)) && !(i > 0 && isIdentChar(sql.charCodeAt(i - 1))))
    ) {
      const e = numberEnd(sql, i);
      if (e < 0) {
        i++;
        while (i < n && isIdentChar(sql.charCodeAt(i))) i++;
      } else {
        out += sql.slice(last, i) + '?';
        i = last = e;
      }
    } else if (isIdentChar(c) || c === 64 /* @ */) {
      const start = i;
      i++;
      while (i < n && isIdentChar(sql.charCodeAt(i))) i++;
      if (sql.charCodeAt(i) === 39 && c !== 64) {
        // X'0F', B'01', N'…', _utf8mb4'…' : prefix + literal → one '?'
        const len = i - start;
        const k = c | 0x20;
        if ((len === 1 && (k === 120 || k === 98 || k === 110)) || c === 95) {
          out += sql.slice(last, start) + '?';
          i = last = skipQuoted(sql, i, 39);
        }
      }
    } else {
      i++;
    }
  }
  return last === 0 ? sql : out + sql.slice(last);
}

/**
 * The record's text as it may be shown once its SQL `argument` became `redacted` (docs/redaction.md): the raw
 * text with the redacted argument in place of its last occurrence (a record's argument is its last field), or,
 * when the raw text does not hold the argument verbatim (a table export's escaped tuple), the whole text redacted
 * as SQL — never a literal left in. The raw text itself when nothing was redacted.
 */
export function redactedText(raw: string, argument: string, redacted: string): string {
  if (redacted === argument) return raw;
  const at = argument.length === 0 ? -1 : raw.lastIndexOf(argument);
  if (at < 0) return redactSql(raw);
  return raw.slice(0, at) + redacted + raw.slice(at + argument.length);
}

/**
 * Row data that a server error message quotes, and the statement a replication error quotes: what `redactSql`
 * leaves in an error message because it is not a statement (docs/redaction.md "Values outside statements"). Each
 * pattern is one of MySQL's / MariaDB's messages with a `'%s'` of data (errmsg-utf8.txt), matched with or without
 * a backslash before the quotes (Python's repr of the message escapes them).
 */
const SERVER_VALUES: RegExp[] = [
  // ER_DUP_ENTRY (1062), ER_DUP_ENTRY_WITH_KEY_NAME (1586), ER_DUP_ENTRY_AUTOINCREMENT_CASE (1569)
  /(duplicate entry )(\\?')[\s\S]*?\2(?= for key)/gi,
  // ER_TRUNCATED_WRONG_VALUE_FOR_FIELD (1366), ER_TRUNCATED_WRONG_VALUE (1292), ER_WRONG_VALUE (1525)
  /(incorrect [\w ]{1,40}? value: )(\\?')[\s\S]*?\2(?= for (?:column|function)|\s*$|[\s,;)\]"])/gim,
  // ER_WRONG_VALUE_FOR_VAR (1231): Variable '%s' can't be set to the value of '%s'
  /(can't be set to the value of )(\\?')[\s\S]*?\2(?=\s*$|[\s,;)\]"])/gim,
  // ER_FOREIGN_DUPLICATE_KEY_WITH_CHILD_INFO (1761): … record '%s' would lead to a duplicate entry …
  /(, record )(\\?')[\s\S]*?\2(?= would lead to a duplicate entry)/gi,
];
/** a replica's error: `… on query. Default database: 'db'. Query: 'INSERT …', Gtid 0-1-5, Internal MariaDB …` */
const REPLICA_QUERY = /(Query: ')([\s\S]*?)(?=', Gtid |', Internal MariaDB error code|'\s*$)/gm;
/** the cheap test before the patterns: most error-log records quote no data */
const MAY_QUOTE = /duplicate entry|incorrect .* value: |the value of |, record |Query: '/i;

/** `text` with the quoted data of server error messages replaced by `?`, and a quoted statement's literals. */
export function redactServerValues(text: string): string {
  if (!MAY_QUOTE.test(text)) return text;
  let out = text;
  for (const re of SERVER_VALUES) out = out.replace(re, '$1?');
  return out.replace(REPLICA_QUERY, (_m, head: string, sql: string) => head + redactSql(sql));
}
