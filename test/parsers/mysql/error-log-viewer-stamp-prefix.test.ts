/**
 * Error-log lines copied out of a log viewer carry the viewer's stamp in front of the server's own:
 * Docker Desktop's log copy (`<local time> <server line>`) and k8s UIs that glue an RFC3339 stamp on.
 * The server's own stamp dates the record and the rest of the line is read as usual. Real lines from
 * public issue threads (source on each).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isMysqlErrorRecordStart, parseMysqlErrorRecord } from '../../../parsers/mysql/error.js';
import { ctx, docOf, my } from './helpers.js';

const UTC = ctx('UTC');

test("Docker Desktop copy: the viewer's local time before the MariaDB line (aces/Loris#10118)", () => {
  const line =
    "2025-11-10 18:18:07 2025-11-10 23:18:07 21 [Warning] Aborted connection 21 to db: 'unconnected' user: 'unauthenticated' host: '172.18.0.5' (This connection closed normally without authentication)";
  assert.ok(isMysqlErrorRecordStart(line));
  const r = parseMysqlErrorRecord(line, UTC);
  assert.ok(r.ok);
  assert.equal(r.value.t, Date.UTC(2025, 10, 10, 23, 18, 7), "the server's own stamp, not the viewer's");
  const d = docOf(r);
  assert.equal((d.log as { level: string }).level, 'Warning');
  assert.ok(String(d.message).startsWith('Aborted connection 21 '));
  const m = my(r);
  assert.equal(m.error_type, 'aborted_connection');
  assert.equal(m.thread_id, 21);
  assert.equal(m.aborted.thread_id, 21);
  assert.equal(m.aborted.reason_code, 'closed_unauthenticated');
});

test('Docker Desktop copy of a MariaDB 10.2 log with OS thread ids (NexvisionLab/Darkweb-search-engine#8)', () => {
  const r = parseMysqlErrorRecord(
    '2023-06-13 13:08:54 2023-06-13 12:08:54 140443127027392 [Note] mysqld (mysqld 10.2.44-MariaDB-1:10.2.44+maria~bionic) starting as process 1 ...',
    UTC,
  );
  assert.ok(r.ok);
  assert.equal(r.value.t, Date.UTC(2023, 5, 13, 12, 8, 54));
  const m = my(r);
  assert.equal(m.thread_id, 140443127027392);
  assert.deepEqual(m.starting, { version: '10.2.44-MariaDB-1:10.2.44+maria~bionic', pid: 1 });
});

test('an RFC3339 stamp glued onto the MariaDB line (trueforge-org/truecharts#13934): its offset places the wall clock', () => {
  const line =
    '2023-10-24 10:18:18.330347+08:002023-10-24  2:18:18 0 [Note] /opt/bitnami/mariadb/sbin/mysqld: Shutdown complete';
  assert.ok(isMysqlErrorRecordStart(line));
  const r = parseMysqlErrorRecord(line, UTC);
  assert.ok(r.ok);
  assert.equal(r.value.t, Date.UTC(2023, 9, 24, 2, 18, 18));
  assert.equal(my(r).error_type, 'shutdown_complete');
  assert.equal(my(r).thread_id, 0);
  // a machine zone that was only guessed (not --timezone) is corrected by the zoned viewer stamp
  const guessed = parseMysqlErrorRecord(line, ctx('Asia/Tokyo'));
  assert.ok(guessed.ok);
  assert.equal(guessed.value.t, Date.UTC(2023, 9, 24, 2, 18, 18));
  // a zone the user gave is kept (as for syslog envelopes, parsers/zones.ts stampZoneShift)
  const given = parseMysqlErrorRecord(line, ctx('Asia/Tokyo', { zoneGiven: true }));
  assert.ok(given.ok);
  assert.equal(given.value.t, Date.UTC(2023, 9, 23, 17, 18, 18));
});

test('a single stamp followed by a thread column is not mistaken for two stamps', () => {
  const cases: Array<[string, number, number]> = [
    ['2019-10-16 17:24:15 0 [Note] InnoDB: Using Linux native AIO', 0, Date.UTC(2019, 9, 16, 17, 24, 15)],
    ["2015-01-27 20:28:09 17479 [Note] Plugin 'FEDERATED' is disabled.", 17479, Date.UTC(2015, 0, 27, 20, 28, 9)],
    [
      '2018-11-20 0:59:34 140572285912832 [Warning] IP address could not be resolved',
      140572285912832,
      Date.UTC(2018, 10, 20, 0, 59, 34),
    ],
    ['2026-11-23 20:21:24 191015 [Note] six-digit thread id', 191015, Date.UTC(2026, 10, 23, 20, 21, 24)],
  ];
  for (const [line, tid, t] of cases) {
    const r = parseMysqlErrorRecord(line, UTC);
    assert.ok(r.ok, line);
    assert.equal(r.value.t, t, line);
    assert.equal(my(r).thread_id, tid, line);
  }
});
