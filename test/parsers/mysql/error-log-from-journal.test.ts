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

test('the server\'s own date and fields are read inside the envelope; host and process come from it', () => {
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

test('syslog mode (no date of the server\'s own): the envelope\'s date, then thread/level/message', () => {
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
  const clean = parseMysqlErrorRecord('Mar 12 10:45:10 db1 systemd[1]: mariadb.service: Main process exited, code=exited, status=0/SUCCESS', UTC);
  assert.ok(clean.ok);
  assert.equal(my(clean.value.doc).error_type, 'other');
});

test('another program\'s lines in the same syslog are not MySQL records (kept as unparsed, with the reason)', () => {
  const r = parseMysqlErrorRecord('Mar 12 10:39:00 web1 php-fpm[44]: PHP Warning:  PDO::query(): MySQL server has gone away', UTC);
  assert.ok(!r.ok);
  assert.equal(r.issue.code, 'no_match');
  assert.match(r.issue.message, /php-fpm/);
  // continuation texts that look like a bare `prog:` tag are still continuations
  assert.equal(isMysqlErrorRecordStart("Version: '10.11.6-MariaDB-0+deb12u1-log'  socket: '/run/mysqld/mysqld.sock'  port: 3306"), false);
  assert.equal(isMysqlErrorRecordStart('InnoDB: Starting shutdown...'), false);
});

test('year-less dates before anything dated: the file\'s mtime is an upper bound, not a centre', () => {
  // a file last written on 25 Nov 2026: `Mar 12` is March 2026 (March 2027 is closer, but after the file)
  const nov = ctx('UTC', { refTime: Date.UTC(2026, 10, 25), refTimeIsUpperBound: true });
  const r = parseMysqlErrorRecord('Mar 12 10:26:00 db1 systemd[1]: Stopping mariadb.service - MariaDB 10.11.6 database server...', nov);
  assert.ok(r.ok);
  assert.equal(r.value.t, Date.UTC(2026, 2, 12, 10, 26));
  const centred = parseMysqlErrorRecord('Mar 12 10:26:00 db1 systemd[1]: Stopping mariadb.service', ctx('UTC', { refTime: Date.UTC(2026, 10, 25) }));
  assert.ok(centred.ok);
  assert.equal(centred.value.t, Date.UTC(2027, 2, 12, 10, 26), 'without the bound the closest year wins');
});

test('sniffing: a journal export of the server is a MySQL error log, an app\'s syslog is not', () => {
  assert.equal(sniffLines(JOURNAL.split('\n'), UTC).kind, 'mysql-error');
  const php = [
    'Mar 12 10:39:00 web1 php-fpm[44]: PHP Warning:  PDO::query(): MySQL server has gone away in /srv/app/db.php on line 12',
    'Mar 12 10:39:01 web1 php-fpm[44]: PHP Fatal error:  Uncaught PDOException: SQLSTATE[HY000]: General error: 2006 MySQL server has gone away',
  ];
  assert.notEqual(sniffLines(php, UTC).kind, 'mysql-error');
});
