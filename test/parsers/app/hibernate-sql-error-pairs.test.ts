/**
 * Hibernate's SqlExceptionHelper reports one SQLException as two log lines: WARN `SQL Error: <vendor
 * code>, SQLState: <state>`, then ERROR with the exception's message (docs/formats/hibernate.md). They
 * are one failure, so one record.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isAppRecordStart } from '../../../parsers/app/index.js';
import { get, groupRecords, one } from './helpers.js';

// https://blog.netgloo.com/2015/07/09/spring-boot-communications-link-failure-with-mysql-and-hibernate/
const SPRING_BOOT = [
  '2015-07-08 09:16:32.666  WARN 20582 --- [http-nio-8080-exec-6] o.h.engine.jdbc.spi.SqlExceptionHelper   : SQL Error: 0, SQLState: 08S01',
  '2015-07-08 09:16:32.668 ERROR 20582 --- [http-nio-8080-exec-6] o.h.engine.jdbc.spi.SqlExceptionHelper   : Communications link failure',
  '',
  'The last packet successfully received from the server was 29.792.613 milliseconds ago.  The last packet sent successfully to the server was 6 milliseconds ago.',
];

test('the message line under Hibernate\'s "SQL Error: N, SQLState: S" line continues that record', () => {
  const recs = groupRecords(SPRING_BOOT.join('\n'));
  assert.equal(recs.length, 1);
  assert.equal(isAppRecordStart(SPRING_BOOT[1]!, SPRING_BOOT[0]), false);
  // without the SQL Error line above, the same line is a record of its own
  assert.equal(isAppRecordStart(SPRING_BOOT[1]!), true);
});

test('the pair is one lost-connection error: the message line names it, the SQL Error line adds its SQLSTATE', () => {
  const d = one(groupRecords(SPRING_BOOT.join('\n'))[0]!);
  assert.equal(get(d, 'error.code'), 'CommunicationsException');
  assert.equal(get(d, 'app.error.sqlstate'), '08S01');
  assert.match(String(get(d, 'error.message')), /^Communications link failure\. The last packet successfully received/);
  assert.equal(get(d, 'app.db.last_received_ms'), 29792613);
  assert.equal(get(d, '@timestamp'), '2015-07-08T09:16:32.668Z');
  assert.equal(get(d, 'log.level'), 'error');
  assert.equal(get(d, 'app.worker'), 'http-nio-8080-exec-6');
});

test('a message line of another thread, or another logger, after the SQL Error line is a record of its own', () => {
  const other = SPRING_BOOT[1]!.replace('exec-6', 'exec-7');
  assert.equal(isAppRecordStart(other, SPRING_BOOT[0]), true);
  const otherLogger =
    '2015-07-08 09:16:32.668 ERROR 20582 --- [http-nio-8080-exec-6] c.e.shop.OrderController                 : order failed';
  assert.equal(isAppRecordStart(otherLogger, SPRING_BOOT[0]), true);
});

test('logback default and WildFly layouts pair the same way; a duplicate-key pair is still no lost connection', () => {
  const logback = [
    '20:23:30.000 [main] WARN  o.h.e.j.s.SqlExceptionHelper - SQL Error: 0, SQLState: 08S01',
    '20:23:30.001 [main] ERROR o.h.e.j.s.SqlExceptionHelper - Communications link failure',
  ];
  assert.equal(groupRecords(logback.join('\n')).length, 1);
  const wildfly = [
    '2026-11-23 20:21:26,198 WARN  [org.hibernate.engine.jdbc.spi.SqlExceptionHelper] (default task-1) SQL Error: 0, SQLState: 08S01',
    '2026-11-23 20:21:26,199 ERROR [org.hibernate.engine.jdbc.spi.SqlExceptionHelper] (default task-1) Communications link failure',
  ];
  assert.equal(groupRecords(wildfly.join('\n')).length, 1);
  const dup = [
    '2026-11-23 20:24:00.000  WARN 4321 --- [nio-8080-exec-6] o.h.engine.jdbc.spi.SqlExceptionHelper   : SQL Error: 1062, SQLState: 23000',
    "2026-11-23 20:24:00.000 ERROR 4321 --- [nio-8080-exec-6] o.h.engine.jdbc.spi.SqlExceptionHelper   : Duplicate entry 'a@b.c' for key 'users.email'",
  ];
  const recs = groupRecords(dup.join('\n'));
  assert.equal(recs.length, 1);
  assert.equal(one(recs[0]!), null);
});

test('a lone "SQLState: 08S01" line whose message line never came is still reported', () => {
  const d = one(SPRING_BOOT[0]!);
  assert.equal(get(d, 'error.code'), '08S01');
  assert.equal(get(d, 'app.error.class'), 'other_lost');
});
