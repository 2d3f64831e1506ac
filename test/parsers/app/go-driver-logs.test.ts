import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFile, docFor, get, one } from './helpers.js';

test('Go: every line is a record; 8 lost-connection lines among noise', () => {
  const f = parseFile('go.log');
  assert.equal(f.records.length, 14);
  assert.equal(f.docs.filter(Boolean).length, 8);
});

test('go-sql-driver logger v1.9 shape: `[mysql] 2024/06/04 19:12:35 packets.go:58 unexpected EOF`', () => {
  const d = one('[mysql] 2024/06/04 19:12:35 packets.go:58 unexpected EOF');
  assert.equal(get(d, '@timestamp'), '2024-06-04T19:12:35.000Z');
  assert.equal(get(d, 'error.code'), 'unexpected_eof');
  assert.equal(get(d, 'error.message'), 'unexpected EOF');
  assert.equal(get(d, 'app.error.driver'), 'go-sql-driver');
  assert.equal(get(d, 'app.error.language'), 'go');
  const old = one('[mysql] 2019/01/10 12:00:00 packets.go:36: unexpected EOF');
  assert.equal(get(old, 'error.message'), 'unexpected EOF');
});

test('Go: invalid connection, bad idle connection, driver: bad connection, 4031 in logfmt', () => {
  const f = parseFile('go.log');
  assert.equal(get(docFor(f, 'query orders: invalid connection'), 'error.code'), 'invalid_connection');
  assert.equal(get(docFor(f, 'closing bad idle connection'), 'error.code'), 'bad_idle_connection');
  assert.equal(get(docFor(f, 'connection.go:173'), 'error.code'), 'bad_connection');
  const lf = docFor(f, 'Error 4031');
  assert.equal(get(lf, 'error.code'), '4031');
  assert.equal(get(lf, 'app.error.class'), 'interaction_timeout');
  assert.equal(get(lf, 'log.level'), 'error');
  assert.equal(get(lf, '@timestamp'), '2026-11-23T20:21:33.000Z');
  assert.match(String(get(lf, 'error.message')), /^Error 4031 \(HY000\): The client was disconnected/);
});

test('Go net errors give the client port and server address (read tcp a:p->b:q)', () => {
  const f = parseFile('go.log');
  const r = docFor(f, 'connection reset by peer');
  assert.equal(get(r, 'error.code'), 'ECONNRESET');
  assert.equal(get(r, 'app.error.class'), 'reset');
  assert.deepEqual(get(r, 'app.db'), { local_port: 47064, host: '10.0.0.5', port: 3306 });
  const t = docFor(f, 'i/o timeout');
  assert.equal(get(t, '@timestamp'), '2026-11-23T20:21:39.123Z');
  assert.equal(get(t, 'app.db.local_port'), 47070);
});

test('Go: HTTP unexpected EOF, refused dial, TLS handshake EOF, duplicate key → null', () => {
  const f = parseFile('go.log');
  assert.equal(docFor(f, 'upstream http://billing'), null);
  assert.equal(docFor(f, 'connect: connection refused'), null);
  assert.equal(docFor(f, 'TLS handshake error'), null);
  assert.equal(docFor(f, 'Error 1062'), null);
});
