import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFile, docFor, get, one } from './helpers.js';
import { makeZone } from '../../../parsers/zones.js';

test('Laravel log: records are grouped across [stacktrace] / #N / "} lines', () => {
  const f = parseFile('php-laravel.log');
  assert.equal(f.records.length, 16);
  assert.ok(f.records[2]!.split('\n').length > 10, 'the 2006 record keeps its stack trace');
  assert.equal(f.docs.filter(Boolean).length, 6);
});

test('Laravel 2006 (docs/lab-findings.md §3, scenario 01 shape): code, class, type, SQL, channel, level, time', () => {
  const f = parseFile('php-laravel.log');
  const d = docFor(f, 'where `id` = 42 limit 1');
  assert.equal(get(d, '@timestamp'), '2026-11-23T20:21:26.000Z');
  assert.equal(get(d, 'error.code'), '2006');
  assert.equal(get(d, 'error.message'), 'SQLSTATE[HY000]: General error: 2006 MySQL server has gone away');
  assert.equal(get(d, 'error.type'), 'Illuminate\\Database\\QueryException');
  assert.deepEqual(get(d, 'app.error'), {
    errno: 2006,
    sqlstate: 'HY000',
    driver: 'pdo_mysql',
    language: 'php',
    class: 'gone_away',
    symbol: 'CR_SERVER_GONE_ERROR',
  });
  assert.equal(get(d, 'app.sql'), 'select * from `orders` where `id` = 42 limit 1');
  assert.equal(get(d, 'app.logger'), 'production');
  assert.equal(get(d, 'log.level'), 'error');
});

test('Laravel ≥10 "(Connection: mysql, SQL: …)" and ≥12.45 Host/Port forms', () => {
  const f = parseFile('php-laravel.log');
  const d10 = docFor(f, 'reserved_at');
  assert.equal(get(d10, 'app.sql'), 'update `jobs` set `reserved_at` = 1795465322 where `id` = 881');
  const d12 = docFor(f, 'Host: 10.0.0.5');
  assert.equal(get(d12, 'error.code'), '1153');
  assert.equal(get(d12, 'app.error.class'), 'packet_too_large');
  assert.equal(get(d12, 'app.error.sqlstate'), '08S01');
  assert.deepEqual(get(d12, 'app.db'), { host: '10.0.0.5', port: 3306 });
  assert.match(String(get(d12, 'app.sql')), /^insert into `uploads`/);
});

test('Laravel 4031, LostConnectionException and Doctrine ConnectionLost', () => {
  const f = parseFile('php-laravel.log');
  const d = docFor(f, 'General error: 4031');
  assert.equal(get(d, 'error.code'), '4031');
  assert.equal(get(d, 'app.error.class'), 'interaction_timeout');
  const l = docFor(f, 'no reconnector');
  assert.equal(get(l, 'error.code'), 'LostConnectionException');
  assert.equal(get(l, 'error.type'), 'Illuminate\\Database\\LostConnectionException');
  const dc = docFor(f, 'ExceptionConverter.php line 103');
  assert.equal(get(dc, 'error.code'), '2006');
  assert.equal(get(dc, 'error.type'), 'Doctrine\\DBAL\\Exception\\ConnectionLost');
  assert.equal(get(dc, '@timestamp'), '2026-11-23T19:25:00.123Z', 'explicit +01:00 offset honoured');
  assert.equal(get(dc, 'log.level'), 'critical');
});

test('Laravel: refused connect, access denied, duplicate key, deadlock, syntax error are not lost connections', () => {
  const f = parseFile('php-laravel.log');
  for (const needle of [
    '[2002] Connection refused',
    '[1045] Access denied',
    '1062 Duplicate entry',
    '1213 Deadlock',
    '1064 You have an error',
  ]) {
    assert.equal(docFor(f, needle), null, needle);
  }
});

test('Laravel zone-less stamps use ctx.zone', () => {
  const line =
    '[2026-07-01 12:00:00] production.ERROR: SQLSTATE[HY000]: General error: 2006 MySQL server has gone away (SQL: select 1) []';
  assert.equal(get(one(line, { zone: makeZone('Europe/Paris') }), '@timestamp'), '2026-07-01T10:00:00.000Z');
  assert.equal(get(one(line, { zone: makeZone('+05:30') }), '@timestamp'), '2026-07-01T06:30:00.000Z');
});

test('PHP error_log: warnings, fatal with stack, zone names, continuation of "PHP Stack trace:" lines', () => {
  const f = parseFile('php-errors.log');
  assert.equal(f.records.length, 11);
  assert.equal(f.docs.filter(Boolean).length, 6);
  const gone = f.docs[0];
  assert.equal(get(gone, 'error.code'), '2006');
  assert.equal(get(gone, 'error.message'), 'PDOStatement::execute(): MySQL server has gone away');
  assert.equal(get(gone, 'log.level'), 'warning');
  const send = docFor(f, 'Error while sending QUERY packet');
  assert.equal(get(send, 'error.code'), 'send_failed');
  assert.equal(get(send, 'app.error.driver'), 'pdo_mysql');
  assert.equal(get(send, 'process.pid'), 31337);
  const ooo = docFor(f, 'Packets out of order');
  assert.equal(get(ooo, '@timestamp'), '2026-11-23T20:21:27.000Z', 'Europe/Paris in the line, not ctx.zone');
  assert.equal(get(ooo, 'app.error.driver'), 'mysqli');
  const fatal = docFor(f, 'Uncaught PDOException: SQLSTATE[HY000]: General error: 2006');
  assert.equal(get(fatal, 'error.type'), 'PDOException');
  assert.equal(get(fatal, 'log.level'), 'fatal');
  const mi = docFor(f, 'mysqli_sql_exception');
  assert.equal(get(mi, 'error.type'), 'mysqli_sql_exception');
  assert.equal(get(mi, 'error.message'), 'MySQL server has gone away');
  assert.equal(docFor(f, 'getaddrinfo'), null);
  assert.equal(docFor(f, '[2002] Connection refused'), null);
  assert.ok(
    f.records[f.records.length - 1]!.includes('PHP   2. Export->run()'),
    'PHP Stack trace lines continue the fatal',
  );
});

test('PHP error_log with an unknown zone name → bad_timestamp, never a silent ctx.zone guess', async () => {
  const { parseAppRecord } = await import('../../../parsers/app/index.js');
  const r = parseAppRecord(
    '[23-Nov-2026 20:21:26 Mars/Olympus] PHP Warning:  PDO::query(): MySQL server has gone away in /a.php on line 1',
    { zone: makeZone('UTC') },
  );
  assert.equal(r.ok, false);
  if (!r.ok) assert.equal(r.issue.code, 'bad_timestamp');
});
