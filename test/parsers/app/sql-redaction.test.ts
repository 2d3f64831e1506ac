import { test } from 'node:test';
import assert from 'node:assert/strict';
import { redactSqlLiterals } from '../../../parsers/app/index.js';
import { get, one } from './helpers.js';
import { makeZone } from '../../../parsers/time.js';

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
