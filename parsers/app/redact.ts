/**
 * What an app's error record carries of a customer's data besides its statement's literals (those: one
 * implementation, parsers/mysql/redact.ts `redactSql`, exported here for the app parser): bound parameters logged
 * apart from the statement, and the row data the server's message quotes (docs/redaction.md "Values outside
 * statements").
 */
import { redactServerValues, redactSql } from '../mysql/redact.js';

export { redactSql as redactSqlLiterals } from '../mysql/redact.js';

/**
 * Where bound parameters follow their statement: SQLAlchemy's `[parameters: (5, 'x')]` (its own line since 1.4,
 * inline in 1.3: https://docs.sqlalchemy.org/en/20/errors.html#dbapi-errors) and Doctrine DBAL 2's
 * `… while executing '…' with params [5, "x"]`.
 */
const PARAMS = ['[parameters: ', ' with params ['];

/** `text` with bound parameters and the server message's quoted data replaced by `?` (never throws). */
export function redactAppValues(text: string): string {
  let out = text;
  for (const open of PARAMS) {
    for (let i = out.indexOf(open); i >= 0; i = out.indexOf(open, i + 1)) {
      const start = i + open.length;
      const end = closingBracket(out, start);
      const values = redactValues(out.slice(start, end));
      out = out.slice(0, start) + values + out.slice(end);
    }
  }
  return redactServerValues(out);
}

/**
 * Every value of a parameter list printed by Python's repr or PHP's json: quoted strings (escapes included) by
 * `redactSql`, then what it keeps that is still a value — a number with a suffix (Python 2's `9070L`).
 * `None`, `True`, `null` and names (`datetime.datetime(…)`, `Decimal(…)`) stay; their arguments go.
 */
function redactValues(list: string): string {
  return redactSql(list).replace(/(?<![\w$@])\d[\w.]*/g, '?');
}

/**
 * The index of the `]` closing a list opened just before `start`: brackets counted outside quoted strings; at a
 * list cut by the log (no closing bracket on its line), the end of that line, so that nothing of it is kept.
 */
function closingBracket(text: string, start: number): number {
  let depth = 1;
  for (let p = start; p < text.length; p++) {
    const c = text.charCodeAt(p);
    if (c === 39 || c === 34) {
      // a quoted string: skip to its unescaped closing quote
      for (p++; p < text.length && text.charCodeAt(p) !== c; p++) if (text.charCodeAt(p) === 92) p++;
    } else if (c === 91 || c === 40 || c === 123) depth++;
    else if ((c === 93 || c === 41 || c === 125) && --depth === 0) return p;
    else if (c === 10 && depth > 0) return p;
  }
  return text.length;
}
