/**
 * The general log kept in a table (`log_output=TABLE`) and exported: mysqldump rows, `mysql -B` TAB
 * rows, the client's boxed rows (docs/formats/general-log-table.md). Every row is one general-log
 * record, typed like the file log's line (Connect / Query / Quit / KILL).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import {
  isMysqlGeneralRecordStart,
  newGeneralLogState,
  parseMysqlGeneralRecord,
} from '../../../parsers/mysql/general.js';
import { splitGeneralLogInsert, parseGeneralTableRow } from '../../../parsers/mysql/general-table.js';
import { sniffLines } from '../../../src/sources/sniff.js';
import { newCounts, parseFile } from '../../../src/pipeline/parse-file.js';
import { assemble, ctx, my } from './helpers.js';

const UTC = ctx('UTC');
const parseAll = (text: string) => {
  const st = newGeneralLogState();
  return assemble(text, isMysqlGeneralRecordStart).map((r) => parseMysqlGeneralRecord(r, UTC, st));
};

// a public script that fills mysql.general_log's shape with real rows (find_string id 4478847632)
const DUMP = [
  '-- This script creates a table named general_log in the test database and',
  '',
  'START TRANSACTION;',
  'DROP TABLE IF EXISTS `general_log`;',
  'CREATE TABLE `general_log` (',
  '  `event_time` timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,',
  '  `argument` mediumtext NOT NULL',
  ") ENGINE=CSV DEFAULT CHARSET=utf8 COMMENT='General log';",
  "INSERT INTO `general_log` VALUES ('2011-10-10 15:19:22','root[root] @ localhost []',3,1,'Quit','');",
  "INSERT INTO `general_log` VALUES ('2011-10-10 15:19:36','[root] @ localhost []',4,1,'Connect','root@localhost on ');",
  "INSERT INTO `general_log` VALUES ('2011-10-10 15:19:36','root[root] @ localhost []',4,1,'Query','SHOW SESSION VARIABLES LIKE \\'lower_case_table_names\\'');",
  'COMMIT;',
].filter((l) => l !== '');

test('mysqldump rows of mysql.general_log are general-log records: Quit, Connect, Query with its quotes unescaped', () => {
  const rs = parseAll(DUMP.join('\n'));
  const rows = rs.filter((r) => r.ok && my(r).general.command !== 'header');
  assert.equal(rs.length, DUMP.length - 3, 'the CREATE TABLE body continues its statement');
  assert.ok(rs.every((r) => r.ok));
  assert.deepEqual(
    rows.map((r) => [my(r).thread_id, my(r).general.command]),
    [
      [3, 'Quit'],
      [4, 'Connect'],
      [4, 'Query'],
    ],
  );
  const q = rows[2]!;
  assert.ok(q.ok);
  assert.equal(q.value.t, Date.UTC(2011, 9, 10, 15, 19, 36));
  assert.equal(my(q).general.argument, "SHOW SESSION VARIABLES LIKE 'lower_case_table_names'");
  assert.equal(my(q).general.user_host, 'root[root] @ localhost []');
  assert.equal(my(q).general.server_id, 1);
  assert.deepEqual(my(rows[1]!).general.connect, { user: 'root', host: 'localhost', db: '' });
});

test('an extended INSERT holds many rows: each is its own record, at its own place in the line', () => {
  const line =
    "INSERT INTO `general_log` VALUES ('2024-03-12 10:39:00.123456','app[app] @  [10.0.0.2]',57,1,'Connect','app@10.0.0.2 on shop using TCP/IP'),('2024-03-12 10:39:01.000000','app[app] @  [10.0.0.2]',57,1,'Query',_binary 'SELECT \\'a,b)\\''),('2024-03-12 10:40:00.000000','root[root] @ localhost []',60,1,'Query','KILL 57');";
  const parts = splitGeneralLogInsert(line)!;
  assert.equal(parts.length, 3);
  for (const p of parts) assert.equal(line.slice(p.at, p.at + p.text.length), p.text);
  assert.equal(parts.map((p) => p.text).join(''), line, 'every byte of the line is in one row');
  const st = newGeneralLogState();
  const rs = parts.map((p) => parseMysqlGeneralRecord(p.text, UTC, st));
  assert.equal(my(rs[1]!).general.argument, "SELECT 'a,b)'");
  assert.deepEqual(my(rs[2]!).general.kill, { target_thread_id: 57, query_only: false });
  // an unsplit INSERT of several rows is reported, not half-read
  assert.equal(parseMysqlGeneralRecord(line, UTC, newGeneralLogState()).ok, false);
});

test('mysql -B (TAB) and boxed client output of SELECT * FROM mysql.general_log read the same rows', () => {
  const tabs = [
    'event_time\tuser_host\tthread_id\tserver_id\tcommand_type\targument',
    '2024-03-12 10:39:00.123456\tapp[app] @  [10.0.0.2]\t57\t1\tConnect\tapp@10.0.0.2 on shop using TCP/IP',
    "2024-03-12 10:39:01.000000\tapp[app] @  [10.0.0.2]\t57\t1\tQuery\tSELECT 1\\nFROM t WHERE x = 'a\\tb'",
    '2024-03-12 10:39:05.000000\tapp[app] @  [10.0.0.2]\t57\t1\tQuit\t',
  ];
  const boxed = [
    '+----------------------------+------------------------+-----------+-----------+--------------+-----------------------------------+',
    '| event_time                 | user_host              | thread_id | server_id | command_type | argument                          |',
    '+----------------------------+------------------------+-----------+-----------+--------------+-----------------------------------+',
    '| 2024-03-12 10:39:00.123456 | app[app] @  [10.0.0.2] |        57 |         1 | Connect      | app@10.0.0.2 on shop using TCP/IP |',
    '| 2024-03-12 10:39:01.000000 | app[app] @  [10.0.0.2] |        57 |         1 | Query        | SELECT a | b FROM t                |',
    '| 2024-03-12 10:39:05.000000 | app[app] @  [10.0.0.2] |        57 |         1 | Quit         |                                   |',
    '+----------------------------+------------------------+-----------+-----------+--------------+-----------------------------------+',
  ];
  for (const [form, text, queryArg] of [
    ['tabs', tabs, "SELECT 1\nFROM t WHERE x = 'a\tb'"],
    ['boxed', boxed, 'SELECT a | b FROM t'],
  ] as const) {
    const rows = parseAll(text.join('\n')).filter((r) => r.ok && my(r).general.command !== 'header');
    assert.deepEqual(
      rows.map((r) => my(r).general.command),
      ['Connect', 'Query', 'Quit'],
      form,
    );
    assert.equal(my(rows[1]!).general.argument, queryArg, form);
    assert.deepEqual(
      my(rows[0]!).general.connect,
      { user: 'app', host: '10.0.0.2', db: 'shop', transport: 'TCP/IP' },
      form,
    );
    assert.equal(sniffLines([...text], UTC).kind, 'mysql_general', form);
  }
  assert.equal(sniffLines(DUMP, UTC).kind, 'mysql_general', 'dump');
});

test('property: any row survives the dump escaping and comes back with its argument and thread', () => {
  const esc = (s: string) =>
    s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t');
  fc.assert(
    fc.property(fc.string({ maxLength: 60 }), fc.integer({ min: 1, max: 2 ** 31 }), (arg, id) => {
      const tuple = `('2024-03-12 10:39:01.000000','u[u] @  [10.0.0.2]',${id},1,'Query','${esc(arg)}')`;
      const line = `INSERT INTO \`general_log\` VALUES ${tuple},${tuple};`;
      const parts = splitGeneralLogInsert(line)!;
      assert.equal(parts.length, 2);
      const row = parseGeneralTableRow(parts[0]!.text)!;
      assert.equal(row.argument, arg);
      assert.equal(row.thread_id, String(id));
    }),
    { numRuns: 300 },
  );
});

test('the pipeline gives each dumped row its own record, byte offset and original text', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ga-genlog-'));
  try {
    const file = path.join(dir, 'general_log.sql');
    const head = '-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)\n';
    const r1 = "('2024-03-12 10:39:00.000000','é[é] @  [10.0.0.2]',57,1,'Connect','é@10.0.0.2 on shop using TCP/IP')";
    const r2 = "('2024-03-12 10:39:01.000000','é[é] @  [10.0.0.2]',57,1,'Quit','')";
    const ins = `INSERT INTO \`general_log\` VALUES ${r1},${r2};`;
    fs.writeFileSync(file, head + ins + '\n');
    const counts = newCounts(file, 'mysql_general');
    const out = [...parseFile(file, 'mysql_general', UTC, counts)];
    const rows = out.filter((o) => o.kind === 'mysql_general' && o.offset >= head.length);
    assert.equal(rows.length, 2);
    assert.ok(rows[0]!.text.startsWith('INSERT INTO'));
    const bytes = Buffer.from(head + ins, 'utf8');
    for (const r of rows) {
      assert.equal(r.kind, 'mysql_general');
      // the offset is in bytes (the `é` before the second row takes two)
      assert.equal(bytes.subarray(r.offset, r.offset + Buffer.byteLength(r.text)).toString('utf8'), r.text);
    }
    assert.equal(rows[1]!.text, r2 + ';');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
