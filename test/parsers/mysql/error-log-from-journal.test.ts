/**
 * Error logs read from syslog or the journal: Debian's mariadb.service logs to the journal unless
 * log_error is set, so an incident's "error log" is often `journalctl -u mariadb` output or an
 * rsyslog file, with an envelope on every line — and a kill -9 / OOM kill shows only as systemd's or
 * the kernel's line.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isMysqlErrorRecordStart, parseMysqlErrorRecord } from '../../../parsers/mysql/error.js';
import { sniffLines } from '../../../src/sources/sniff.js';
import type { Doc } from '../../../parsers/types.js';
import { assemble, ctx } from './helpers.js';

const JOURNAL = [
  'Mar 12 10:26:00 db1 systemd[1]: Stopping mariadb.service - MariaDB 10.11.6 database server...',
  'Mar 12 10:26:01 db1 mariadbd[812]: 2024-03-12 10:26:01 0 [Note] /usr/sbin/mariadbd (initiated by: unknown): Normal shutdown',
  'Mar 12 10:30:00 db1 mariadbd[900]: 240312 10:30:00 [ERROR] mysqld got signal 11 ;',
  'Mar 12 10:30:00 db1 mariadbd[900]: This could be because you hit a bug. It is also possible that this binary',
  'Mar 12 10:30:00 db1 mariadbd[900]: or one of the libraries it was linked against is corrupt, improperly built,',
  "Mar 12 10:39:00 db1 mariadbd[812]: 2024-03-12 10:39:00 57 [Warning] Aborted connection 57 to db: 'app' user: 'app' host: '10.0.0.2' (Got timeout reading communication packets)",
  'Mar 12 10:45:10 db1 systemd[1]: mariadb.service: Main process exited, code=killed, status=9/KILL',
  'Mar 12 10:50:10 db1 kernel: Out of memory: Killed process 812 (mariadbd) total-vm:2048000kB, anon-rss:1024000kB',
  "2024-03-12T10:40:00.123456+00:00 db1 mysqld[812]: [Warning] Aborted connection 58 to db: 'app' user: 'app' host: '10.0.0.2' (Got an error reading communication packets)",
].join('\n');

const UTC = ctx('UTC', { refTime: Date.UTC(2024, 2, 12, 10, 0), refTimeIsUpperBound: false });
const my = (d: Doc) => d.mysql as Doc;

test('enveloped lines: one record per server message, crash dump lines continue the signal record', () => {
  const recs = assemble(JOURNAL, isMysqlErrorRecordStart);
  assert.equal(recs.length, 7);
  assert.equal(recs[2]!.split('\n').length, 3, 'the two dump lines join the signal line');
});

test("the server's own date and fields are read inside the envelope; host and process come from it", () => {
  const recs = assemble(JOURNAL, isMysqlErrorRecordStart);
  const r = parseMysqlErrorRecord(recs[3]!, UTC);
  assert.ok(r.ok);
  assert.equal(r.value.t, Date.UTC(2024, 2, 12, 10, 39, 0));
  const m = my(r.value.doc);
  assert.equal(m.error_type, 'aborted_connection');
  assert.equal((m.aborted as Doc).reason_code, 'timeout_reading');
  assert.equal(m.thread_id, 57);
  assert.deepEqual(r.value.doc.host, { hostname: 'db1' });
  assert.deepEqual(r.value.doc.process, { name: 'mariadbd', pid: 812 });
  const shut = parseMysqlErrorRecord(recs[1]!, UTC);
  assert.ok(shut.ok);
  assert.equal(my(shut.value.doc).error_type, 'shutdown');
  const sig = parseMysqlErrorRecord(recs[2]!, UTC);
  assert.ok(sig.ok);
  assert.equal(my(sig.value.doc).error_type, 'signal');
});

test("syslog mode (no date of the server's own): the envelope's date, then thread/level/message", () => {
  const recs = assemble(JOURNAL, isMysqlErrorRecordStart);
  const r = parseMysqlErrorRecord(recs[6]!, UTC);
  assert.ok(r.ok);
  assert.equal(r.value.t, Date.UTC(2024, 2, 12, 10, 40, 0, 123));
  assert.equal((my(r.value.doc).aborted as Doc).reason_code, 'error_reading');
  assert.equal((r.value.doc.log as Doc).level, 'Warning');
});

test('a kill -9 or an OOM kill, seen only by systemd or the kernel, is a signal record', () => {
  const recs = assemble(JOURNAL, isMysqlErrorRecordStart);
  const kill = parseMysqlErrorRecord(recs[4]!, UTC);
  assert.ok(kill.ok);
  assert.equal(my(kill.value.doc).error_type, 'signal');
  assert.deepEqual(my(kill.value.doc).signal, { number: 9, name: 'KILL', by: 'systemd', code: 'killed' });
  assert.equal(kill.value.t, Date.UTC(2024, 2, 12, 10, 45, 10));
  const oom = parseMysqlErrorRecord(recs[5]!, UTC);
  assert.ok(oom.ok);
  assert.equal((my(oom.value.doc).signal as Doc).by, 'oom_killer');
  // a clean stop is not a kill
  const clean = parseMysqlErrorRecord(
    'Mar 12 10:45:10 db1 systemd[1]: mariadb.service: Main process exited, code=exited, status=0/SUCCESS',
    UTC,
  );
  assert.ok(clean.ok);
  assert.equal(my(clean.value.doc).error_type, 'other');
});

test("another program's lines in the same syslog are not MySQL records (kept as unparsed, with the reason)", () => {
  const r = parseMysqlErrorRecord(
    'Mar 12 10:39:00 web1 php-fpm[44]: PHP Warning:  PDO::query(): MySQL server has gone away',
    UTC,
  );
  assert.ok(!r.ok);
  assert.equal(r.issue.code, 'no_match');
  assert.match(r.issue.message, /php-fpm/);
  // continuation texts that look like a bare `prog:` tag are still continuations
  assert.equal(
    isMysqlErrorRecordStart("Version: '10.11.6-MariaDB-0+deb12u1-log'  socket: '/run/mysqld/mysqld.sock'  port: 3306"),
    false,
  );
  assert.equal(isMysqlErrorRecordStart('InnoDB: Starting shutdown...'), false);
});

test("year-less dates before anything dated: the file's mtime is an upper bound, not a centre", () => {
  // a file last written on 25 Nov 2026: `Mar 12` is March 2026 (March 2027 is closer, but after the file)
  const nov = ctx('UTC', { refTime: Date.UTC(2026, 10, 25), refTimeIsUpperBound: true });
  const r = parseMysqlErrorRecord(
    'Mar 12 10:26:00 db1 systemd[1]: Stopping mariadb.service - MariaDB 10.11.6 database server...',
    nov,
  );
  assert.ok(r.ok);
  assert.equal(r.value.t, Date.UTC(2026, 2, 12, 10, 26));
  const centred = parseMysqlErrorRecord(
    'Mar 12 10:26:00 db1 systemd[1]: Stopping mariadb.service',
    ctx('UTC', { refTime: Date.UTC(2026, 10, 25) }),
  );
  assert.ok(centred.ok);
  assert.equal(centred.value.t, Date.UTC(2027, 2, 12, 10, 26), 'without the bound the closest year wins');
});

test("sniffing: a journal export of the server is a MySQL error log, an app's syslog is not", () => {
  assert.equal(sniffLines(JOURNAL.split('\n'), UTC).kind, 'mysql_error');
  const php = [
    'Mar 12 10:39:00 web1 php-fpm[44]: PHP Warning:  PDO::query(): MySQL server has gone away in /srv/app/db.php on line 12',
    'Mar 12 10:39:01 web1 php-fpm[44]: PHP Fatal error:  Uncaught PDOException: SQLSTATE[HY000]: General error: 2006 MySQL server has gone away',
  ];
  assert.notEqual(sniffLines(php, UTC).kind, 'mysql_error');
});

test('a `mariadbd[pid]:` tag without the syslog date still wraps the server line (volkszaehler/volkszaehler.org#925)', () => {
  const line =
    "mariadbd[658]: 2023-02-04 12:00:03 1157 [Warning] Aborted connection 1157 to db: 'unconnected' user: 'unauthenticated' host: 'localhost' (This connection closed normally without authentication)";
  assert.ok(isMysqlErrorRecordStart(line));
  const r = parseMysqlErrorRecord(line, UTC);
  assert.ok(r.ok);
  assert.equal(r.value.t, Date.UTC(2023, 1, 4, 12, 0, 3));
  assert.deepEqual(r.value.doc.process, { name: 'mariadbd', pid: 658 });
  const m = my(r.value.doc);
  assert.equal(m.error_type, 'aborted_connection');
  assert.equal(m.thread_id, 1157);
  assert.equal((m.aborted as Doc).reason_code, 'closed_unauthenticated');
  // without a date anywhere there is no time to give it
  const bare = parseMysqlErrorRecord(
    "mariadbd[658]: [Warning] Aborted connection 1 to db: 'd' user: 'u' host: 'h' (KILLED)",
    UTC,
  );
  assert.ok(!bare.ok);
  assert.equal(bare.issue.code, 'bad_timestamp');
  // lines a crash dump or a client prints are not such a tag: no pid, or not the server
  assert.equal(
    isMysqlErrorRecordStart('mysql: [Warning] Using a password on the command line interface can be insecure.'),
    false,
  );
  assert.equal(isMysqlErrorRecordStart('mbind: Operation not permitted'), false);
  assert.equal(isMysqlErrorRecordStart('/usr/sbin/mysqld(my_print_stacktrace+0x2c)[0x55f48c960d9c]'), false);
});

test('real journal / syslog lines: icingaweb2, b2evolution (5.5, tag without pid), proxysql (10.2 OS thread id)', () => {
  // Icinga/icingaweb2#5153
  const a = parseMysqlErrorRecord(
    "Nov 22 08:00:01 obstex01 mariadbd[638]: 2023-11-22  8:00:01 3217 [Warning] Aborted connection 3217 to db: 'icingaweb_db' user: 'icingaweb' host: 'localhost' (Got timeout reading communication packets)",
    UTC,
  );
  assert.ok(a.ok);
  assert.equal(a.value.t, Date.UTC(2023, 10, 22, 8, 0, 1));
  assert.equal((my(a.value.doc).aborted as Doc).reason_code, 'timeout_reading');
  assert.deepEqual(a.value.doc.host, { hostname: 'obstex01' });
  // b2evolution/b2evolution#12 (/var/log/syslog, MySQL 5.5)
  const b = parseMysqlErrorRecord(
    "Aug  9 07:56:08 host-name mysqld: 150809  7:56:08 [Warning] Aborted connection 282 to db: 'db-name' user: 'user-name' host: 'localhost' (Unknown error)",
    UTC,
  );
  assert.ok(b.ok);
  assert.equal(b.value.t, Date.UTC(2015, 7, 9, 7, 56, 8));
  assert.deepEqual(my(b.value.doc).aborted, {
    thread_id: 282,
    db: 'db-name',
    user: 'user-name',
    host: 'localhost',
    reason: 'Unknown error',
    reason_code: 'other',
  });
  assert.deepEqual(b.value.doc.process, { name: 'mysqld' });
  // sysown/proxysql#1861 (MariaDB 10.2: the thread column is an OS thread id, never a killer)
  const c = parseMysqlErrorRecord(
    "Jan 11 13:35:23 localhost mysqld[19836]: 2019-01-11 13:35:23 140454900524800 [Warning] Aborted connection 377 to db: 'db_A' user: 'db_A' host: '192.168.151.aaa' (Got an error reading communication packets)",
    UTC,
  );
  assert.ok(c.ok);
  assert.equal((my(c.value.doc).aborted as Doc).thread_id, 377);
  assert.equal(my(c.value.doc).thread_id, 140454900524800);
  assert.equal((my(c.value.doc).aborted as Doc).killer_thread_id, undefined);
});
