import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isAppRecordStart } from '../../../parsers/app/index.js';
import { groupRecords } from './helpers.js';

const STARTS = [
  '[2026-11-23 20:21:26] production.ERROR: x',
  '[24-Nov-2026 10:00:00 UTC] PHP Warning:  x',
  '[2026-11-23T20:21:26.123456+00:00] app.INFO: x',
  '2026-11-23 20:21:26,198 ERROR [py-reports-p3] reports.db: x',
  '2026-11-23T20:21:26.198Z ERROR x',
  '2024/06/04 19:12:35 main.go:1: x',
  '[mysql] 2024/06/04 19:12:35 packets.go:58 unexpected EOF',
  'E, [2026-11-23T20:21:26.198123 #1234] ERROR -- : x',
  '{"level":50}',
  'Nov 23 20:21:24 host app[12]: x',
  'Nov  3 20:21:24 host app[12]: x',
  '<134>Nov 23 20:21:24 host app: x',
  'time="2026-11-23T20:21:33Z" level=error msg=x',
  'level=error ts=2026-11-23T20:21:33Z msg=x',
  '20:23:30.000 [main] ERROR com.x.Y - z',
  'ERROR:root:x',
  'PHP Warning:  x in /a.php on line 1',
  '[ERROR] 2026-11-23 x',
];
const CONTINUATIONS = [
  'Traceback (most recent call last):',
  '  File "/app/x.py", line 3, in f',
  "pymysql.err.OperationalError: (2013, 'Lost connection to MySQL server during query')",
  'sqlalchemy.exc.OperationalError: (pymysql.err.OperationalError) (2013, "x")',
  '[SQL: SELECT 1]',
  '(Background on this error at: https://sqlalche.me/e/20/e3q8)',
  '\tat com.mysql.cj.NativeSession.execSQL(NativeSession.java:1000)',
  'Caused by: java.net.SocketException: Connection reset',
  '\t... 12 more',
  'com.mysql.cj.jdbc.exceptions.CommunicationsException: Communications link failure',
  '[stacktrace]',
  '#0 /app/vendor/laravel/framework/src/Illuminate/Database/Connection.php(720): x',
  '[previous exception] [object] (PDOException(code: HY000): x)',
  '"} ',
  '  "err": {',
  '}',
  '',
  '    at Socket.emit (node:events:519:28)',
  '[24-Nov-2026 10:00:00 UTC] PHP Stack trace:',
  '[24-Nov-2026 10:00:00 UTC] PHP   1. {main}() /app/public/index.php:0',
  'Stack trace:',
  '  thrown in /app/src/Foo.php on line 42',
  "/app/vendor/bundle/ruby/3.2.0/gems/mysql2-0.5.6/lib/mysql2/client.rb:151:in `_query'",
  'FROM users ',
  'WHERE users.id = %(pk_1)s]',
];

test('record starts', () => {
  for (const l of STARTS) assert.equal(isAppRecordStart(l), true, JSON.stringify(l));
});

test('continuation lines', () => {
  for (const l of CONTINUATIONS) assert.equal(isAppRecordStart(l), false, JSON.stringify(l));
});

test('grouping a mixed stream yields one record per logged event', () => {
  const text =
    [
      STARTS[0],
      CONTINUATIONS[10],
      CONTINUATIONS[11],
      CONTINUATIONS[13],
      STARTS[3],
      ...CONTINUATIONS.slice(0, 3),
      STARTS[8],
    ].join('\n') + '\n';
  const recs = groupRecords(text);
  assert.equal(recs.length, 3);
  assert.equal(recs[1]!.split('\n').length, 4);
});
