/**
 * General query log shapes (docs/mysql-logs.md §3), time carrying, headers (docs/parsing-pitfalls.md #9), commands,
 * Connect arguments, KILL detection (docs/lab-findings.md §3, scenario 04) and redaction.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  parseMysqlGeneralRecord,
  newGeneralLogState,
  isMysqlGeneralRecordStart,
} from '../../../parsers/mysql/general.js';
import { ctx, docOf, my } from './helpers.js';

const UTC = ctx('UTC');
const g = (r: ReturnType<typeof parseMysqlGeneralRecord>) => my(r).general as Record<string, any>;

test('MySQL 5.7+: ISO + TAB + %5u id + command + TAB + argument', () => {
  const r = parseMysqlGeneralRecord(
    '2025-08-15T14:04:36.592572Z\t   10 Connect\troot@localhost on  using Socket',
    UTC,
    newGeneralLogState(),
  );
  assert.ok(r.ok);
  assert.equal(r.value.kind, 'mysql_general');
  assert.equal(r.value.t, Date.UTC(2025, 7, 15, 14, 4, 36, 592));
  assert.equal(my(r).thread_id, 10);
  assert.deepEqual(g(r).connect, { user: 'root', host: 'localhost', db: '', transport: 'Socket' });
  const off = parseMysqlGeneralRecord(
    '2020-08-07T10:02:00.832521-05:00\t    4 Query\tselect 1',
    ctx('Asia/Tokyo'),
    newGeneralLogState(),
  );
  assert.ok(off.ok);
  assert.equal(off.value.t, Date.UTC(2020, 7, 7, 15, 2, 0, 832));
});

test("Datadog's space variant and TAB-stripped variants", () => {
  const s = parseMysqlGeneralRecord(
    '2017-12-29T12:33:33.095243Z         2 Query     SELECT TABLE_SCHEMA FROM t',
    UTC,
    newGeneralLogState(),
  );
  assert.equal(g(s).command, 'Query');
  assert.equal(g(s).argument, 'SELECT TABLE_SCHEMA FROM t');
  assert.equal(my(s).thread_id, 2);
  const st = newGeneralLogState();
  const a = parseMysqlGeneralRecord('201210 20:58:16\t424242 Query\tSELECT 1;\n', UTC, st);
  assert.ok(a.ok);
  assert.equal(a.value.t, Date.UTC(2020, 11, 10, 20, 58, 16));
  assert.equal(g(a).argument, 'SELECT 1;');
  const b = parseMysqlGeneralRecord('424242 Query\tSELECT 2;', UTC, st);
  assert.ok(b.ok);
  assert.equal(b.value.t, Date.UTC(2020, 11, 10, 20, 58, 16));
  assert.equal(g(b).time_carried, true);
});

test('MariaDB/5.6: YYMMDD only when the second changes; \\t\\t lines carry the last time', () => {
  const st = newGeneralLogState();
  const first = parseMysqlGeneralRecord(
    '191015  9:46:45\t    13 Query\tSHOW /*!50002 GLOBAL */ STATUS',
    ctx('Europe/Paris'),
    st,
  );
  assert.ok(first.ok);
  const t0 = Date.UTC(2019, 9, 15, 7, 46, 45); // CEST = UTC+2
  assert.equal(first.value.t, t0);
  assert.equal(g(first).time_carried, undefined);
  assert.equal(st.lastT, t0);
  const next = parseMysqlGeneralRecord('\t\t    13 Query\tselect 1', ctx('Europe/Paris'), st);
  assert.ok(next.ok);
  assert.equal(next.value.t, t0);
  assert.equal(g(next).time_carried, true);
  assert.equal(docOf(next)['@timestamp'], new Date(t0).toISOString());
  const noState = parseMysqlGeneralRecord('\t\t    13 Query\tselect 1', UTC, newGeneralLogState());
  assert.ok(noState.ok);
  assert.equal(noState.value.t, undefined);
  assert.equal(g(noState).time_carried, undefined);
});

test('MariaDB %6u ids and ids wider than the padding', () => {
  const st = newGeneralLogState();
  assert.equal(
    my(parseMysqlGeneralRecord('261123 20:22:02\t    14 Connect\tdba@127.0.0.1 on  using TCP/IP', UTC, st)).thread_id,
    14,
  );
  assert.equal(my(parseMysqlGeneralRecord('\t\t1234567 Quit\t', UTC, st)).thread_id, 1234567);
});

test('multi-line statement: the argument keeps every line', () => {
  const text =
    "261123 20:21:23\t     8 Query\tINSERT INTO audit (actor, note)\nVALUES ('app', 'multi-line\nstatement')";
  const r = parseMysqlGeneralRecord(text, UTC, newGeneralLogState());
  assert.equal(g(r).argument, "INSERT INTO audit (actor, note)\nVALUES ('app', 'multi-line\nstatement')");
  const red = parseMysqlGeneralRecord(text, ctx('UTC', { redactSql: true }), newGeneralLogState());
  assert.equal(g(red).argument, 'INSERT INTO audit (actor, note)\nVALUES (?, ?)');
});

test('record starts: timestamped line, \\t\\t<id> <Command>, bare <id> <Command>, headers; others continue', () => {
  const starts = [
    '2025-08-15T14:04:36.592572Z\t   10 Connect\troot@localhost on  using Socket',
    '191015  9:46:45\t    13 Query\tSHOW STATUS',
    '\t\t    13 Query\tselect 1',
    '\t\t    13 Quit\t',
    '\t\t    13 Quit',
    '424242 Query\tSELECT 1',
    '2017-12-29T12:33:33.095243Z         2 Query     SELECT 1',
    '2025-08-15T14:04:36.592572Z\t   10 Some New Command\targ',
    '/usr/sbin/mysqld, Version: 8.0.43-0ubuntu0.24.04.1 ((Ubuntu)). started with:',
    'Tcp port: 3306  Unix socket: /var/run/mysqld/mysqld.sock',
    'TCP Port: 3306, Named Pipe: MySQL',
    'Time                 Id Command    Argument',
    'Time\t\t    Id Command\tArgument',
  ];
  for (const l of starts) assert.equal(isMysqlGeneralRecordStart(l), true, JSON.stringify(l));
  const cont = [
    "VALUES ('app', 'x')",
    '',
    '  AND b = 2',
    '\t\tAND c = 3',
    '\t\t12 rows',
    '2019-10-16 is a date in a string',
    '12 apples\there',
    'Timestamps are nice',
  ];
  for (const l of cont) assert.equal(isMysqlGeneralRecordStart(l), false, JSON.stringify(l));
});

test('header lines are records with command "header", never queries; Windows and Percona variants', () => {
  const st = newGeneralLogState();
  const v = parseMysqlGeneralRecord(
    '/usr/sbin/mysqld, Version: 8.0.43-0ubuntu0.24.04.1 ((Ubuntu)). started with:',
    UTC,
    st,
  );
  assert.equal(g(v).command, 'header');
  assert.equal(g(v).header.version, '8.0.43-0ubuntu0.24.04.1');
  assert.equal(my(v).thread_id, undefined);
  assert.deepEqual(
    g(parseMysqlGeneralRecord('Tcp port: 3306  Unix socket: /var/run/mysqld/mysqld.sock', UTC, st)).header,
    { tcp_port: 3306, unix_socket: '/var/run/mysqld/mysqld.sock' },
  );
  assert.deepEqual(g(parseMysqlGeneralRecord('TCP Port: 3306, Named Pipe: MySQL', UTC, st)).header, {
    tcp_port: 3306,
    named_pipe: 'MySQL',
  });
  assert.equal(g(parseMysqlGeneralRecord('Time                 Id Command    Argument', UTC, st)).command, 'header');
  assert.equal(st.lastT, undefined, 'headers do not move the carried time');
});

test('commands with spaces and empty arguments', () => {
  const st = newGeneralLogState();
  const cases: Array<[string, string, string]> = [
    ['2025-08-15T14:04:40.805465Z\t   10 Init DB\ttestdb1', 'Init DB', 'testdb1'],
    ['2025-08-15T14:04:40.807102Z\t   10 Field List\ttesttab ', 'Field List', 'testtab '],
    ['2025-08-15T14:04:55.780575Z\t   10 Quit\t', 'Quit', ''],
    ['\t\t   10 Close stmt\t', 'Close stmt', ''],
    ['\t\t   10 Change user\tapp@h on db', 'Change user', 'app@h on db'],
    ["\t\t   10 Binlog Dump\tLog: 'mysql-bin.000001'  Pos: 4", 'Binlog Dump', "Log: 'mysql-bin.000001'  Pos: 4"],
    ["\t\t   10 Binlog Dump GTID\tLog: ''  Pos: 4 GTIDs: ''", 'Binlog Dump GTID', "Log: ''  Pos: 4 GTIDs: ''"],
    ['\t\t   10 Connect Out\trepl@10.0.0.1:3306', 'Connect Out', 'repl@10.0.0.1:3306'],
    ['\t\t   10 Ping', 'Ping', ''],
    ['\t\t   10 Statistics\t', 'Statistics', ''],
    ['\t\t   10 Processlist\t', 'Processlist', ''],
    ['\t\t   10 Prepare\tSELECT ?', 'Prepare', 'SELECT ?'],
    ['\t\t   10 Execute\tSELECT 1', 'Execute', 'SELECT 1'],
    ['\t\t   10 Sleep\t', 'Sleep', ''],
    ['\t\t   10 Shutdown\t', 'Shutdown', ''],
    ['\t\t   10 Refresh\t', 'Refresh', ''],
    ['2025-08-15T14:04:40.807102Z\t   10 Brand New\tx', 'Brand New', 'x'],
  ];
  for (const [line, command, argument] of cases) {
    const r = parseMysqlGeneralRecord(line, UTC, st);
    assert.equal(g(r).command, command, line);
    assert.equal(g(r).argument, argument, line);
  }
});

test('Connect arguments: user@host on db using transport; proxy "as"; failed login', () => {
  const st = newGeneralLogState();
  const c = (arg: string) => g(parseMysqlGeneralRecord('\t\t    8 Connect\t' + arg, UTC, st));
  assert.deepEqual(c('app@127.0.0.1 on shop using TCP/IP').connect, {
    user: 'app',
    host: '127.0.0.1',
    db: 'shop',
    transport: 'TCP/IP',
  });
  assert.deepEqual(c('haproxy_check@127.0.0.1 on  using TCP/IP').connect, {
    user: 'haproxy_check',
    host: '127.0.0.1',
    db: '',
    transport: 'TCP/IP',
  });
  assert.deepEqual(c('root@localhost on test').connect, { user: 'root', host: 'localhost', db: 'test' });
  assert.deepEqual(c('u@h as anonymous on db').connect, { user: 'u', host: 'h', db: 'db', as_user: 'anonymous' });
  assert.deepEqual(c("Access denied for user 'app'@'127.0.0.1' (using password: YES)").access_denied, {
    user: 'app',
    host: '127.0.0.1',
    using_password: true,
  });
});

test('a failed login in the server\'s language is access_denied, not a login by "Acceso negado…" (MySQL 5.7, public tutorial)', () => {
  // a Spanish MySQL 5.7 general log quoted in a public course file (find_string id 27445504822)
  const r = parseMysqlGeneralRecord(
    "2017-11-22T09:23:50.812736Z\t    3 Connect\tAcceso negado para usuario: 'root'@'localhost' (Usando clave: NO)",
    UTC,
    newGeneralLogState(),
  );
  assert.ok(r.ok);
  assert.equal(my(r).thread_id, 3);
  assert.equal(g(r).command, 'Connect');
  assert.equal(g(r).connect, undefined);
  // the translation table (parsers/mysql/localized.ts) also reads the password flag: MySQL prints YES/NO as is
  assert.deepEqual(g(r).access_denied, { user: 'root', host: 'localhost', using_password: false });
  // the login just before it in the same log is a login
  const ok = parseMysqlGeneralRecord(
    '2017-11-22T09:23:50.812710Z\t    3 Connect\troot@localhost on  using Socket',
    UTC,
    newGeneralLogState(),
  );
  assert.deepEqual(g(ok).connect, { user: 'root', host: 'localhost', db: '', transport: 'Socket' });
});

test('real general-log lines: MySQL 5.7/8 (vitess test data, mysqlslap run) and a 5.5-era log with bare Connect', () => {
  const st = newGeneralLogState();
  // vitessio/vitess go/test apps log reader test data
  const q = parseMysqlGeneralRecord('2020-03-02T15:08:22.551372Z\t    5 Quit\t', UTC, st);
  assert.equal(g(q).command, 'Quit');
  assert.equal(my(q).thread_id, 5);
  const idb = parseMysqlGeneralRecord('2020-09-30T03:56:10.567169Z\t  177 Init DB\tmysqlslap', UTC, st);
  assert.deepEqual([g(idb).command, g(idb).argument], ['Init DB', 'mysqlslap']);
  const cs = parseMysqlGeneralRecord('2020-07-25T15:01:40.147944Z\t   12 Close stmt\t', UTC, st);
  assert.deepEqual([g(cs).command, g(cs).argument], ['Close stmt', '']);
  // a 2019 MySQL general log quoted in a public note (find_string id 2403054314): no `using`, db empty
  const old = newGeneralLogState();
  const c = parseMysqlGeneralRecord('190601 22:14:07\t  106 Connect\troot@192.168.204.1 on ', UTC, old);
  assert.ok(c.ok);
  assert.equal(c.value.t, Date.UTC(2019, 5, 1, 22, 14, 7));
  assert.deepEqual(g(c).connect, { user: 'root', host: '192.168.204.1', db: '' });
});

test('KILL detection: KILL n, KILL CONNECTION n, KILL QUERY n, pt-kill quotes, case, Kill command', () => {
  const st = newGeneralLogState();
  const k = (sql: string) => g(parseMysqlGeneralRecord('\t\t   14 Query\t' + sql, UTC, st)).kill;
  assert.deepEqual(k('KILL 12'), { target_thread_id: 12, query_only: false });
  assert.deepEqual(k('KILL CONNECTION 12'), { target_thread_id: 12, query_only: false });
  assert.deepEqual(k('KILL QUERY 13'), { target_thread_id: 13, query_only: true });
  assert.deepEqual(k("KILL '10'"), { target_thread_id: 10, query_only: false });
  assert.deepEqual(k('kill query 7;'), { target_thread_id: 7, query_only: true });
  assert.deepEqual(k('/* pt-kill */ KILL 9'), { target_thread_id: 9, query_only: false });
  assert.deepEqual(k('KILL HARD QUERY 5'), { target_thread_id: 5, query_only: true });
  assert.equal(k('KILL QUERY ID 5'), undefined);
  assert.equal(k('KILL USER app'), undefined);
  assert.equal(k("SELECT 'KILL 12'"), undefined);
  assert.equal(k('killall_table_rows()'), undefined);
  assert.deepEqual(g(parseMysqlGeneralRecord('\t\t   14 Kill\t33', UTC, st)).kill, {
    target_thread_id: 33,
    query_only: false,
  });
});

test('redaction: literals become ?, KILL target still extracted, Connect untouched, off by default', () => {
  const st = newGeneralLogState();
  const R = ctx('UTC', { redactSql: true });
  const q = parseMysqlGeneralRecord(
    "\t\t    8 Query\tselect * from orders where customer_id = 1207 and status = 'open'",
    R,
    st,
  );
  assert.equal(g(q).argument, 'select * from orders where customer_id = ? and status = ?');
  assert.equal(docOf(q).message, 'Query\tselect * from orders where customer_id = ? and status = ?');
  const k = parseMysqlGeneralRecord("\t\t   11 Query\tKILL '10'", R, st);
  assert.deepEqual(g(k).kill, { target_thread_id: 10, query_only: false });
  assert.equal(g(k).argument, 'KILL ?');
  assert.equal(
    g(parseMysqlGeneralRecord('\t\t    8 Connect\tapp@10.0.0.1 on shop using TCP/IP', R, st)).argument,
    'app@10.0.0.1 on shop using TCP/IP',
  );
  assert.equal(g(parseMysqlGeneralRecord("\t\t    8 Query\tselect 'x'", UTC, st)).argument, "select 'x'");
});

test('not general-log text → no_match / empty issues, never exceptions', () => {
  const st = newGeneralLogState();
  for (const t of ['just words', '2019-10-16 17:24:15 0 [Note] InnoDB: x', '\t\tQuery\tselect 1', '12345']) {
    const r = parseMysqlGeneralRecord(t, UTC, st);
    assert.ok(!r.ok, t);
    assert.equal(r.issue.code, 'no_match', t);
  }
  const e = parseMysqlGeneralRecord('', UTC, st);
  assert.ok(!e.ok && e.issue.code === 'empty');
  const b = parseMysqlGeneralRecord('2019-02-30T25:00:00.000000Z\t 1 Query\tx', UTC, st);
  assert.ok(!b.ok && b.issue.code === 'bad_timestamp');
});
