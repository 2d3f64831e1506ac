/**
 * MySQL / MariaDB error and general log lines as people pasted them into public issues (source on each;
 * docs/mysql-logs.md "Real lines checked"): ends of connections in every stamp shape of 5.5 … 8.0 and MariaDB
 * 10.x, shutdowns, starts, crashes, journald and viewer prefixes, and a general log's Connect/Query.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isMysqlErrorRecordStart, parseMysqlErrorRecord } from '../../../parsers/mysql/error.js';
import { reasonCode } from '../../../parsers/mysql/reason-code.js';
import {
  isMysqlGeneralRecordStart,
  newGeneralLogState,
  parseMysqlGeneralRecord,
} from '../../../parsers/mysql/general.js';
import { assemble, ctx, docOf, my } from './helpers.js';

const UTC = ctx('UTC');
const parse = (text: string, c = UTC) =>
  assemble(text, isMysqlErrorRecordStart).map((r) => parseMysqlErrorRecord(r, c));

/** [source, line, @timestamp, thread id, reason_code] */
const ABORTED: Array<[string, string, string, number, string]> = [
  [
    'https://github.com/docker-library/mysql/issues/124 (compose prefix removed by src/sources)',
    "2015-11-28T02:50:01.238745Z 3 [Note] Aborted connection 3 to db: 'text_rocket' user: 'text_rocket' host: '172.17.0.4' (Got an error reading communication packets)",
    '2015-11-28T02:50:01.238Z',
    3,
    'error_reading',
  ],
  [
    'https://github.com/sysown/proxysql/issues/2090 (log_timestamps=SYSTEM: the offset is written)',
    "2019-06-11T02:25:09.164143+08:00 1956430 [Note] Aborted connection 1956430 to db: 'cd_production' user: 'proxysql' host: '10.76.2.13' (Got timeout reading communication packets)",
    '2019-06-10T18:25:09.164Z',
    1956430,
    'timeout_reading',
  ],
  [
    'https://github.com/mozilla-services/syncserver/issues/202 (a comma pasted after the line)',
    "2020-02-14 10:49:22 37034 [Warning] Aborted connection 37034 to db: 'ffsync' user: 'root' host: '172.19.0.8' (Got timeout reading communication packets),",
    '2020-02-14T10:49:22.000Z',
    37034,
    'timeout_reading',
  ],
  [
    'https://github.com/mysql-net/MySqlConnector/issues/1448 (MySQL 8: MY-010914 and a final period)',
    "2024-02-11T02:20:03.555182Z 129 [Note] [MY-010914] [Server] Aborted connection 129 to db: 'mysql' user: 'MyDatabase' host: 'localhost' (Got an error reading communication packets).",
    '2024-02-11T02:20:03.555Z',
    129,
    'error_reading',
  ],
  [
    'https://github.com/brouznouf/fivem-mysql-async/issues/194 (MariaDB pads the hour with a space)',
    "2021-12-31  2:18:02 38 [Warning] Aborted connection 38 to db: 'DB' user: 'USER' host: 'IP' (Got an error reading communication packets)",
    '2021-12-31T02:18:02.000Z',
    38,
    'error_reading',
  ],
  [
    'https://github.com/mysqljs/mysql/issues/597 (MySQL 5.5: yymmdd, no thread column)',
    "130928 22:56:26 [Warning] Aborted connection 2 to db: 'nss' user: 'v533405' host: 'localhost' (Got an error reading communication packets)",
    '2013-09-28T22:56:26.000Z',
    2,
    'error_reading',
  ],
  [
    'https://github.com/ministryofjustice/cloud-platform-environments/pull/8564 (names masked with *)',
    "2022-09-05 11:43:27 59589545 [Warning] Aborted connection 59589545 to db: '*******' user: '*****' host: '*****' (Got an error reading communication packets)",
    '2022-09-05T11:43:27.000Z',
    59589545,
    'error_reading',
  ],
  [
    'https://github.com/freescout-help-desk/freescout/issues/3812 (MariaDB 11: a check that never logs in)',
    "2024-02-21  7:59:54 5 [Warning] Aborted connection 5 to db: 'unconnected' user: 'unauthenticated' host: '172.25.0.4' (This connection closed normally without authentication)",
    '2024-02-21T07:59:54.000Z',
    5,
    'closed_unauthenticated',
  ],
  [
    'https://github.com/osalvador/ReplicaDB/issues/140 (its app logged `(conn=1514619) Connection reset`)',
    "2023-06-01  0:44:51 1514619 [Warning] Aborted connection 1514619 to db: '*********' user: '********' host: '*********' (Got timeout reading communication packets)",
    '2023-06-01T00:44:51.000Z',
    1514619,
    'timeout_reading',
  ],
  [
    'https://github.com/MyCATApache/Mycat-Server/issues/1266 (a pool closing its idle connection)',
    "2016-12-06T07:29:21.475344Z 14251 [Note] Aborted connection 14251 to db: 'mytest' user: 'mycat' host: '192.168.1.23' (Got an error reading communication packets)",
    '2016-12-06T07:29:21.475Z',
    14251,
    'error_reading',
  ],
];

test('real Aborted connection lines of 5.5 … 8.0 and MariaDB: time, victim thread and reason code', () => {
  for (const [src, line, t, thread, reason] of ABORTED) {
    const [r] = parse(line);
    const m = my(r!);
    assert.equal(m.error_type, 'aborted_connection', src);
    assert.equal(docOf(r!)['@timestamp'], t, src);
    assert.equal(m.aborted.thread_id, thread, src);
    assert.equal(m.aborted.reason_code, reason, src);
  }
});

test('a journald line without pid and a MariaDB stamp in it: the server`s line, the host kept', () => {
  // https://github.com/Cacti/cacti/issues/3362
  const [other, aborted] = parse(
    [
      'Mar 8 03:41:01 cacti3 systemd: Created slice User Slice of root.',
      "Mar 8 03:41:02 cacti3 mysqld: 2020-03-08 3:41:02 9975184 [Warning] Aborted connection 9975184 to db: 'unconnected' user: 'unauthenticated' host: 'localhost' (This connection closed normally without authentication)",
    ].join('\n'),
    ctx('UTC', { refTime: Date.UTC(2020, 2, 8) }),
  );
  assert.equal(other!.ok, false, 'a systemd line is not the server`s');
  assert.equal(my(aborted!).aborted.reason_code, 'closed_unauthenticated');
  assert.equal(docOf(aborted!)['@timestamp'], '2020-03-08T03:41:02.000Z');
  assert.deepEqual(docOf(aborted!).host, { hostname: 'cacti3' });
});

test('shutdown, start and ready lines of MySQL 8 and MariaDB 10.4 / 10.7, from real restarts', () => {
  // https://github.com/nextcloud-snap/nextcloud-snap/issues/1950 (MySQL 8.0.27)
  const mysql8 = parse(
    [
      '2021-11-21T17:56:15.910015Z 0 [System] [MY-013172] [Server] Received SHUTDOWN from user <via user signal>. Shutting down mysqld (Version: 8.0.27).',
      '2021-11-21T17:56:17.930246Z 0 [System] [MY-010910] [Server] /snap/nextcloud/28654/bin/mysqld: Shutdown complete (mysqld 8.0.27)  Source distribution.',
      '2021-11-21T17:56:21.320280Z 0 [System] [MY-010116] [Server] /snap/nextcloud/28654/bin/mysqld (mysqld 8.0.27) starting as process 314369',
    ].join('\n'),
  ).map((r) => my(r));
  assert.deepEqual(
    mysql8.map((m) => m.error_type),
    ['shutdown', 'shutdown_complete', 'starting'],
  );
  assert.equal(mysql8[2]!.starting.pid, 314369);
  // https://github.com/home-assistant/addons/issues/1468 (MariaDB 10.4: padded hour, `Version:` on the next line)
  const [ready] = parse(
    [
      '2020-10-10  9:57:33 0 [Note] /usr/bin/mysqld: ready for connections.',
      "Version: '10.4.13-MariaDB'  socket: '/run/mysqld/mysqld.sock'  port: 3306  MariaDB Server",
    ].join('\n'),
  );
  assert.equal(docOf(ready!)['@timestamp'], '2020-10-10T09:57:33.000Z');
  assert.equal(my(ready!).ready.port, 3306);
  // https://github.com/appwrite/appwrite/issues/3157 (MariaDB 10.7 says `(server …)`, not `(mysqld …)`)
  const [starting] = parse(
    '2022-04-19 15:10:00 0 [Note] mysqld (server 10.7.3-MariaDB-1:10.7.3+maria~focal) starting as process 1 ...',
  );
  assert.deepEqual(my(starting!).starting, { version: '10.7.3-MariaDB-1:10.7.3+maria~focal', pid: 1 });
});

test('crash reports: `mysqld got signal 11` in MariaDB`s yymmdd and MySQL`s time-only `UTC -` shapes', () => {
  // https://github.com/home-assistant/addons/issues/1468, https://github.com/badoo/pinba2/issues/8
  for (const [head, t] of [
    ['201010 11:17:39 [ERROR] mysqld got signal 11 ;', '2020-10-10T11:17:39.000Z'],
    ['181129  1:23:23 [ERROR] mysqld got signal 11 ;', '2018-11-29T01:23:23.000Z'],
  ]) {
    const recs = parse(
      [
        head!,
        'This could be because you hit a bug. It is also possible that this binary',
        'or one of the libraries it was linked against is corrupt, improperly built,',
      ].join('\n'),
    );
    assert.equal(recs.length, 1, head);
    assert.equal(my(recs[0]!).signal.number, 11);
    assert.equal(docOf(recs[0]!)['@timestamp'], t);
  }
  // https://github.com/trellix-enterprise/mysql-audit/issues/151 (5.5): the crash a second after the server said
  // ready at 23:00:43 local time, which is 07:00:43 UTC in America/Los_Angeles
  const [ready, crash] = parse(
    [
      '161126 23:00:43 [Note] /usr/sbin/mysqld: ready for connections.',
      "Version: '5.5.53-0ubuntu0.14.04.1'  socket: '/var/run/mysqld/mysqld.sock'  port: 3306  (Ubuntu)",
      '07:00:44 UTC - mysqld got signal 11 ;',
      'This could be because you hit a bug. It is also possible that this binary',
    ].join('\n'),
    // the reader dates a time-only line by the record before it (refTime), as the pipeline does
    ctx('America/Los_Angeles', { refTime: Date.UTC(2016, 10, 27, 7, 0, 43) }),
  );
  assert.equal(docOf(ready!)['@timestamp'], '2016-11-27T07:00:43.000Z');
  assert.equal(docOf(crash!)['@timestamp'], '2016-11-27T07:00:44.000Z');
});

test('a log viewer`s own date in front, and the journal`s `mysqld[pid]:`: the server`s line underneath', () => {
  // https://github.com/NexvisionLab/Darkweb-search-engine/issues/8 (MariaDB 10.2, viewer one hour ahead)
  const [start] = parse(
    '2023-06-13 13:08:54 2023-06-13 12:08:54 140443127027392 [Note] mysqld (mysqld 10.2.44-MariaDB-1:10.2.44+maria~bionic) starting as process 1 ...',
  );
  assert.equal(docOf(start!)['@timestamp'], '2023-06-13T12:08:54.000Z');
  assert.equal(my(start!).starting.pid, 1);
  // https://github.com/mariadb-corporation/galera/issues/424
  const [wsrep] = parse(
    'Aug 23 11:14:34 vserver3727 mysqld[7409]: 2016-08-23 11:14:34 139789470383296 [Note] WSREP: backend: asio',
    ctx('UTC', { refTime: Date.UTC(2016, 7, 23) }),
  );
  assert.deepEqual(docOf(wsrep!).process, { name: 'mysqld', pid: 7409 });
  assert.equal(docOf(wsrep!)['@timestamp'], '2016-08-23T11:14:34.000Z');
});

test('a binlog dump thread`s reasons (the server failed writing to its reader) are error_writing', () => {
  // https://github.com/alibaba/canal/issues/3730 pasted the reason; MySQL's Binlog_sender sets it
  assert.equal(reasonCode('Failed on my_net_write()'), 'error_writing');
  assert.equal(reasonCode('failed on flush_net()'), 'error_writing');
  assert.equal(reasonCode('Got an error reading communication packets'), 'error_reading');
});

test('a MariaDB general log from an issue: Connect with user, host, db and transport, then the Query', () => {
  // https://github.com/khoih-prog/MySQL_MariaDB_Generic/issues/25
  const text = [
    '220911 12:08:49\t   822 Connect\ttest@192.168.1.116 on test using TCP/IP',
    "220911 12:08:50\t   822 Query\tINSERT INTO test.test (message) VALUES ('Hello, esp8266!')",
  ].join('\n');
  const state = newGeneralLogState();
  const [c, q] = assemble(text, isMysqlGeneralRecordStart).map((r) => my(parseMysqlGeneralRecord(r, UTC, state)));
  assert.equal(c!.thread_id, 822);
  assert.deepEqual(c!.general.connect, { user: 'test', host: '192.168.1.116', db: 'test', transport: 'TCP/IP' });
  assert.equal(q!.general.command, 'Query');
});
