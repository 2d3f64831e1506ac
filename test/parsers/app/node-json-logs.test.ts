import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFile, docFor, get, one } from './helpers.js';
import { isAppRecordStart } from '../../../parsers/app/index.js';

test('Node JSON: one record per object, pretty-printed objects grouped', () => {
  const f = parseFile('node.log');
  assert.equal(f.records.length, 15);
  assert.equal(f.docs.filter(Boolean).length, 9);
  assert.equal(isAppRecordStart('  "level": 50,'), false);
  assert.equal(isAppRecordStart('}'), false);
});

test('pino + mysql2 PROTOCOL_CONNECTION_LOST (docs/lab-findings.md §3, scenario 01 line) with db.localPort / db.threadId', () => {
  const d = docFor(parseFile('node.log'), 'at Socket.emit');
  assert.equal(get(d, '@timestamp'), '2026-11-23T20:21:26.198Z');
  assert.equal(get(d, 'error.code'), 'PROTOCOL_CONNECTION_LOST');
  assert.equal(get(d, 'error.message'), 'Connection lost: The server closed the connection.');
  assert.equal(get(d, 'error.type'), 'Error');
  assert.deepEqual(get(d, 'app.db'), { local_port: 47064, thread_id: 13 });
  assert.equal(get(d, 'app.error.class'), 'lost');
  assert.equal(get(d, 'app.error.language'), 'node');
  assert.equal(get(d, 'process.pid'), 4242);
  assert.equal(get(d, 'log.level'), 'error');
});

test('mysql2 server errors: ER_CLIENT_INTERACTION_TIMEOUT → 4031, ER_NET_PACKET_TOO_LARGE → 1153 (+ err.sql)', () => {
  const f = parseFile('node.log');
  const it = docFor(f, 'ER_CLIENT_INTERACTION_TIMEOUT');
  assert.equal(get(it, 'error.code'), '4031');
  assert.equal(get(it, 'app.error.symbol'), 'ER_CLIENT_INTERACTION_TIMEOUT');
  const big = docFor(f, 'ER_NET_PACKET_TOO_LARGE');
  assert.equal(get(big, 'error.code'), '1153');
  assert.equal(get(big, 'app.error.sqlstate'), '08S01');
  assert.equal(get(big, 'app.sql'), "INSERT INTO uploads (name, body) VALUES ('big.bin', 'AAAA')");
});

test('Node socket errors: EPIPE (errno -32 is not a MySQL errno), ECONNRESET with snake_case db keys', () => {
  const f = parseFile('node.log');
  const ep = docFor(f, '"code":"EPIPE"');
  assert.equal(get(ep, 'error.code'), 'EPIPE');
  assert.equal(get(ep, 'app.error.class'), 'broken_pipe');
  assert.equal(get(ep, 'app.error.errno'), undefined);
  const rs = docFor(f, 'read ECONNRESET');
  assert.equal(get(rs, 'error.code'), 'ECONNRESET');
  assert.deepEqual(get(rs, 'app.db'), { local_port: 47080, thread_id: 25 });
});

test('winston ISO timestamp, bunyan err object, pretty-printed pino', () => {
  const f = parseFile('node.log');
  const w = docFor(f, '"service":"billing"');
  assert.equal(get(w, '@timestamp'), '2026-11-23T20:21:40.500Z');
  assert.equal(get(w, 'error.code'), 'PROTOCOL_CONNECTION_LOST');
  const b = docFor(f, '"v":0');
  assert.equal(get(b, 'error.code'), 'closed_state');
  assert.equal(get(b, 'app.error.driver'), 'mysql2');
  assert.equal(get(b, 'app.logger'), 'orders');
  const p = docFor(f, '"pid": 4243');
  assert.equal(get(p, '@timestamp'), '2026-11-23T20:21:42.000Z');
  assert.deepEqual(get(p, 'app.db'), { local_port: 47090, thread_id: 31 });
});

test('Node: HTTP ECONNRESET without MySQL context, ECONNREFUSED, ER_DUP_ENTRY, INFO lines → null', () => {
  const f = parseFile('node.log');
  assert.equal(docFor(f, 'payment provider call failed'), null);
  assert.equal(docFor(f, 'ECONNREFUSED'), null);
  assert.equal(docFor(f, 'ER_DUP_ENTRY'), null);
  assert.equal(docFor(f, 'reconnected to mysql'), null);
});

test('JSON time forms: epoch s (zap), epoch µs, Monolog datetime with offset', () => {
  const z = one(
    '{"level":"error","ts":1795465286.198,"caller":"db/x.go:1","msg":"query","error":"invalid connection"}',
  );
  assert.equal(get(z, '@timestamp'), '2026-11-23T20:21:26.198Z');
  assert.equal(get(z, 'app.error.language'), 'go');
  const m = one(
    '{"message":"SQLSTATE[HY000]: General error: 2006 MySQL server has gone away","context":{"exception":{"class":"PDOException","message":"SQLSTATE[HY000]: General error: 2006 MySQL server has gone away","code":"HY000"}},"level":400,"level_name":"ERROR","channel":"app","datetime":"2026-11-23T21:21:26.198123+01:00","extra":{}}',
  );
  assert.equal(get(m, '@timestamp'), '2026-11-23T20:21:26.198Z');
  assert.equal(get(m, 'error.type'), 'PDOException');
  assert.equal(get(m, 'app.error.language'), 'php');
  assert.equal(get(m, 'log.level'), 'error');
});

test('ECS-shaped JSON: source.port is the local port, mysql.thread_id the thread; client.port is not', () => {
  const e = one(
    '{"@timestamp":"2026-11-24T03:12:03.123Z","log.level":"error","message":"read ECONNRESET","error":{"code":"ECONNRESET","message":"read ECONNRESET"},"source":{"port":51236},"destination":{"port":3307},"mysql":{"thread_id":79}}',
  );
  assert.deepEqual(get(e, 'app.db'), { local_port: 51236, thread_id: 79 });
  const c = one(
    '{"time":"2026-11-24T03:12:03.123Z","level":"error","msg":"Connection lost: The server closed the connection.","err":{"code":"PROTOCOL_CONNECTION_LOST"},"client":{"port":"40001"}}',
  );
  assert.equal(get(c, 'app.db.local_port'), undefined, "client.port may be the database client's settings (3306)");
});
