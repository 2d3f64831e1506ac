/**
 * Every typed message of docs/documents.md "MySQL error" (mysql.error_type + sub-object), with the lines
 * quoted in docs/lab-findings.md (MariaDB 10.11) and docs/mysql-logs.md §2.3/§2.4 (MySQL 5.5-8.0).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMysqlErrorRecord } from '../../../parsers/mysql/error.js';
import { reasonCode } from '../../../parsers/mysql/reason-code.js';
import { ctx, my } from './helpers.js';

const UTC = ctx('UTC');
const p = (line: string) => my(parseMysqlErrorRecord(line, UTC));

test('Aborted connection: victim, db, user, host, reason (MariaDB, Got an error reading)', () => {
  const m = p(
    "2026-11-23 20:21:24 13 [Warning] Aborted connection 13 to db: 'shop' user: 'app' host: '127.0.0.1' (Got an error reading communication packets)",
  );
  assert.equal(m.error_type, 'aborted_connection');
  assert.deepEqual(m.aborted, {
    thread_id: 13,
    db: 'shop',
    user: 'app',
    host: '127.0.0.1',
    reason: 'Got an error reading communication packets',
    reason_code: 'error_reading',
  });
  assert.equal(m.thread_id, 13);
});

test('Aborted connection reason codes', () => {
  const cases: Array<[string, string]> = [
    ['Got timeout reading communication packets', 'timeout_reading'],
    ['Got an error reading communication packets', 'error_reading'],
    ['Got an error writing communication packets', 'error_writing'],
    ['Got timeout writing communication packets', 'timeout_writing'],
    ["Got a packet bigger than 'max_allowed_packet' bytes", 'packet_too_large'],
    ['KILLED', 'killed'],
    ['This connection closed normally without authentication', 'closed_unauthenticated'],
    ['Unknown error', 'other'],
    ['init_connect command failed', 'other'],
  ];
  for (const [reason, code] of cases) {
    const m = p(`2026-11-23 20:21:24 5 [Warning] Aborted connection 5 to db: 'd' user: 'u' host: 'h' (${reason})`);
    assert.equal(m.aborted.reason, reason);
    assert.equal(m.aborted.reason_code, code, reason);
    assert.equal(reasonCode(reason), code);
  }
});

test('(KILLED): thread column is the killer (lab scenario 04, docs/lab-findings.md); 0 means shutdown (lab scenario 06, docs/lab-findings.md)', () => {
  const k = p(
    "2026-11-23 20:22:04 10 [Warning] Aborted connection 11 to db: 'shop' user: 'app' host: '127.0.0.1' (KILLED)",
  );
  assert.equal(k.aborted.thread_id, 11);
  assert.equal(k.aborted.killer_thread_id, 10);
  assert.equal(k.aborted.by_shutdown, undefined);
  const s = p(
    "2026-11-23 20:32:37 0 [Warning] Aborted connection 10 to db: 'shop' user: 'app' host: '127.0.0.1' (KILLED)",
  );
  assert.equal(s.aborted.by_shutdown, true);
  assert.equal(s.aborted.killer_thread_id, undefined);
  const self = p("2026-11-23 20:32:37 10 [Warning] Aborted connection 10 to db: 'shop' user: 'app' host: 'h' (KILLED)");
  assert.equal(self.aborted.killer_thread_id, undefined);
  assert.equal(self.aborted.by_shutdown, undefined);
  const os = p(
    "2018-11-20 1:00:02 140572283455232 [Warning] Aborted connection 1350 to db: 'shop' user: 'app' host: 'h' (KILLED)",
  );
  assert.equal(os.aborted.killer_thread_id, undefined, 'an OS thread id is not a killer connection id');
  const other = p(
    "2026-11-23 20:21:24 10 [Warning] Aborted connection 11 to db: 'd' user: 'u' host: 'h' (Got an error reading communication packets)",
  );
  assert.equal(other.aborted.killer_thread_id, undefined);
});

test('Aborted connection: MySQL 8 MY-010914 with trailing ")." ; old format without host; real ip; truncated reason', () => {
  const m8 = p(
    "2025-03-03T07:02:11.371205Z 52 [Note] [MY-010914] [Server] Aborted connection 52 to db: 'shop' user: 'app' host: '10.0.3.21' (Got timeout reading communication packets).",
  );
  assert.equal(m8.aborted.reason, 'Got timeout reading communication packets');
  assert.equal(m8.aborted.reason_code, 'timeout_reading');
  const old = p(
    "151004  9:47:11 [Warning] Aborted connection 233757 to db: 'nhav' user: 'nhav' (Got timeout reading communication packets)",
  );
  assert.deepEqual(old.aborted, {
    thread_id: 233757,
    db: 'nhav',
    user: 'nhav',
    reason: 'Got timeout reading communication packets',
    reason_code: 'timeout_reading',
  });
  const ip = p(
    "2026-11-23 20:26:30 18 [Warning] Aborted connection 18 to db: 'shop' user: 'app' host: '127.0.0.1' real ip: '10.0.4.7' (Got an error reading communication packets)",
  );
  assert.equal(ip.aborted.host, '127.0.0.1');
  assert.equal(ip.aborted.real_ip, '10.0.4.7');
  const cut = p(
    "2026-11-23 20:27:12 19 [Warning] Aborted connection 19 to db: 'shop' user: 'app' host: '127.0.0.1' (Creating index 'PRIMARY' required more than 'innodb_online_alter_log_ma",
  );
  assert.equal(cut.error_type, 'aborted_connection');
  assert.equal(cut.aborted.reason, "Creating index 'PRIMARY' required more than 'innodb_online_alter_log_ma");
  assert.equal(cut.aborted.reason_code, 'other');
  const bare = p('2026-11-23 20:27:12 19 [Warning] Aborted connection 19');
  assert.equal(bare.aborted.thread_id, 19);
});

test('Could not read/write packet → packet_error with errno, vio_errno, length, fd', () => {
  const r = p(
    '2026-11-23 20:21:49 9 [Warning] Could not read packet: fd: 58  state: 1  read_length: 4  errno: 110  vio_errno: 1159  length: -1',
  );
  assert.equal(r.error_type, 'packet_error');
  assert.deepEqual(r.packet_error, {
    direction: 'read',
    fd: 58,
    state: 1,
    read_length: 4,
    errno: 110,
    vio_errno: 1159,
    length: -1,
  });
  const w = p(
    '2026-11-23 20:22:04 11 [Warning] Could not write packet: fd: 59  state: 2  errno: 32  vio_errno: 1160  length: 86',
  );
  assert.deepEqual(w.packet_error, { direction: 'write', fd: 59, state: 2, errno: 32, vio_errno: 1160, length: 86 });
  assert.equal(w.thread_id, 11);
});

test('Connection was killed', () => {
  const m = p('2026-11-23 20:22:09 12 [ERROR] mariadbd: Connection was killed');
  assert.equal(m.error_type, 'connection_killed');
  assert.equal(m.thread_id, 12);
});

test('standalone net errors: error reading/writing, packet bigger', () => {
  const w = p('2026-11-23 20:22:04 11 [ERROR] mariadbd: Got an error writing communication packets');
  assert.deepEqual(w, {
    error_type: 'net_error',
    net_error: { reason: 'Got an error writing communication packets', reason_code: 'error_writing' },
    thread_id: 11,
  });
  const r = p('2019-07-08T00:24:16.163640Z 2884 [Note] Got an error reading communication packets');
  assert.equal(r.net_error.reason_code, 'error_reading');
  const b = p("2026-11-23 20:23:10 15 [ERROR] mariadbd: Got a packet bigger than 'max_allowed_packet' bytes");
  assert.equal(b.error_type, 'net_error');
  assert.equal(b.net_error.reason_code, 'packet_too_large');
});

test('Access denied: user, host, using password', () => {
  const m = p(
    "2026-11-23 20:25:00 17 [Warning] Access denied for user 'haproxy_check'@'127.0.0.1' (using password: NO)",
  );
  assert.deepEqual(m, {
    error_type: 'access_denied',
    access_denied: { user: 'haproxy_check', host: '127.0.0.1', using_password: false },
    thread_id: 17,
  });
  const m8 = p(
    "2025-03-03T07:05:00.000151Z 56 [Note] [MY-010926] [Server] Access denied for user 'app'@'10.0.3.21' (using password: YES)",
  );
  assert.equal(m8.access_denied.using_password, true);
});

test('shutdown: Normal shutdown, initiated by, MY-013172 Received SHUTDOWN', () => {
  assert.deepEqual(p('161209 14:37:57 [Note] /usr/sbin/mysqld: Normal shutdown').shutdown, {});
  assert.deepEqual(
    p(
      '2018-11-20 1:00:02 140572283455232 [Note] /usr/sbin/mysqld (initiated by: root[root] @ localhost []): Normal shutdown',
    ).shutdown,
    { initiated_by: 'root[root] @ localhost []', user: 'root', host: 'localhost' },
  );
  assert.deepEqual(
    p('2026-11-23 20:32:37 0 [Note] /usr/sbin/mariadbd (initiated by: unknown): Normal shutdown').shutdown,
    { initiated_by: 'unknown' },
  );
  const m8 = p(
    '2019-03-24T13:44:31.555406Z 6 [System] [MY-013172] [Server] Received SHUTDOWN from user boot. Shutting down mysqld (Version: 8.0.15).',
  );
  assert.equal(m8.error_type, 'shutdown');
  assert.deepEqual(m8.shutdown, { user: 'boot' });
});

test('shutdown complete, but not InnoDB "Shutdown completed"', () => {
  assert.equal(p('161209 14:37:57 [Note] /usr/sbin/mysqld: Shutdown complete').error_type, 'shutdown_complete');
  assert.deepEqual(
    p(
      '2019-03-24T13:44:33.236624Z 0 [System] [MY-010910] [Server] /usr/sbin/mysqld: Shutdown complete (mysqld 8.0.15)  MySQL Community Server - GPL.',
    ).shutdown_complete,
    { version: '8.0.15' },
  );
  assert.equal(p('161209 14:37:57  InnoDB: Shutdown completed; log sequence number 1595685').error_type, 'other');
});

test('ready for connections: version/port from the same line (8.0) or the continuation (≤5.7, MariaDB); X Plugin is not', () => {
  const m8 = p(
    "2019-03-24T13:44:34.420123Z 0 [System] [MY-010931] [Server] /usr/sbin/mysqld: ready for connections. Version: '8.0.15'  socket: '/var/run/mysqld/mysqld.sock'  port: 3306  MySQL Community Server - GPL.",
  );
  assert.deepEqual(m8.ready, { version: '8.0.15', socket: '/var/run/mysqld/mysqld.sock', port: 3306 });
  const ma = p(
    "2019-10-16 17:24:15 0 [Note] /usr/sbin/mysqld: ready for connections.\nVersion: '10.4.8-MariaDB-log'  socket: '/data/mysqldata/mysql.sock'  port: 3306  MariaDB Server",
  );
  assert.deepEqual(ma.ready, { version: '10.4.8-MariaDB-log', socket: '/data/mysqldata/mysql.sock', port: 3306 });
  assert.deepEqual(p('161209 14:18:58 [Note] /usr/sbin/mysqld: ready for connections.').ready, {});
  assert.equal(
    p(
      "2019-03-24T13:44:34.572158Z 0 [System] [MY-011323] [Server] X Plugin ready for connections. Socket: '/x' bind-address: '::' port: 33060",
    ).error_type,
    'other',
  );
});

test('starting as process (MySQL 5.7/8, MariaDB old and new wording)', () => {
  assert.deepEqual(
    p(
      '2016-12-09T12:08:33.336610Z 0 [Note] /usr/local/Cellar/mysql/5.7.10/bin/mysqld (mysqld 5.7.10) starting as process 61571 ...',
    ).starting,
    { version: '5.7.10', pid: 61571 },
  );
  assert.deepEqual(
    p('2022-01-01 10:00:00 0 [Note] /usr/sbin/mariadbd (server 10.6.7-MariaDB-2ubuntu1.1) starting as process 1234 ...')
      .starting,
    { version: '10.6.7-MariaDB-2ubuntu1.1', pid: 1234 },
  );
  assert.deepEqual(
    p('2026-11-23 20:15:02 0 [Note] Starting MariaDB 10.11.19-MariaDB-log source revision abc as process 2210')
      .starting,
    { version: '10.11.19-MariaDB-log', pid: 2210 },
  );
});

test('crash recovery: InnoDB wording in 5.7, 8.0 and MariaDB (with checkpoint LSN); XA recovery is routine', () => {
  assert.equal(p('2016-12-09T12:08:33.402443Z 0 [Note] InnoDB: Starting crash recovery.').error_type, 'crash_recovery');
  assert.equal(
    p('2016-12-09T12:08:33.402440Z 0 [Note] InnoDB: Database was not shutdown normally!').error_type,
    'crash_recovery',
  );
  assert.equal(
    p('2025-03-03T07:10:00.402330Z 1 [Note] [MY-012552] [InnoDB] Starting crash recovery.').error_type,
    'crash_recovery',
  );
  assert.deepEqual(
    p('2026-11-24  2:05:11 0 [Note] InnoDB: Starting crash recovery from checkpoint LSN=842419').crash_recovery,
    { checkpoint_lsn: 842419 },
  );
  assert.equal(
    p('2025-03-03T06:25:50.101931Z 0 [System] [MY-010229] [Server] Starting XA crash recovery...').error_type,
    'other',
  );
});

test('signal lines (MariaDB, MySQL, Windows exception)', () => {
  assert.deepEqual(p('2026-11-24  2:07:40 0 [ERROR] mariadbd got signal 11 ;').signal, { number: 11 });
  assert.deepEqual(p('161209 14:40:02 [ERROR] mysqld got signal 6 ;').signal, { number: 6 });
  const ex = my(parseMysqlErrorRecord('13:25:16 UTC - mysqld got exception 0x16 ;', UTC));
  assert.deepEqual(ex.signal, { exception: '0x16' });
});

test('forcing close of thread (MY-010909 and 5.7 wording)', () => {
  const m = p(
    "2023-03-07T09:34:58.461438Z 0 [Warning] [MY-010909] [Server] /usr/sbin/mysqld: Forcing close of thread 14  user: 'sherlock'.",
  );
  assert.deepEqual(m.forcing_close, { thread_id: 14, user: 'sherlock' });
  assert.equal(m.error_type, 'forcing_close');
  assert.deepEqual(
    p("2017-06-29T07:10:02.512000Z 0 [Warning] /usr/sbin/mysqld: Forcing close of thread 6  user: 'app'").forcing_close,
    { thread_id: 6, user: 'app' },
  );
});

test('ordinary notes are "other"', () => {
  assert.equal(p('2019-10-16 17:24:15 0 [Note] InnoDB: Using Linux native AIO').error_type, 'other');
  assert.equal(p('2016-12-09T12:08:33.665405Z 0 [Warning] CA certificate ca.pem is self signed.').error_type, 'other');
});
