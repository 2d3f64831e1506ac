import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { redactSqlLiterals } from '../../../parsers/app/index.js';
import { sameStatement, statementShape } from '../../../parsers/app/statement.js';
import { get, one } from './helpers.js';
import { makeZone } from '../../../parsers/zones.js';

const ident = fc.constantFrom('orders', 'carts', 'users', 'id', 'email', 'total', 'created_at');
const literal = fc.oneof(
  fc.integer({ min: 0, max: 1_000_000 }).map(String),
  fc.string({ maxLength: 12 }).map((s) => `'${s.replace(/[\\']/g, '')}'`),
);
const space = fc.constantFrom(' ', '  ', '\n  ', '\t');
// select <col> from <table> where <col> = <literal>, with any spacing and keyword case
const statement = fc
  .tuple(ident, ident, ident, literal, space, space, fc.boolean())
  .map(([c, t, w, lit, s1, s2, upper]) => {
    const k = (x: string) => (upper ? x.toUpperCase() : x);
    return { sql: `${k('select')}${s1}${c} ${k('from')} ${t}${s2}${k('where')} ${w} = ${lit}`, c, t, w };
  });

test('the shape ignores literals, whitespace and keyword case: the agent (literals redacted) and correlate agree', () => {
  fc.assert(
    fc.property(statement, literal, (x, other) => {
      const a = statementShape(x.sql);
      // a function, not a string: a literal such as '$&' must not be read as a replacement pattern
      const b = statementShape(x.sql.replace(/= .*$/, () => `= ${other}`));
      assert.ok(sameStatement(a, b));
      // redacting first (the agent's default) gives the same shape
      assert.deepEqual(statementShape(redactSqlLiterals(x.sql)), a);
      // and the shape is a fixed point
      assert.deepEqual(statementShape(a.text), a);
    }),
  );
});

test('statements on other tables or columns are not the same statement', () => {
  fc.assert(
    fc.property(statement, statement, (x, y) => {
      fc.pre(x.c !== y.c || x.t !== y.t || x.w !== y.w);
      assert.ok(!sameStatement(statementShape(x.sql), statementShape(y.sql)));
    }),
  );
});

test('a statement the app cut short (Laravel "...", "…") matches the statement it starts', () => {
  const full = statementShape('select * from orders where id = 7 limit 1');
  assert.ok(sameStatement(statementShape('select * from orde...'), full));
  assert.ok(sameStatement(full, statementShape('SELECT * FROM orders …')));
  assert.ok(!sameStatement(statementShape('select * from carts...'), full));
  // nothing logged is no statement: never the same as anything
  assert.ok(!sameStatement(statementShape('   '), full));
});

// Laravel's QueryException puts the statement in `(SQL: …)` (docs/client-errors.md §1); the parser's app.sql
// is what the correlator compares, redacted or not
test("Laravel's (SQL: …) gives the same shape whether the parser redacts literals or not", () => {
  const rec =
    "[2026-11-23 20:21:26] production.ERROR: SQLSTATE[HY000]: General error: 2006 MySQL server has gone away (SQL: select * from users where email = 'alice@example.com') []";
  const plain = String(get(one(rec), 'app.sql'));
  const red = String(get(one(rec, { zone: makeZone('UTC'), redactSql: true }), 'app.sql'));
  assert.deepEqual(statementShape(plain), statementShape(red));
  assert.equal(statementShape(plain).text, 'select * from users where email = ?');
});
