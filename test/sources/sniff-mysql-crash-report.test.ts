/**
 * A MySQL/MariaDB crash report (`mysqld got signal 11 ;`, the server variables, `Thread pointer: 0x…`,
 * `Attempting backtrace…`, stack frames) is the server's error log even when no line of it carries a
 * date: a file that starts with one must sniff as mysql-error, or `--kind auto` reads it as an app log
 * and the crash evidence is lost. Facts: docs/formats/mysql-crash-report.md.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sniffLines } from '../../src/sources/sniff.js';
import { makeZone } from '../../parsers/zones.js';
import { goneaway } from '../cli/paths.js';

const ctx = { zone: makeZone('UTC') };

// MySQL 5.7 (Galera) as posted in https://github.com/mariadb-corporation/mysql-wsrep/issues/352
const MYSQL57 = `11:40:21 UTC - mysqld got signal 11 ;
This could be because you hit a bug. It is also possible that this binary
or one of the libraries it was linked against is corrupt, improperly built,
or misconfigured. This error can also be caused by malfunctioning hardware.
Attempting to collect some information that could help diagnose the problem.
As this is a crash and something is definitely wrong, the information
collection process might fail.

key_buffer_size=16777216
read_buffer_size=4194304
max_used_connections=281
max_threads=1000
thread_count=51
connection_count=26
It is possible that mysqld could use up to
key_buffer_size + (read_buffer_size + sort_buffer_size)*max_threads = 8222321 K  bytes of memory
Hope that's ok; if not, decrease some variables in the equation.

Thread pointer: 0x0
Attempting backtrace. You can use the following information to find out
where mysqld died. If you see no messages after this, something went
terribly wrong...
stack_bottom = 0 thread_stack 0x80000
/usr/sbin/mysqld(my_print_stacktrace+0x2c)[0x55f48c960d9c]
/usr/sbin/mysqld(handle_fatal_signal+0x479)[0x55f48c268309]
/lib/x86_64-linux-gnu/libpthread.so.0(+0x110e0)[0x7fe1f80f50e0]
/usr/sbin/mysqld(handle_connection+0x17e)[0x55f48c7e8f5e]
/usr/sbin/mysqld(pfs_spawn_thread+0x1b4)[0x55f48cccfb64]
The manual page at http://dev.mysql.com/doc/mysql/en/crashing.html contains
information that should help you find out what is causing the crash.`;

// A file cut after the header (log rotation, `tail`): it starts inside the report.
// Frames with a space before the address as Percona 5.1 printed them
// (https://github.com/DeNA/HandlerSocket-Plugin-for-MySQL/issues/66), MySQL 8's C++ frames from
// https://github.com/nextcloud-snap/nextcloud-snap/issues/2405
const CUT = `Thread pointer: 0x2ab42e157b60
Attempting backtrace. You can use the following information to find out
where mysqld died. If you see no messages after this, something went
terribly wrong...
stack_bottom = 0x540470e0 thread_stack 0x30000
/usr/local/mysql/libexec/mysqld(my_print_stacktrace+0x24) [0x842d64]
/usr/local/mysql/libexec/mysqld(handle_segfault+0x351) [0x58ad61]
/lib64/libpthread.so.0 [0x331500eb10]
/snap/nextcloud/34568/bin/mysqld(my_print_stacktrace(unsigned char const*, unsigned long)+0x29) [0x1b6ab82]
/snap/nextcloud/34568/bin/mysqld(print_fatal_signal(int)+0x281) [0x106322e]
/snap/nextcloud/34568/bin/mysqld(handle_fatal_signal+0x59) [0x106331e]
Trying to get some variables.
Some pointers may be invalid and cause the dump to abort...
thd->query at 0x2ab42e1a0e70 is an invalid pointer
thd->thread_id=12
The manual page at http://dev.mysql.com/doc/refman/5.1/en/crashing.html contains
information that should help you find out what is causing the crash.`;

test('a file that starts with a MySQL crash report sniffs as a MySQL error log', () => {
  assert.equal(sniffLines(MYSQL57.split('\n'), ctx).kind, 'mysql_error');
});

test('a file cut inside a crash report (no header, no date) still sniffs as a MySQL error log', () => {
  assert.equal(sniffLines(CUT.split('\n'), ctx).kind, 'mysql_error');
});

test('an app log that quotes a MySQL error is still an app log', () => {
  const app = [
    '[2026-11-23 20:21:26] production.ERROR: SQLSTATE[HY000]: General error: 2006 MySQL server has gone away',
    '[stacktrace]',
    '#0 /var/www/vendor/laravel/framework/src/Illuminate/Database/Connection.php(760): PDOStatement->execute()',
    '[2026-11-23 20:21:27] production.INFO: retry ok',
  ];
  assert.equal(sniffLines(app, ctx).kind, 'app');
});

test('goneaway parse --kind auto keeps the crash as a signal record of the error log', () => {
  const after = '2026-11-23 11:40:30 0 [Note] InnoDB: Starting crash recovery from checkpoint LSN=12345';
  const r = goneaway(['parse', '--format', 'ndjson', '-'], MYSQL57 + '\n' + after + '\n');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /\(mysql_error\)/);
  const docs = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { mysql?: { error_type?: string }; goneaway: { kind: string } });
  assert.equal(docs[0]!.goneaway.kind, 'mysql_error');
  assert.equal(docs[0]!.mysql!.error_type, 'signal');
});
