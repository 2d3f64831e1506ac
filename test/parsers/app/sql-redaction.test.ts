import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAppRecord, redactSqlLiterals, unparsedAppText } from '../../../parsers/app/index.js';
import { get, one } from './helpers.js';
import { makeZone } from '../../../parsers/zones.js';

test('literals become ?, identifiers and placeholders stay', () => {
  const cases: Array<[string, string]> = [
    ['select * from `orders` where `id` = 42 limit 1', 'select * from `orders` where `id` = ? limit ?'],
    [
      "INSERT INTO t1 (a, b2) VALUES ('it''s', \"x\\\"y\", -1.5e3, 0x1F, X'0A')",
      'INSERT INTO t1 (a, b2) VALUES (?, ?, -?, ?, ?)',
    ],
    [
      'SELECT users.id FROM users WHERE users.id = %(pk_1)s AND x = ? AND y = :name',
      'SELECT users.id FROM users WHERE users.id = %(pk_1)s AND x = ? AND y = :name',
    ],
    ["select _utf8mb4'abc', N'x', 'unterminated", 'select ?, ?, ?'],
  ];
  for (const [i, o] of cases) assert.equal(redactSqlLiterals(i), o, i);
});

test('ctx.redactSql redacts app.sql and the SQL inside the messages', () => {
  const rec =
    "[2026-11-23 20:21:26] production.ERROR: SQLSTATE[HY000]: General error: 2006 MySQL server has gone away (SQL: select * from users where email = 'alice@example.com') []";
  const plain = one(rec);
  assert.equal(get(plain, 'app.sql'), "select * from users where email = 'alice@example.com'");
  const red = one(rec, { zone: makeZone('UTC'), redactSql: true });
  assert.equal(get(red, 'app.sql'), 'select * from users where email = ?');
  assert.ok(!String(get(red, 'message')).includes('alice@example.com'));
});

/** the text a record is shown with (Parsed.text, else the raw record) under ctx.redactSql */
function shown(rec: string, redactSql = true): string {
  const r = parseAppRecord(rec, { zone: makeZone('UTC'), redactSql });
  assert.ok(r.ok && r.value, JSON.stringify(r));
  return r.value.text ?? rec;
}

test("ctx.redactSql redacts every copy of the SQL in the record's shown text (Laravel's message and context)", () => {
  // examples/lab/13_mixed/app-php.log (Laravel 10 on PHP 8.2, the lab's run)
  const rec =
    '[2026-11-24 23:43:38] production.ERROR: SQLSTATE[HY000]: General error: 2006 MySQL server has gone away (SQL: select id from products where id = 84) {"exception":"[object] (Illuminate\\\\Database\\\\QueryException(code: HY000): SQLSTATE[HY000]: General error: 2006 MySQL server has gone away (SQL: select id from products where id = 84) at /srv/shop/vendor/laravel/framework/src/Illuminate/Database/Connection.php:760)"}';
  assert.equal(shown(rec), rec.split('where id = 84').join('where id = ?'));
  assert.equal(shown(rec, false), rec);
});

test("a statement in a Python worker's message is redacted in message and text, and is app.sql", () => {
  // examples/lab/13_mixed/app-python.log: PyMySQL 1.0 under the lab's worker
  const rec = [
    '2026-11-24 23:43:34,964 ERROR [py-3] shop.reports: report query failed: select id, sku from products where id = 51',
    'Traceback (most recent call last):',
    "pymysql.err.OperationalError: (2013, 'Lost connection to MySQL server during query')",
  ].join('\n');
  const r = parseAppRecord(rec, { zone: makeZone('UTC'), redactSql: true });
  assert.ok(r.ok && r.value);
  assert.equal(r.value.text, rec.replace('where id = 51', 'where id = ?'));
  assert.equal(get(r.value.doc, 'message'), 'report query failed: select id, sku from products where id = ?');
  // lower-case statements fill app.sql too (parsers/app/fields.ts ANY_CASE_STATEMENT)
  assert.equal(get(r.value.doc, 'app.sql'), 'select id, sku from products where id = ?');
  assert.equal(shown(rec, false), rec);
});

test("a JSON line's escaped SQL is redacted in the text as it is written there", () => {
  const rec = JSON.stringify({
    level: 50,
    time: 1795562618000,
    msg: 'query failed',
    err: {
      type: 'Error',
      code: 'PROTOCOL_CONNECTION_LOST',
      message: 'Connection lost: The server closed the connection.',
      sql: "select * from users where name = 'a\"b' and id = 3",
    },
  });
  const text = shown(rec);
  assert.ok(!text.includes('a\\"b') && !text.includes('id = 3'), text);
  assert.ok(text.includes('where name = ? and id = ?'), text);
});

test('an unparsed app record (unreadable time) is shown with its SQL redacted, only under redactSql', () => {
  const rec =
    "[2026-13-45 99:99:99] production.ERROR: SQLSTATE[HY000]: General error: 2006 MySQL server has gone away (SQL: select * from users where email = 'alice@example.com')";
  assert.equal(
    unparsedAppText(rec, { zone: makeZone('UTC'), redactSql: true }),
    rec.replace("'alice@example.com'", '?'),
  );
  assert.equal(unparsedAppText(rec, { zone: makeZone('UTC') }), rec);
});
