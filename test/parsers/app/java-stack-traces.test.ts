import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFile, docFor, get, one } from './helpers.js';
import { isAppRecordStart } from '../../../parsers/app/index.js';

test('Java: stack traces (\\tat, Caused by, ... N more, blank lines, exception lines) stay in one record', () => {
  const f = parseFile('java.log');
  // Hibernate's SQL Error line and its message line are one record (hibernate-sql-error-pairs.test.ts)
  assert.equal(f.records.length, 10);
  assert.equal(f.docs.filter(Boolean).length, 5);
  for (const l of [
    '\tat com.mysql.cj.NativeSession.execSQL(NativeSession.java:1000)',
    'Caused by: java.io.EOFException: x',
    '\t... 12 more',
    '... 72 common frames omitted',
    'com.mysql.cj.jdbc.exceptions.CommunicationsException: Communications link failure',
    '',
    'The last packet successfully received from the server was 30,035 milliseconds ago.',
  ]) {
    assert.equal(isAppRecordStart(l), false, JSON.stringify(l));
  }
});

test('Connector/J Communications link failure: code, 08S01, timing sentence, Spring Boot fields', () => {
  const f = parseFile('java.log');
  const d = docFor(f, '26.199 ERROR');
  assert.equal(get(d, 'error.code'), 'CommunicationsException');
  assert.equal(get(d, 'app.error.sqlstate'), '08S01');
  assert.equal(get(d, 'app.error.driver'), 'connector-j');
  assert.match(
    String(get(d, 'error.message')),
    /^Communications link failure\. The last packet successfully received from the server was 30,035 milliseconds ago/,
  );
  // the digits behind the locale's grouping: when the connection last received a packet (the correlator's join)
  assert.equal(get(d, 'app.db.last_received_ms'), 30035);
  assert.equal(get(d, 'process.pid'), 4321);
  assert.equal(get(d, 'app.worker'), 'nio-8080-exec-3');
  assert.equal(get(d, 'app.logger'), 'o.h.engine.jdbc.spi.SqlExceptionHelper');
  assert.equal(get(d, '@timestamp'), '2026-11-23T20:21:26.199Z');
  const root = docFor(f, 'with root cause');
  assert.equal(get(root, 'error.type'), 'com.mysql.cj.exceptions.CJCommunicationsException');
  assert.equal(get(root, 'app.error.language'), 'java');
});

test('Hibernate "SQLState: 08S01" line and its message line are one lost connection, not two', () => {
  const f = parseFile('java.log');
  assert.equal(docFor(f, 'SQLState: 08S01'), docFor(f, '26.199 ERROR'));
  assert.equal(get(docFor(f, 'SQLState: 08S01'), 'app.error.language'), 'java');
});

test('HikariCP validation failure and closed-connection use; broken pipe refines the class', () => {
  const f = parseFile('java.log');
  const h = docFor(f, 'Failed to validate connection');
  assert.equal(get(h, 'error.code'), 'connection_closed');
  assert.equal(get(h, 'log.level'), 'warn');
  const s = docFor(f, 'sync failed');
  assert.equal(get(s, 'error.code'), 'CommunicationsException');
  assert.equal(get(s, 'app.error.class'), 'broken_pipe');
  assert.equal(get(s, 'error.type'), 'java.sql.SQLNonTransientConnectionException');
  assert.equal(get(s, '@timestamp'), '2026-11-23T20:23:10.000Z');
  const c = docFor(f, 'during commit()');
  assert.equal(get(c, 'error.code'), 'CommunicationsException');
});

test('Java: connect failure (ConnectException, no packets received), duplicate key, client-side PacketTooBig → null', () => {
  const f = parseFile('java.log');
  assert.equal(docFor(f, 'Exception during pool initialization'), null);
  assert.equal(docFor(f, "Duplicate entry 'a@b.c'"), null);
  assert.equal(docFor(f, 'PacketTooBigException'), null);
});

test("Connector/J timing in another locale's grouping, and its absence, give last_received_ms or nothing", () => {
  const de = one(
    '2026-11-23 20:21:26.199 ERROR 4321 --- [nio-8080-exec-3] o.h.e.j.s.SqlExceptionHelper : Communications link failure\n\nThe last packet successfully received from the server was 1.800.123 milliseconds ago. The last packet sent successfully to the server was 1.800.124 milliseconds ago.',
  );
  assert.equal(get(de, 'app.db.last_received_ms'), 1800123);
  const none = one(
    '2026-11-23 20:21:26.199 ERROR 4321 --- [nio-8080-exec-3] o.h.e.j.s.SqlExceptionHelper : Communications link failure\n\nThe last packet sent successfully to the server was 0 milliseconds ago. The driver has not received any packets from the server.',
  );
  assert.equal(get(none, 'app.db.last_received_ms'), undefined, 'never received: no alive time');
});
