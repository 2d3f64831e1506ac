/**
 * A statement an app's message carries after `: ` fills app.sql in any case, not only in capitals: the lab's Python
 * worker logs `report query failed: select …` (examples/lab/13_mixed/app-python.log), Rails and PHP apps log the
 * statement as written in their code. A keyword in prose ("select a plan", "update available") is not one.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAppRecord } from '../../../parsers/app/index.js';
import { sqlFromText } from '../../../parsers/app/fields.js';
import { makeZone } from '../../../parsers/zones.js';
import { get } from './helpers.js';

const sqlOf = (line: string) => sqlFromText(line, line.length)?.sql;

test('lower- and mixed-case statements in lost-connection records of several drivers fill app.sql', () => {
  const cases: Array<[string, string]> = [
    [
      // examples/lab/13_mixed/app-python.log (PyMySQL 1.0 under the lab's worker)
      "2026-11-24 23:43:34,964 ERROR [py-3] shop.reports: report query failed: select id, sku from products where id = 51\nTraceback (most recent call last):\npymysql.err.OperationalError: (2013, 'Lost connection to MySQL server during query')",
      'select id, sku from products where id = 51',
    ],
    [
      // Ruby's Logger format with the mysql2 gem's error class
      'E, [2026-11-24T23:43:34.964512 #4242] ERROR -- : Mysql2::Error::ConnectionError: MySQL server has gone away: select id, token from carts where user_id = 42',
      'select id, token from carts where user_id = 42',
    ],
    [
      // PHP's error_log line of a mysqli warning, the app appending its statement
      "[24-Nov-2026 23:43:34 UTC] PHP Warning:  mysqli::query(): MySQL server has gone away in /srv/app/report.php on line 12: Update `orders` Set status = 'paid' where id = 9",
      "Update `orders` Set status = 'paid' where id = 9",
    ],
  ];
  for (const [rec, sql] of cases) {
    const r = parseAppRecord(rec, { zone: makeZone('UTC') });
    assert.ok(r.ok && r.value, rec);
    assert.equal(get(r.value.doc, 'app.sql'), sql, rec);
  }
});

test('statement shapes in any case are found; keywords in prose are not', () => {
  const statements = [
    'x: Select u.id, u.name From users u where u.id = 1',
    'x: select * from t',
    'x: select 1',
    'x: select now()',
    'x: select id from orders limit 1',
    'x: insert ignore into jobs (id) values (1)',
    'x: replace into kv (k, v) values (1, 2)',
    'x: update `users` set a = 1',
    'x: delete from jobs where id = 5',
    'x: with recent as (select 1) select * from recent',
    'x: call refresh_totals(7)',
  ];
  for (const s of statements) assert.equal(sqlOf(s), s.slice(3), s);
  const prose = [
    'billing: select a plan failed',
    'notice: update available',
    'worker: delete failed, retrying',
    'ui: please select a plan from the menu',
    'cache: insert skipped',
    'job: call failed',
    'x: with regards',
  ];
  for (const p of prose) assert.equal(sqlOf(p), undefined, p);
});

test('a statement in capitals is found as before, whatever follows the keyword', () => {
  assert.equal(sqlOf('report query failed: SELECT a plan'), 'SELECT a plan');
  assert.equal(sqlOf('report: UPDATE jobs SET x = 1'), 'UPDATE jobs SET x = 1');
});
