/**
 * Values outside a statement are redacted as its literals are (docs/redaction.md "Values outside statements"):
 * bound parameters logged apart (SQLAlchemy `[parameters: …]`, Doctrine `with params […]`) and the row data a
 * server message quotes (`Duplicate entry '…' for key`, `Incorrect … value: '…'`), in the app's records and in
 * MySQL's error log.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseAppRecord } from '../../../parsers/app/index.js';
import { redactAppValues } from '../../../parsers/app/redact.js';
import { parseMysqlErrorRecord } from '../../../parsers/mysql/error.js';
import { redactServerValues } from '../../../parsers/mysql/redact.js';
import { makeZone } from '../../../parsers/zones.js';
import { get } from './helpers.js';

const RED = { zone: makeZone('UTC'), redactSql: true };

test('a SQLAlchemy lost connection: [parameters: …] loses its values, the statement its literals', () => {
  // SQLAlchemy 1.4+ puts [SQL: …] and [parameters: …] on lines of their own (one line in 1.3, as in
  // https://github.com/bhark/Konsent/issues/34), after PyMySQL's error
  const rec = [
    "2026-11-24 23:43:34,964 ERROR [py-3] shop.orders: (pymysql.err.OperationalError) (2013, 'Lost connection to MySQL server during query')",
    '[SQL: INSERT INTO users (email, name, age) VALUES (%(email)s, %(name)s, %(age)s)]',
    "[parameters: {'email': 'alice@example.com', 'name': 'Alice [admin]', 'age': 41}]",
    '(Background on this error at: https://sqlalche.me/e/14/e3q8)',
  ].join('\n');
  const r = parseAppRecord(rec, RED);
  assert.ok(r.ok && r.value, JSON.stringify(r));
  const text = r.value.text ?? rec;
  for (const secret of ['alice@example.com', 'Alice', '41']) assert.ok(!text.includes(secret), `${secret} in ${text}`);
  assert.ok(text.includes('[parameters: {?: ?, ?: ?, ?: ?}]\n(Background on this error at'), text);
  assert.ok(!JSON.stringify(r.value.doc).includes('alice@example.com'));
  // without redaction the record is shown as read
  const plain = parseAppRecord(rec, { zone: makeZone('UTC') });
  assert.ok(plain.ok && plain.value && (plain.value.text ?? rec) === rec);
});

test("SQLAlchemy 1.3's one-line form, Python's repr escaping the quotes, and Python 2 longs", () => {
  // https://github.com/kkamkou/gitmostwanted.com/issues/180, https://github.com/snorkel-team/snorkel/issues/1105
  const line =
    "raised unexpected: IntegrityError('(pymysql.err.IntegrityError) (1062, \"Duplicate entry \\'237159-2017-02-07\\' for key \\'PRIMARY\\'\")',) " +
    "[SQL: 'INSERT INTO repos_mean (repo_id) VALUES (%(repo_id)s)'] [parameters: ((9070L, 13952, None), (9071L, 13950, None))] " +
    '(Background on this error at: http://sqlalche.me/e/gkpj)';
  const out = redactAppValues(line);
  assert.ok(out.includes("Duplicate entry ? for key \\'PRIMARY\\'"), out);
  assert.ok(out.includes('[parameters: ((?, ?, None), (?, ?, None))] (Background'), out);
  for (const secret of ['237159', '9070', '13952']) assert.ok(!out.includes(secret), out);
});

test("Doctrine's `with params […]` and a value cut by the log are redacted to their end", () => {
  const doctrine =
    "An exception occurred while executing 'INSERT INTO users (email) VALUES (?)' with params [\"bob@example.com\", 7]:\n\nSQLSTATE[23000]: Integrity constraint violation: 1062 Duplicate entry 'bob@example.com' for key 'users_email_unique'";
  assert.equal(
    redactAppValues(doctrine),
    "An exception occurred while executing 'INSERT INTO users (email) VALUES (?)' with params [?, ?]:\n\nSQLSTATE[23000]: Integrity constraint violation: 1062 Duplicate entry ? for key 'users_email_unique'",
  );
  assert.equal(redactAppValues("x [parameters: ('carol', 'cut her"), 'x [parameters: (?, ?');
});

test('server messages that quote row data: each value becomes ?, names and keys stay', () => {
  const cases: Array<[string, string]> = [
    ["Duplicate entry 'a@b.c' for key 'PRIMARY'", "Duplicate entry ? for key 'PRIMARY'"],
    [
      "Incorrect integer value: 'abc' for column `shop`.`orders`.`qty` at row 1",
      'Incorrect integer value: ? for column `shop`.`orders`.`qty` at row 1',
    ],
    ["Truncated incorrect DOUBLE value: '12ab'", 'Truncated incorrect DOUBLE value: ?'],
    ["Incorrect datetime value: '2026-13-45 10:00:00' for column 'at'", "Incorrect datetime value: ? for column 'at'"],
    ["Variable 'sql_mode' can't be set to the value of 'NOPE'", "Variable 'sql_mode' can't be set to the value of ?"],
    [
      "Foreign key constraint for table 'orders', record '42-7' would lead to a duplicate entry in table 'items', key 'k'",
      "Foreign key constraint for table 'orders', record ? would lead to a duplicate entry in table 'items', key 'k'",
    ],
    ["Table 'shop.orders' doesn't exist", "Table 'shop.orders' doesn't exist"],
  ];
  for (const [i, o] of cases) assert.equal(redactServerValues(i), o, i);
});

test("MariaDB's replica error in the error log: the duplicate value and the failed statement's literals go", () => {
  // the shape of MariaDB 10.x's replica error (https://jira.mariadb.org/browse/MDEV-8302), values made up
  const rec =
    "2026-11-24 23:43:34 12 [ERROR] Slave SQL: Error 'Duplicate entry 'VerifyOrder_0-249' for key 'identry_idqueue'' on query. Default database: 'shop'. Query: 'insert into `queueentry`(`identry`,`idqueue`,`info`)values('VerifyOrder_0',249,'172.16.185.22')', Gtid 0-3-454870355, Internal MariaDB error code: 1062";
  const r = parseMysqlErrorRecord(rec, RED);
  assert.ok(r.ok && r.value);
  const text = r.value.text ?? rec;
  for (const secret of ['VerifyOrder_0', '249', '172.16.185.22']) assert.ok(!text.includes(secret), text);
  assert.ok(text.includes("Query: 'insert into `queueentry`(`identry`,`idqueue`,`info`)values(?,?,?)', Gtid"), text);
  assert.equal(get(r.value.doc, 'message'), text.slice(text.indexOf('Slave SQL')));
  const plain = parseMysqlErrorRecord(rec, { zone: makeZone('UTC') });
  assert.ok(plain.ok && plain.value && plain.value.text === undefined, 'kept as read without redaction');
});

/** a Python repr of a value: what SQLAlchemy prints in [parameters: …] */
const pyValue = fc.oneof(
  fc.string().map((s) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`),
  // non-negative: a unary minus stays outside the `?`, as in a statement (docs/redaction.md)
  fc.nat().map(String),
  fc
    .double({ noNaN: true, noDefaultInfinity: true, min: 0, max: 1e9 })
    .map((d) => (Number.isInteger(d) ? `${d}.0` : String(d))),
);

test('property: every value of a parameter tuple becomes ?, whatever the strings hold', () => {
  fc.assert(
    fc.property(fc.array(pyValue, { minLength: 1, maxLength: 6 }), (values) => {
      const line = `[SQL: SELECT 1]\n[parameters: (${values.join(', ')})]\n(Background on this error at: x)`;
      assert.equal(
        redactAppValues(line),
        `[SQL: SELECT 1]\n[parameters: (${values.map(() => '?').join(', ')})]\n(Background on this error at: x)`,
      );
    }),
  );
});

test('property: the duplicate entry is redacted whatever it holds, and the key name kept', () => {
  fc.assert(
    fc.property(
      fc.string().filter((s) => !s.includes("' for key")),
      fc.stringMatching(/^[A-Za-z_][\w.]{0,20}$/),
      (value, key) => {
        const msg = `(1062, "Duplicate entry '${value}' for key '${key}'")`;
        assert.equal(redactServerValues(msg), `(1062, "Duplicate entry ? for key '${key}'")`);
      },
    ),
  );
});
