/**
 * One test per error-log header shape (docs/mysql-logs.md §2.1, docs/parsing-pitfalls.md #8/#10).
 * Expected values are derived from the line's own text (timestamp written in the line, UTC zone).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMysqlErrorRecord } from '../../../parsers/mysql/error.js';
import { ctx, docOf, my } from './helpers.js';

const UTC = ctx('UTC');

test('MySQL 5.5: YYMMDD with level, 20YY year, local time through ctx.zone', () => {
  const r = parseMysqlErrorRecord('161209 14:18:58 [Note] /usr/sbin/mysqld: ready for connections.', UTC);
  assert.ok(r.ok);
  assert.equal(r.value.t, Date.UTC(2016, 11, 9, 14, 18, 58));
  const d = docOf(r);
  assert.equal(d['@timestamp'], '2016-12-09T14:18:58.000Z');
  assert.deepEqual(d.log, { level: 'Note' });
  assert.equal(d.message, '/usr/sbin/mysqld: ready for connections.');
  assert.equal(my(r).thread_id, undefined);
  const paris = parseMysqlErrorRecord('161209 14:18:58 [Note] x', ctx('Europe/Paris'));
  assert.ok(paris.ok);
  assert.equal(paris.value.t, Date.UTC(2016, 11, 9, 13, 18, 58));
});

test('MySQL 5.5: lines without a level, double space before InnoDB, space-padded hour', () => {
  const a = parseMysqlErrorRecord('161209 14:18:50  InnoDB: Setting file ./ibdata1 size to 10 MB', UTC);
  assert.equal(docOf(a).message, 'InnoDB: Setting file ./ibdata1 size to 10 MB');
  assert.equal(docOf(a).log, undefined);
  const b = parseMysqlErrorRecord('151004  9:47:11 [Warning] x', UTC);
  assert.ok(b.ok);
  assert.equal(b.value.t, Date.UTC(2015, 9, 4, 9, 47, 11));
  const c = parseMysqlErrorRecord('151004 9:47:11 [Warning] x', UTC); // one space, 1-digit hour (Elastic's yyMMdd H:m:s)
  assert.ok(c.ok);
  assert.equal(c.value.t, Date.UTC(2015, 9, 4, 9, 47, 11));
});

test('mysqld_safe lines are records with process.name', () => {
  const r = parseMysqlErrorRecord(
    '161209 13:08:33 mysqld_safe Starting mysqld daemon with databases from /usr/local/var/mysql',
    UTC,
  );
  const d = docOf(r);
  assert.equal(d.message, 'mysqld_safe Starting mysqld daemon with databases from /usr/local/var/mysql');
  assert.deepEqual(d.process, { name: 'mysqld_safe' });
  assert.equal(my(r).error_type, 'starting');
});

test('MySQL 5.6: YYYY-MM-DD HH:MM:SS <pid> [Level]', () => {
  const r = parseMysqlErrorRecord("2015-01-27 20:28:09 17479 [Note] Plugin 'FEDERATED' is disabled.", UTC);
  assert.ok(r.ok);
  assert.equal(r.value.t, Date.UTC(2015, 0, 27, 20, 28, 9));
  assert.equal(my(r).thread_id, 17479);
  assert.equal(docOf(r).message, "Plugin 'FEDERATED' is disabled.");
});

test('MySQL 5.7: ISO µs with Z, and with an offset (log_timestamps=SYSTEM)', () => {
  const z = parseMysqlErrorRecord(
    '2016-12-09T12:08:33.335060Z 0 [Warning] TIMESTAMP with implicit DEFAULT value is deprecated.',
    ctx('Asia/Tokyo'),
  );
  assert.ok(z.ok);
  assert.equal(z.value.t, Date.UTC(2016, 11, 9, 12, 8, 33, 335));
  assert.equal(docOf(z)['@timestamp'], '2016-12-09T12:08:33.335Z');
  assert.equal(my(z).thread_id, 0);
  const off = parseMysqlErrorRecord('2020-08-07T10:02:00.832521-05:00 7 [Note] x', ctx('Asia/Tokyo'));
  assert.ok(off.ok);
  assert.equal(off.value.t, Date.UTC(2020, 7, 7, 15, 2, 0, 832));
});

test('MySQL 8: [System] [MY-010116] [Server]; message keeps the code prefix like Elastic', () => {
  const line =
    '2019-03-24T13:44:31.085670Z 0 [System] [MY-010116] [Server] /usr/sbin/mysqld (mysqld 8.0.15) starting as process 1688';
  const r = parseMysqlErrorRecord(line, UTC);
  const d = docOf(r);
  assert.deepEqual(d.event, { code: 'MY-010116', provider: 'Server' });
  assert.deepEqual(d.log, { level: 'System' });
  assert.equal(d.message, line.slice(line.indexOf('[MY-')));
  assert.deepEqual(my(r).starting, { version: '8.0.15', pid: 1688 });
});

test('MariaDB: a bracketed message text is not an event code', () => {
  const r = parseMysqlErrorRecord(
    '2019-10-16 17:25:43 12 [ERROR] Event Scheduler: [root@localhost][test.test_error_log] hi',
    UTC,
  );
  const d = docOf(r);
  assert.equal(d.event, undefined);
  assert.equal(d.message, 'Event Scheduler: [root@localhost][test.test_error_log] hi');
  assert.deepEqual(d.log, { level: 'ERROR' });
});

test('MariaDB 10.x: space-padded hour (two spaces) and single space 1-digit hour', () => {
  const a = parseMysqlErrorRecord('2021-07-06  7:29:32 0 [Warning] You need to use --log-bin', UTC);
  assert.ok(a.ok);
  assert.equal(a.value.t, Date.UTC(2021, 6, 6, 7, 29, 32));
  const b = parseMysqlErrorRecord('2018-11-20 0:59:34 5 [Warning] x', UTC);
  assert.ok(b.ok);
  assert.equal(b.value.t, Date.UTC(2018, 10, 20, 0, 59, 34));
});

test('MariaDB ≤10.2: OS thread ids are kept as numbers', () => {
  const r = parseMysqlErrorRecord(
    '2016-06-15 16:53:33 139651251140544 [Note] InnoDB: The InnoDB memory heap is disabled',
    UTC,
  );
  assert.equal(my(r).thread_id, 139651251140544);
  assert.equal(docOf(r).message, 'InnoDB: The InnoDB memory heap is disabled');
});

test('JSON sink: err_code → MY-0xxxxx, label, subsystem, thread, time', () => {
  const line = JSON.stringify({
    prio: 0,
    err_code: 10116,
    msg: 'D:\\mysql\\mysqld.exe (mysqld 8.0.20) starting as process 11876',
    time: '2020-01-08T14:51:29.008063Z',
    ts: 1578495089008,
    thread: 3,
    err_symbol: 'ER_STARTING_AS',
    SQL_state: 'HY000',
    subsystem: 'Server',
    label: 'System',
  });
  const r = parseMysqlErrorRecord(line, UTC);
  assert.ok(r.ok);
  assert.equal(r.value.t, Date.UTC(2020, 0, 8, 14, 51, 29, 8));
  const d = docOf(r);
  assert.deepEqual(d.event, { code: 'MY-010116', provider: 'Server' });
  assert.deepEqual(d.log, { level: 'System' });
  assert.equal(d.message, 'D:\\mysql\\mysqld.exe (mysqld 8.0.20) starting as process 11876');
  assert.equal(my(r).thread_id, 3);
  assert.equal(my(r).error_symbol, 'ER_STARTING_AS');
  assert.equal(my(r).error_type, 'starting');
});

test('JSON sink: ts is used when time is missing; a broken JSON line still gives a record', () => {
  const r = parseMysqlErrorRecord('{ "err_code" : 10914, "msg" : "x", "ts" : 1740985203188 }', UTC);
  assert.ok(r.ok);
  assert.equal(r.value.t, 1740985203188);
  const broken = parseMysqlErrorRecord('{ "prio" : 0, "msg" : "cut', UTC);
  assert.ok(broken.ok);
  assert.equal(broken.value.t, undefined);
});

test('crash header without a date: UTC clock placed on the day of ctx.refTime, undefined without it', () => {
  const text = '06:37:41 UTC - mysqld got signal 6 ;\nThis could be because you hit a bug.';
  const ref = Date.UTC(2017, 5, 29, 6, 30, 2);
  const r = parseMysqlErrorRecord(text, ctx('Europe/Paris', { refTime: ref }));
  assert.ok(r.ok);
  assert.equal(r.value.t, Date.UTC(2017, 5, 29, 6, 37, 41));
  assert.deepEqual(my(r).signal, { number: 6 });
  assert.equal(docOf(r).message, text);
  const late = parseMysqlErrorRecord(
    '23:59:59 UTC - mysqld got signal 11 ;',
    ctx('UTC', { refTime: Date.UTC(2017, 5, 29, 0, 0, 5) }),
  );
  assert.ok(late.ok);
  assert.equal(late.value.t, Date.UTC(2017, 5, 28, 23, 59, 59));
  const none = parseMysqlErrorRecord(text, UTC);
  assert.ok(none.ok);
  assert.equal(none.value.t, undefined);
});

test('crash header with YYMMDD date is UTC even when the zone is not', () => {
  const r = parseMysqlErrorRecord('260814  7:51:05 UTC - mysqld got signal 6 ;', ctx('America/New_York'));
  assert.ok(r.ok);
  assert.equal(r.value.t, Date.UTC(2026, 7, 14, 7, 51, 5));
  assert.equal(my(r).error_type, 'signal');
  const iso = parseMysqlErrorRecord('2026-08-14T07:51:05Z UTC - mysqld got signal 11 ;\n/usr/sbin/mysqld(x)[0x1]', UTC);
  assert.ok(iso.ok);
  assert.equal(iso.value.t, Date.UTC(2026, 7, 14, 7, 51, 5));
  assert.deepEqual(my(iso).signal, { number: 11 });
});

test('a general-log line inside the error log gives a record (beats #14076)', () => {
  const line = '191015  9:46:45\t    13 Query\tSHOW /*!50002 GLOBAL */ STATUS';
  const r = parseMysqlErrorRecord(line, UTC);
  assert.ok(r.ok);
  assert.equal(r.value.t, Date.UTC(2019, 9, 15, 9, 46, 45));
  assert.equal(my(r).thread_id, 13);
  assert.equal(docOf(r).message, 'Query\tSHOW /*!50002 GLOBAL */ STATUS');
  assert.deepEqual(my(r).general, { command: 'Query', argument: 'SHOW /*!50002 GLOBAL */ STATUS' });
  const red = parseMysqlErrorRecord(
    "191015  9:46:45\t    13 Query\tselect 'secret', 42",
    ctx('UTC', { redactSql: true }),
  );
  assert.equal(docOf(red).message, 'Query\tselect ?, ?');
});

test('records without a header (orphan continuation) keep their text and have no time', () => {
  const text = "Version: '5.7.10'  socket: '/tmp/mysql.sock'  port: 3306  Homebrew";
  const r = parseMysqlErrorRecord(text, UTC);
  assert.ok(r.ok);
  assert.equal(r.value.t, undefined);
  assert.equal(docOf(r).message, text);
  assert.equal(docOf(r)['@timestamp'], undefined);
});

test('empty text and impossible dates are issues, not exceptions', () => {
  const e = parseMysqlErrorRecord('', UTC);
  assert.ok(!e.ok && e.issue.code === 'empty');
  const b = parseMysqlErrorRecord('2019-13-45 17:24:15 0 [Note] x', UTC);
  assert.ok(!b.ok && b.issue.code === 'bad_timestamp');
  const y = parseMysqlErrorRecord('191345 17:24:15 [Note] x', UTC);
  assert.ok(!y.ok && y.issue.code === 'bad_timestamp');
});

test('multi-line record: continuation lines stay in the message', () => {
  const text = '161209 14:18:53 InnoDB: 5.5.53 started\nERROR: 1064  You have an error in your SQL syntax';
  const d = docOf(parseMysqlErrorRecord(text, UTC));
  assert.equal(d.message, 'InnoDB: 5.5.53 started\nERROR: 1064  You have an error in your SQL syntax');
});

test('real lines from issue threads, one per version, read field by field', () => {
  // mysql-net/MySqlConnector#1448 (MySQL 8: trailing `).` of MY-010914)
  const m8 = parseMysqlErrorRecord(
    "2024-02-11T02:20:03.555182Z 129 [Note] [MY-010914] [Server] Aborted connection 129 to db: 'mysql' user: 'MyDatabase' host: 'localhost' (Got an error reading communication packets).",
    UTC,
  );
  assert.ok(m8.ok);
  assert.deepEqual(docOf(m8).event, { code: 'MY-010914', provider: 'Server' });
  assert.deepEqual(my(m8).aborted, {
    thread_id: 129,
    db: 'mysql',
    user: 'MyDatabase',
    host: 'localhost',
    reason: 'Got an error reading communication packets',
    reason_code: 'error_reading',
  });
  // mysqljs/mysql#597 (5.5: YYMMDD, no thread column)
  const m55 = parseMysqlErrorRecord(
    "130928 22:56:26 [Warning] Aborted connection 2 to db: 'nss' user: 'v533405' host: 'localhost' (Got an error reading communication packets)",
    UTC,
  );
  assert.ok(m55.ok);
  assert.equal(m55.value.t, Date.UTC(2013, 8, 28, 22, 56, 26));
  assert.equal(my(m55).thread_id, undefined);
  assert.equal(my(m55).aborted.thread_id, 2);
  // badoo/pinba2#8 (MariaDB 10.1 crash header: YYMMDD local time, then the dump)
  const crash = parseMysqlErrorRecord(
    '181129  1:23:23 [ERROR] mysqld got signal 11 ;\nThis could be because you hit a bug. It is also possible that this binary\nServer version: 10.1.26-MariaDB',
    UTC,
  );
  assert.ok(crash.ok);
  assert.equal(crash.value.t, Date.UTC(2018, 10, 29, 1, 23, 23));
  assert.deepEqual(my(crash).signal, { number: 11 });
  // mariadb-corporation/mysql-wsrep#352 (MySQL 5.7 crash header: UTC clock, date from the record before)
  const wsrep = parseMysqlErrorRecord(
    '11:40:21 UTC - mysqld got signal 11 ;',
    ctx('UTC', { refTime: Date.UTC(2019, 3, 12, 11, 40, 20) }),
  );
  assert.ok(wsrep.ok);
  assert.equal(wsrep.value.t, Date.UTC(2019, 3, 12, 11, 40, 21));
  assert.equal(my(wsrep).error_type, 'signal');
  // MariaDB/mariadb-docker#483 (11.4: `mariadbd:` program name, Version on the next line)
  const ready = parseMysqlErrorRecord(
    "2024-12-15 16:41:29 0 [Note] mariadbd: ready for connections.\nVersion: '11.4.2-MariaDB-ubu2404'  socket: '/run/mysqld/mysqld.sock'  port: 3306  mariadb.org binary distribution",
    UTC,
  );
  assert.deepEqual(my(ready).ready, {
    version: '11.4.2-MariaDB-ubu2404',
    socket: '/run/mysqld/mysqld.sock',
    port: 3306,
  });
  const down = parseMysqlErrorRecord(
    '2024-12-21  9:04:49 0 [Note] mariadbd (initiated by: unknown): Normal shutdown',
    UTC,
  );
  assert.equal(my(down).error_type, 'shutdown');
  assert.equal(down.ok && down.value.t, Date.UTC(2024, 11, 21, 9, 4, 49));
});
