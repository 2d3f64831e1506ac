/**
 * SQL literal redaction for app.sql (ctx.redactSql): string, number, hex and bit literals → `?`,
 * identifiers (`backticked`, names with digits like t1), placeholders (`?`, `%(pk_1)s`, `:id`) and
 * keywords kept. Local to parsers/app/ because parsers/mysql/redact.ts did not exist when this was
 * written; the two should be merged into one when it does.
 *
 * Hand-written scanner (no regex backtracking on hostile input), linear in the SQL length.
 */

const isIdent = (c: number) =>
  (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36 || c > 127;

export function redactSqlLiterals(sql: string): string {
  let out = '';
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql.charCodeAt(i);
    // quoted string: '…' or "…" (MySQL without ANSI_QUOTES), with '' / \' escapes; X'..' / B'..' / N'..' / _utf8'..'
    if (c === 39 || c === 34) {
      let j = i + 1;
      while (j < n) {
        const d = sql.charCodeAt(j);
        if (d === 92) { j += 2; continue; }
        if (d === c) {
          if (sql.charCodeAt(j + 1) === c) { j += 2; continue; }
          break;
        }
        j++;
      }
      // drop an introducer glued to the quote (X'0A', _utf8mb4'abc', N'x')
      const m = /(?:^|[^\w$])([xXbBnN]|_[a-z0-9]+)$/.exec(out);
      if (m) out = out.slice(0, out.length - m[1]!.length);
      out += '?';
      i = Math.min(n, j + 1);
      continue;
    }
    // backticked identifier: copied as is
    if (c === 96) {
      let j = sql.indexOf('`', i + 1);
      if (j < 0) j = n - 1;
      out += sql.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    // number not glued to an identifier: 42, -1.5e3, 0x1F, 0b101
    if (c >= 48 && c <= 57 && (i === 0 || !isIdent(sql.charCodeAt(i - 1)))) {
      let j = i + 1;
      if (c === 48 && (sql.charCodeAt(j) === 120 || sql.charCodeAt(j) === 98)) j++;
      while (j < n) {
        const d = sql.charCodeAt(j);
        if (isIdent(d) || d === 46) { j++; continue; }
        if ((d === 43 || d === 45) && (sql.charCodeAt(j - 1) === 101 || sql.charCodeAt(j - 1) === 69)) { j++; continue; }
        break;
      }
      out += '?';
      i = j;
      continue;
    }
    // identifier (incl. digits inside): copied whole so `t1` / `x2y` keep their digits
    if (isIdent(c)) {
      let j = i + 1;
      while (j < n && isIdent(sql.charCodeAt(j))) j++;
      out += sql.slice(i, j);
      i = j;
      continue;
    }
    out += sql[i];
    i++;
  }
  return out;
}
