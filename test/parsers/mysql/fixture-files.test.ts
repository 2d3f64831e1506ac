/**
 * Whole sample files under test/fixtures/mysql (modelled on docs/lab-findings.md and docs/haproxy-logs.md and
 * docs/mysql-logs.md lines),
 * assembled into records with the record-start functions exactly as the pipeline does.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMysqlErrorRecord, isMysqlErrorRecordStart } from '../../../parsers/mysql/error.js';
import {
  parseMysqlGeneralRecord,
  isMysqlGeneralRecordStart,
  newGeneralLogState,
} from '../../../parsers/mysql/general.js';
import type { Parsed } from '../../../parsers/types.js';
import { assemble, ctx, readFixture } from './helpers.js';

function errorFile(name: string, refTime?: number): Parsed[] {
  const c = ctx('UTC', refTime === undefined ? {} : { refTime });
  return assemble(readFixture(name), isMysqlErrorRecordStart).map((text) => {
    const r = parseMysqlErrorRecord(text, c);
    assert.ok(r.ok, `${name}: ${text.slice(0, 80)} → ${JSON.stringify(!r.ok && r.issue)}`);
    return r.value;
  });
}
const M = (p: Parsed) => p.doc.mysql as Record<string, any>;
const typed = (ps: Parsed[]) => ps.map((p) => M(p).error_type).filter((t) => t !== 'other');

test('MariaDB 10.11 error log (lab lines): record count, typed sequence, killer/shutdown, continuation', () => {
  const ps = errorFile('mariadb-10.11-error.log');
  const starts = readFixture('mariadb-10.11-error.log')
    .split('\n')
    .filter((l) => /^\d{4}-\d\d-\d\d /.test(l)).length;
  assert.equal(ps.length, starts);
  assert.deepEqual(typed(ps), [
    'starting',
    'ready',
    'aborted_connection',
    'packet_error',
    'packet_error',
    'aborted_connection',
    'aborted_connection',
    'packet_error',
    'net_error',
    'aborted_connection',
    'connection_killed',
    'connection_killed',
    'net_error',
    'aborted_connection',
    'aborted_connection',
    'access_denied',
    'aborted_connection',
    'aborted_connection',
    'shutdown',
    'aborted_connection',
    'connection_killed',
    'shutdown_complete',
    'starting',
    'crash_recovery',
    'ready',
    'signal',
  ]);
  const aborted = ps
    .map(M)
    .filter((m) => m.error_type === 'aborted_connection')
    .map((m) => m.aborted);
  assert.deepEqual(
    aborted.map((a) => a.reason_code),
    [
      'error_reading',
      'timeout_reading',
      'killed',
      'killed',
      'packet_too_large',
      'closed_unauthenticated',
      'error_reading',
      'other',
      'killed',
    ],
  );
  assert.deepEqual(
    aborted.map((a) => a.killer_thread_id ?? null),
    [null, null, 10, 14, null, null, null, null, null],
  );
  assert.deepEqual(
    aborted.map((a) => a.by_shutdown ?? null),
    [null, null, null, null, null, null, null, null, true],
  );
  const ready = ps
    .map(M)
    .filter((m) => m.error_type === 'ready')
    .map((m) => m.ready.port);
  assert.deepEqual(ready, [3313, 3312]);
  const crash = ps[ps.length - 1]!;
  assert.ok((crash.doc.message as string).includes('handle_fatal_signal'), 'stack frames stay in the crash record');
  assert.equal(crash.t, Date.UTC(2026, 10, 24, 2, 7, 40));
});

test('MySQL 8.0 error log: codes, offset timestamp, ISO crash header with stack', () => {
  const ps = errorFile('mysql-8.0-error.log');
  assert.deepEqual(typed(ps), [
    'starting',
    'ready',
    'aborted_connection',
    'aborted_connection',
    'aborted_connection',
    'aborted_connection',
    'access_denied',
    'shutdown',
    'forcing_close',
    'shutdown_complete',
    'starting',
    'crash_recovery',
    'crash_recovery',
    'ready',
    'signal',
  ]);
  const sd = ps.find((p) => M(p).error_type === 'shutdown')!;
  assert.equal(sd.t, Date.UTC(2025, 2, 3, 7, 0, 1, 720));
  assert.deepEqual(M(sd).shutdown, { user: 'root' });
  const sig = ps[ps.length - 1]!;
  assert.equal(sig.t, Date.UTC(2025, 2, 3, 9, 12, 44));
  const lines = readFixture('mysql-8.0-error.log').trimEnd().split('\n');
  const header = lines.findIndex((l) => l.includes('UTC - mysqld got signal'));
  assert.equal((sig.doc.message as string).split('\n').length, lines.length - header);
});

test('MySQL 8.0 JSON sink file: same typed fields as the text sink', () => {
  const ps = errorFile('mysql-8.0-error.json');
  assert.equal(ps.length, 5);
  assert.deepEqual(typed(ps), ['starting', 'ready', 'aborted_connection', 'shutdown', 'forcing_close']);
  assert.deepEqual(
    ps.map((p) => (p.doc.event as any).code),
    ['MY-010116', 'MY-010931', 'MY-010914', 'MY-013172', 'MY-010909'],
  );
  assert.equal(M(ps[2]!).aborted.reason_code, 'timeout_reading');
  assert.deepEqual(M(ps[3]!).shutdown, { user: '<via user signal>' });
  assert.equal(ps[4]!.t, 1740985203188, 'ts is used when time is absent');
});

test('MySQL 5.7 error log: date-less crash header joins its report and takes its day from refTime', () => {
  const ref = Date.UTC(2017, 5, 29, 6, 30, 2);
  const ps = errorFile('mysql-5.7-error.log', ref);
  assert.deepEqual(typed(ps), [
    'starting',
    'ready',
    'aborted_connection',
    'net_error',
    'signal',
    'crash_recovery',
    'crash_recovery',
    'ready',
    'aborted_connection',
    'shutdown',
    'forcing_close',
    'shutdown_complete',
  ]);
  const sig = ps.find((p) => M(p).error_type === 'signal')!;
  assert.equal(sig.t, Date.UTC(2017, 5, 29, 6, 37, 41));
  assert.ok((sig.doc.message as string).includes('OpenSSL internal error'));
  assert.equal(M(ps[1]!).ready.version, '5.7.44-log');
});

test('MySQL 5.5 error log: InnoDB continuation, no-host Aborted, mysqld_safe restart', () => {
  const ps = errorFile('mysql-5.5-error.log');
  assert.deepEqual(typed(ps), [
    'starting',
    'ready',
    'aborted_connection',
    'aborted_connection',
    'shutdown',
    'shutdown_complete',
    'signal',
    'starting',
  ]);
  assert.ok((ps[2]!.doc.message as string).includes('a new database to be created!'));
  assert.equal(M(ps.find((p) => M(p).error_type === 'ready')!).ready.port, 3306);
});

test('MariaDB 10.2 error log: OS thread ids, 1-digit hours, no killer from an OS thread id', () => {
  const ps = errorFile('mariadb-10.2-error.log');
  assert.equal(ps.length, 4);
  assert.equal(ps[0]!.t, Date.UTC(2018, 10, 20, 0, 59, 34));
  assert.equal(M(ps[0]!).thread_id, 140572285912832);
  assert.equal(M(ps[3]!).aborted.killer_thread_id, undefined);
  assert.equal(M(ps[2]!).shutdown.user, 'root');
});

function generalFile(name: string, redactSql = false): Parsed[] {
  const c = ctx('UTC', { redactSql });
  const st = newGeneralLogState();
  return assemble(readFixture(name), isMysqlGeneralRecordStart).map((text) => {
    const r = parseMysqlGeneralRecord(text, c, st);
    assert.ok(r.ok, `${name}: ${JSON.stringify(text)} → ${JSON.stringify(!r.ok && r.issue)}`);
    return r.value;
  });
}
const G = (p: Parsed) => M(p).general as Record<string, any>;

test('MariaDB 10.11 general log: repeated headers, carried times, multi-line INSERT, kills, failed connect', () => {
  const ps = generalFile('mariadb-10.11-general.log');
  assert.deepEqual(
    ps.map((p) => G(p).command),
    [
      'header',
      'header',
      'header',
      'Connect',
      'Query',
      'Query',
      'Query',
      'Connect',
      'Quit',
      'Query',
      'Connect',
      'Query',
      'Query',
      'Query',
      'Query',
      'Init DB',
      'Field List',
      'Quit',
      'Connect',
      'header',
      'header',
      'header',
      'Connect',
      'Query',
    ],
  );
  const insert = ps.find((p) => (G(p).argument as string).startsWith('INSERT'))!;
  assert.equal((G(insert).argument as string).split('\n').length, 3);
  assert.deepEqual(
    ps.filter((p) => G(p).kill).map((p) => [M(p).thread_id, G(p).kill.target_thread_id, G(p).kill.query_only]),
    [
      [14, 12, false],
      [11, 10, false],
      [14, 13, true],
    ],
  );
  const carried = ps.filter((p) => G(p).time_carried);
  assert.ok(carried.length >= 8);
  const killQ = ps.find((p) => G(p).kill?.query_only)!;
  assert.equal(killQ.t, Date.UTC(2026, 10, 23, 20, 22, 4));
  const last = ps[ps.length - 1]!;
  assert.equal(last.t, Date.UTC(2026, 10, 24, 2, 5, 14));
  assert.deepEqual(G(ps[18]!).access_denied, { user: 'app', host: '127.0.0.1', using_password: true });
  const red = generalFile('mariadb-10.11-general.log', true);
  const redInsert = red.find((p) => (G(p).argument as string).startsWith('INSERT'))!;
  assert.equal(G(redInsert).argument, 'INSERT INTO audit (actor, note)\nVALUES (?, ?)');
});

test('MySQL 5.7 general log: offsets, Prepare/Execute, KILL CONNECTION, Windows header', () => {
  const ps = generalFile('mysql-5.7-general.log');
  assert.deepEqual(
    ps.map((p) => G(p).command),
    [
      'header',
      'header',
      'header',
      'Connect',
      'Query',
      'Prepare',
      'Execute',
      'Connect',
      'Query',
      'Quit',
      'header',
      'header',
      'header',
      'Ping',
    ],
  );
  assert.equal(ps[3]!.t, Date.UTC(2020, 7, 7, 15, 2, 0, 832));
  assert.deepEqual(G(ps[8]!).kill, { target_thread_id: 4, query_only: false });
  assert.deepEqual(G(ps[11]!).header, { tcp_port: 3306, named_pipe: 'MySQL' });
  assert.equal(G(ps[10]!).header.version, '5.7.44-log');
  assert.ok(ps.every((p) => !G(p).time_carried));
});
