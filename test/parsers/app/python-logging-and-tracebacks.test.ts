import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFile, docFor, get, one } from './helpers.js';
import { isAppRecordStart } from '../../../parsers/app/index.js';

test('Python: a traceback (frames, chained exceptions, SQLAlchemy [SQL:] block) is one record', () => {
  const f = parseFile('python.log');
  assert.equal(f.records.length, 13);
  assert.equal(f.docs.filter(Boolean).length, 7);
  const sa = f.records.find((r) => r.includes('sqlalchemy.exc.OperationalError'))!;
  assert.ok(sa.includes('(Background on this error at'), 'SQLAlchemy tail stays in the record');
  for (const l of [
    'Traceback (most recent call last):',
    '  File "/app/x.py", line 1, in f',
    '    cur.execute(sql)',
    "pymysql.err.OperationalError: (2013, 'Lost connection to MySQL server during query')",
    "MySQLdb.OperationalError: (2006, 'x')",
    'During handling of the above exception, another exception occurred:',
    '',
    '[SQL: SELECT 1]',
    "[parameters: {'a': 1}]",
    'BrokenPipeError: [Errno 32] Broken pipe',
    'FROM users ',
  ]) {
    assert.equal(isAppRecordStart(l), false, JSON.stringify(l));
  }
});

test('PyMySQL 2013 (docs/lab-findings.md §3, scenario 01): worker token, logger, ms time, SQL from the message, final exception', () => {
  const d = docFor(parseFile('python.log'), 'report query failed: SELECT id, total');
  assert.equal(get(d, '@timestamp'), '2026-11-23T20:21:26.198Z');
  assert.equal(get(d, 'error.code'), '2013');
  assert.equal(get(d, 'error.type'), 'pymysql.err.OperationalError');
  assert.equal(get(d, 'error.message'), "(2013, 'Lost connection to MySQL server during query')");
  assert.deepEqual(get(d, 'app.error'), {
    errno: 2013,
    sqlstate: 'HY000',
    driver: 'pymysql',
    language: 'python',
    class: 'lost',
    symbol: 'CR_SERVER_LOST',
  });
  assert.equal(get(d, 'app.worker'), 'py-reports-p3');
  assert.equal(get(d, 'app.logger'), 'reports.db');
  assert.equal(get(d, 'app.sql'), "SELECT id, total FROM orders WHERE created_at > '2026-11-01' AND status = 'paid'");
});

test('PyMySQL broken-pipe 2006 and 1153 (docs/lab-findings.md §3, scenario 05), chained exceptions keep the last one', () => {
  const f = parseFile('python.log');
  const bp = docFor(f, 'BrokenPipeError(32');
  assert.equal(get(bp, 'error.code'), '2006');
  assert.equal(get(bp, 'app.error.class'), 'broken_pipe');
  assert.equal(get(bp, 'error.type'), 'pymysql.err.OperationalError');
  const big = docFor(f, '(1153,');
  assert.equal(get(big, 'error.code'), '1153');
  assert.equal(get(big, 'app.error.class'), 'packet_too_large');
});

test('SQLAlchemy wraps PyMySQL: outer type, multi-line [SQL: …], driver from the inner exception', () => {
  const d = docFor(parseFile('python.log'), 'sqlalchemy.exc.OperationalError');
  assert.equal(get(d, 'error.type'), 'sqlalchemy.exc.OperationalError');
  assert.equal(get(d, 'error.code'), '2013');
  assert.equal(get(d, 'app.error.driver'), 'pymysql');
  assert.equal(
    get(d, 'app.sql'),
    'SELECT users.id AS users_id, users.email AS users_email \nFROM users \nWHERE users.id = %(pk_1)s',
  );
});

test('mysqlclient (MariaDB Connector/C text) and mysql-connector-python 2055 with host:port', () => {
  const f = parseFile('python.log');
  const my = docFor(f, 'MySQLdb.OperationalError');
  assert.equal(get(my, 'app.error.driver'), 'mysqlclient');
  assert.equal(get(my, 'error.code'), '2006');
  const cp = docFor(f, '2055: Lost connection');
  assert.equal(get(cp, 'error.code'), '2055');
  assert.equal(get(cp, 'app.error.driver'), 'mysql-connector-python');
  assert.equal(get(cp, 'app.error.class'), 'broken_pipe');
  assert.deepEqual(get(cp, 'app.db'), { host: 'db-ro.internal', port: 3306 });
});

test('Python: lock wait, refused connect (2003), duplicate key are not lost connections', () => {
  const f = parseFile('python.log');
  assert.equal(docFor(f, '(1205,'), null);
  assert.equal(docFor(f, '(2003,'), null);
  assert.equal(docFor(f, '(1062,'), null);
});

test('Python: a zone-less comma-millisecond stamp uses ctx.zone', async () => {
  const { makeZone } = await import('../../../parsers/zones.js');
  const rec =
    "2026-01-15 08:00:00,250 ERROR [w1] db: failed\npymysql.err.OperationalError: (2013, 'Lost connection to MySQL server during query')";
  assert.equal(get(one(rec, { zone: makeZone('America/New_York') }), '@timestamp'), '2026-01-15T13:00:00.250Z');
});

test('Celery worker header: level and pool process (the worker) out of `[stamp: LEVEL/ForkPoolWorker-N]`', () => {
  const text =
    '[2026-11-24 03:12:02,456: ERROR/ForkPoolWorker-1] Task app.tasks.sync[abc] raised unexpected: OperationalError(2013, \'Lost connection to MySQL server during query\')\nTraceback (most recent call last):\n  File "/app/tasks.py", line 9, in sync\n    cur.execute("select 1")\npymysql.err.OperationalError: (2013, \'Lost connection to MySQL server during query\')';
  assert.equal(isAppRecordStart(text.split('\n')[0]!), true);
  assert.equal(isAppRecordStart(text.split('\n')[1]!), false);
  const d = one(text);
  assert.equal(get(d, '@timestamp'), '2026-11-24T03:12:02.456Z');
  assert.equal(get(d, 'log.level'), 'error');
  assert.equal(get(d, 'app.worker'), 'ForkPoolWorker-1');
  assert.equal(get(d, 'error.code'), '2013');
  assert.equal(get(d, 'app.error.language'), 'python');
});
