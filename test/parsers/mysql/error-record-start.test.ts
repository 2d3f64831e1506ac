/** isMysqlErrorRecordStart: which lines open a record (docs/mysql-logs.md §2.2; Elastic's multiline pattern, stricter).
 * */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isMysqlErrorRecordStart } from '../../../parsers/mysql/error.js';

test('record starts: every dated header shape, JSON-sink lines, the date-less crash header', () => {
  const starts = [
    '161209 14:18:58 [Note] /usr/sbin/mysqld: ready for connections.',
    '161209 14:18:50  InnoDB: Setting file ./ibdata1 size to 10 MB',
    '151004  9:47:11 [Warning] x',
    '161209 13:08:33 mysqld_safe Starting mysqld daemon with databases from /usr/local/var/mysql',
    '2015-01-27 20:28:09 17479 [Note] x',
    '2016-12-09T12:08:33.335060Z 0 [Warning] x',
    '2020-08-07T10:02:00.832521-05:00 7 [Note] x',
    '2019-03-24T13:44:25.484123Z 0 [System] [MY-013169] [Server] x',
    '2021-07-06  7:29:32 0 [Warning] x',
    '2016-06-15 16:53:33 139651251140544 [Note] x',
    '191015  9:46:45\t    13 Query\tSHOW /*!50002 GLOBAL */ STATUS',
    '{ "prio" : 0, "err_code" : 10116, "msg" : "x" }',
    '{"prio":0}',
    '06:37:41 UTC - mysqld got signal 6 ;',
    '2026-08-14T07:51:05Z UTC - mysqld got signal 11 ;',
  ];
  for (const l of starts) assert.equal(isMysqlErrorRecordStart(l), true, l);
});

test('continuations: Version lines, InnoDB/ERROR continuation, stack frames, blank, general \\t\\t lines', () => {
  const cont = [
    "Version: '10.4.8-MariaDB-log'  socket: '/data/mysqldata/mysql.sock'  port: 3306  MariaDB Server",
    'InnoDB: The first specified data file ./ibdata1 did not exist:',
    'ERROR: 1064  You have an error in your SQL syntax',
    '/usr/sbin/mysqld(my_print_stacktrace+0x3b)[0x55d0b3a3d6ae]',
    'stack_bottom = 7f30a81f2d40 thread_stack 0x40000',
    '0x55d0b3a3d6ae',
    '123456 is not a date',
    '2019-10-16',
    '',
    '   ',
    '\t\t    13 Query\tselect 1',
    '{ not json',
    'Thread pointer: 0x7f2f2519eb40',
    '13:25:16 local - something',
  ];
  for (const l of cont) assert.equal(isMysqlErrorRecordStart(l), false, JSON.stringify(l));
});
