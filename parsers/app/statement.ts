/**
 * The shape of a SQL statement, for comparing the statement an app logged with failing (Laravel's `(SQL: …)`,
 * a Python traceback's query) with a MySQL thread's last statement in the general log (docs/confidence.md,
 * "The statement the app logged"). Literals become `?` with the one redaction both logs use (parsers/mysql/
 * redact.ts): the agent redacts them by default and `goneaway correlate` keeps them, and the comparison must
 * give both drivers the same answer. Whitespace runs become one space, case is folded (keywords are
 * case-insensitive; identifiers are on most servers' file systems too) and a trailing `;` is dropped. An app
 * that cut its statement short (`select * from o...`, `…`) is compared as a prefix.
 */
import { redactSqlLiterals } from './redact.js';

export interface StatementShape {
  text: string;
  /** the app logged only the statement's start */
  cut: boolean;
}

const CUT = /(?:\.\.\.|…)\s*$/;

export function statementShape(sql: string): StatementShape {
  const cut = CUT.test(sql);
  const body = cut ? sql.replace(CUT, '') : sql;
  const text = redactSqlLiterals(body).replace(/\s+/g, ' ').trim().replace(/\s*;$/, '').toLowerCase();
  return { text, cut };
}

/** whether two statements can be the same one: equal shapes, or one the start of the other where it was cut */
export function sameStatement(a: StatementShape, b: StatementShape): boolean {
  if (!a.text || !b.text) return false;
  if (a.cut) return b.text.startsWith(a.text);
  if (b.cut) return a.text.startsWith(b.text);
  return a.text === b.text;
}
