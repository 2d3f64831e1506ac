/**
 * Why MariaDB closed a connection, as its `Aborted connection` reason says: the reasons of
 * close_connection() (sql/mysqld.cc: the errmsg of the error the connection is refused with, else
 * `This connection closed normally[ without authentication]`), and the shutdown's "did not exit"
 * line. Lines are real ones from public issue threads (source on each), unless marked.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMysqlErrorRecord } from '../../../parsers/mysql/error.js';
import { reasonCode } from '../../../parsers/mysql/reason-code.js';
import { ctx, docOf, my } from './helpers.js';

const UTC = ctx('UTC');
const p = (line: string) => my(parseMysqlErrorRecord(line, UTC));

test('(Too many connections): its own reason code, not other (ER_CON_COUNT_ERROR via close_connection)', () => {
  // constructed: the errmsg text close_connection() hands to print_aborted_warning (MariaDB sql/mysqld.cc)
  // in the shape of the freescout#3812 line below
  const m = p(
    "2024-02-21  7:59:54 5 [Warning] Aborted connection 5 to db: 'unconnected' user: 'unauthenticated' host: '172.25.0.4' (Too many connections)",
  );
  assert.equal(m.error_type, 'aborted_connection');
  assert.equal(m.aborted.reason, 'Too many connections');
  assert.equal(m.aborted.reason_code, 'too_many_connections');
  assert.equal(m.aborted.thread_id, 5);
  assert.equal(reasonCode('Too many connections'), 'too_many_connections');
});

test('close_connection() reasons: closed normally (authenticated, log_warnings ≥ 4), out of memory cut at 64 chars', () => {
  assert.equal(reasonCode('This connection closed normally'), 'closed_normally');
  assert.equal(reasonCode('This connection closed normally without authentication'), 'closed_unauthenticated');
  // ER_OUT_OF_RESOURCES as `%-.64s` prints it
  assert.equal(reasonCode('Out of memory; check if mysqld or some other process uses all av'), 'out_of_memory');
  assert.equal(reasonCode('Unknown error'), 'other');
  const m = p(
    "2026-11-23 20:21:24 13 [Warning] Aborted connection 13 to db: 'shop' user: 'app' host: '127.0.0.1' (This connection closed normally)",
  );
  assert.equal(m.aborted.reason_code, 'closed_normally');
});

test('a real unauthenticated close (freescout-help-desk/freescout#3812, MariaDB in docker)', () => {
  const f = p(
    "2024-02-21  7:59:54 5 [Warning] Aborted connection 5 to db: 'unconnected' user: 'unauthenticated' host: '172.25.0.4' (This connection closed normally without authentication)",
  );
  assert.deepEqual(f.aborted, {
    thread_id: 5,
    db: 'unconnected',
    user: 'unauthenticated',
    host: '172.25.0.4',
    reason: 'This connection closed normally without authentication',
    reason_code: 'closed_unauthenticated',
  });
});

test('real timeout / error reading lines from issue threads keep victim, db, user, host and reason', () => {
  const cases: Array<[string, number, string, string]> = [
    // openemr/openemr#4931 (MariaDB 10.7.1)
    [
      "2022-02-20 10:12:47 6403 [Warning] Aborted connection 6403 to db: 'emr' user: 'emr' host: 'host' (Got an error reading communication packets)",
      6403,
      'host',
      'error_reading',
    ],
    // joinloops/loops-server#261
    [
      "2025-12-27 12:42:07 43444 [Warning] Aborted connection 43444 to db: 'loopsdb' user: 'loops' host: 'localhost' (Got timeout reading communication packets)",
      43444,
      'localhost',
      'timeout_reading',
    ],
    // mobigen/IRIS-BigData-Platform#2318 (space-padded hour)
    [
      "2020-06-17  5:21:41 193529 [Warning] Aborted connection 193529 to db: 'was' user: 'root' host: '172.17.0.1' (Got timeout reading communication packets)",
      193529,
      '172.17.0.1',
      'timeout_reading',
    ],
    // sysown/proxysql#2090 (MySQL 5.7, log_timestamps=SYSTEM)
    [
      "2019-06-11T02:25:09.164143+08:00 1956430 [Note] Aborted connection 1956430 to db: 'cd_production' user: 'proxysql' host: '10.76.2.13' (Got timeout reading communication packets)",
      1956430,
      '10.76.2.13',
      'timeout_reading',
    ],
  ];
  for (const [line, id, host, code] of cases) {
    const m = p(line);
    assert.equal(m.error_type, 'aborted_connection', line);
    assert.equal(m.aborted.thread_id, id);
    assert.equal(m.aborted.host, host);
    assert.equal(m.aborted.reason_code, code);
  }
  const off = parseMysqlErrorRecord(cases[3]![0], UTC);
  assert.ok(off.ok);
  assert.equal(off.value.t, Date.UTC(2019, 5, 10, 18, 25, 9, 164));
});

test('MariaDB ≥10.5 shutdown: "Thread N (user : \'u\') did not exit" names a connection the shutdown closes', () => {
  // home-assistant/addons#3584 (the server prints a trailing newline: a blank line follows)
  const r = parseMysqlErrorRecord(
    "2024-04-29 21:59:39 0 [Warning] mysqld: Thread 7 (user : 'homeassistant') did not exit\n",
    UTC,
  );
  const m = my(r);
  assert.equal(m.error_type, 'forcing_close');
  assert.deepEqual(m.forcing_close, { thread_id: 7, user: 'homeassistant' });
  assert.equal(docOf(r)['@timestamp'], '2024-04-29T21:59:39.000Z');
  // the shutdown line before it (same thread)
  const sd = p('2024-04-29 21:59:19 0 [Note] mysqld (initiated by: unknown): Normal shutdown');
  assert.equal(sd.error_type, 'shutdown');
  assert.equal(sd.shutdown.initiated_by, 'unknown');
});
