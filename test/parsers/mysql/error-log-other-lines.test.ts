/**
 * Error-log lines outside the usual shapes (docs/formats/mysql-error-other-lines.md): Percona's
 * standalone `Too many connections` warning, the `Version: … port: N` line of the ready message, and
 * MySQL 8's JSON sink written one attribute per line.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isMysqlErrorRecordStart, parseMysqlErrorRecord } from '../../../parsers/mysql/error.js';
import { assemble, ctx, my } from './helpers.js';

const UTC = ctx('UTC');

// Percona Server logs a refused connection at max_connections (percona/percona-server#534,
// https://github.com/percona/percona-server/pull/534; PS-MYR-126 shows the `[Warning] Too many connections` line)
test("Percona's standalone `[Warning] Too many connections` is a refused connection, not an aborted one", () => {
  for (const l of [
    '130924 14:56:43 [Warning] Too many connections',
    '2018-02-14T10:00:00.123456Z 0 [Warning] Too many connections',
  ]) {
    const m = my(parseMysqlErrorRecord(l, UTC));
    assert.equal(m.error_type, 'connection_refused', l);
    assert.deepEqual(m.connection_refused, { reason: 'Too many connections', reason_code: 'too_many_connections' });
  }
  // the same words inside another message stay what that message is
  const ab = my(
    parseMysqlErrorRecord(
      "2024-03-12 10:39:00 0 [Warning] Aborted connection 0 to db: 'unconnected' user: 'unauthenticated' host: '10.0.0.2' (Too many connections)",
      UTC,
    ),
  );
  assert.equal(ab.error_type, 'aborted_connection');
});

// MySQL's ER_STARTUP text is one message with a newline inside ("%s: ready for connections.\nVersion: …"),
// so the Version line belongs to the ready record (beats' mysql error test logs show it under the ready line)
test('the Version line continues its ready record; alone (a cut log, a per-line stream) it is still a ready record', () => {
  const text = [
    '2019-10-16 17:24:15 0 [Note] /usr/sbin/mysqld: ready for connections.',
    "Version: '10.4.8-MariaDB-log'  socket: '/data/mysqldata/mysql.sock'  port: 3306  MariaDB Server",
  ].join('\n');
  const recs = assemble(text, isMysqlErrorRecordStart);
  assert.equal(recs.length, 1);
  assert.deepEqual(my(parseMysqlErrorRecord(recs[0]!, UTC)).ready, {
    version: '10.4.8-MariaDB-log',
    socket: '/data/mysqldata/mysql.sock',
    port: 3306,
  });
  const lone = parseMysqlErrorRecord(text.split('\n')[1]!, UTC);
  assert.ok(lone.ok);
  assert.equal(lone.value.t, undefined, 'no time is invented for it');
  assert.equal(my(lone).error_type, 'ready');
  assert.deepEqual(my(lone).ready, { version: '10.4.8-MariaDB-log', socket: '/data/mysqldata/mysql.sock', port: 3306 });
});

// WL#13786 (https://dev.mysql.com/worklog/task/?id=13786) shows the JSON sink's object one attribute per
// line, with a comma after the last attribute
test("MySQL 8's JSON sink written one attribute per line is one record, read like the one-line form", () => {
  const text = [
    '{ "prio" : 0,',
    '"err_code" : 10116,',
    '"source_line" : 4340,',
    '"source_file" : "mysqld.cc",',
    '"function" : "init_common_variables",',
    '"msg" : "D:\\\\mysql\\\\mysqld.exe (mysqld 8.0.20) starting as process 11876",',
    '"time" : "2020-01-08T14:51:29.008063Z",',
    '"ts" : 1543877509563,',
    '"err_symbol" : "ER_STARTING_AS",',
    '"SQL_state" : "HY000",',
    '"subsystem" : "Server",',
    '"buffered" : 1556290289008063,',
    '"label" : "System",',
    '}',
    '{',
    '  "prio" : 2,',
    '  "err_code" : 10914,',
    "  \"msg\" : \"Aborted connection 57 to db: 'shop' user: 'app' host: '10.0.0.2' (Got timeout reading communication packets).\",",
    '  "time" : "2020-01-08T14:52:00.000000Z",',
    '  "thread" : 57,',
    '  "subsystem" : "Server",',
    '  "label" : "Note"',
    '}',
  ].join('\n');
  const recs = assemble(text, isMysqlErrorRecordStart);
  assert.equal(recs.length, 2);
  const start = parseMysqlErrorRecord(recs[0]!, UTC);
  assert.ok(start.ok);
  assert.equal(start.value.t, Date.UTC(2020, 0, 8, 14, 51, 29, 8));
  assert.equal(my(start).error_type, 'starting');
  assert.equal((start.value.doc.event as Record<string, unknown>).code, 'MY-010116');
  const ab = my(parseMysqlErrorRecord(recs[1]!, UTC));
  assert.equal(ab.error_type, 'aborted_connection');
  assert.equal(ab.aborted.reason_code, 'timeout_reading');
  assert.equal(ab.thread_id, 57);
});
