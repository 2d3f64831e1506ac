import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFile, docFor, get } from './helpers.js';
import { makeZone } from '../../../parsers/zones.js';

test('Ruby Logger: records, backtrace continuation, 5 lost connections', () => {
  const f = parseFile('ruby.log');
  assert.equal(f.records.length, 12);
  assert.equal(f.docs.filter(Boolean).length, 5);
  assert.ok(
    f.records.some(
      (r) => r.includes('MySQL client is not connected') && r.includes("client.rb:151:in `block in query'"),
    ),
  );
});

test('Rails ActiveRecord::ConnectionFailed (Mysql2::Error::ConnectionError: …): type, message, pid, µs time', () => {
  const d = docFor(parseFile('ruby.log'), 'ActiveRecord::ConnectionFailed (Mysql2');
  assert.equal(get(d, 'error.code'), '2006');
  assert.equal(get(d, 'error.type'), 'ActiveRecord::ConnectionFailed');
  assert.equal(get(d, 'error.message'), 'Mysql2::Error::ConnectionError: MySQL server has gone away');
  assert.equal(get(d, 'process.pid'), 1234);
  assert.equal(get(d, '@timestamp'), '2026-11-23T20:21:26.198Z');
  assert.equal(get(d, 'app.error.driver'), 'mysql2-gem');
});

test('Ruby: 2013, old Mysql2::Error, 1927 killed, not connected; access denied and duplicate → null', () => {
  const f = parseFile('ruby.log');
  assert.equal(get(docFor(f, 'FATAL -- : [b1e0aa]'), 'error.code'), '2013');
  assert.equal(get(docFor(f, 'FATAL -- : [b1e0aa]'), 'log.level'), 'fatal');
  const old = docFor(f, 'sidekiq: Mysql2::Error: MySQL');
  assert.equal(get(old, 'error.type'), 'Mysql2::Error');
  assert.equal(get(old, 'app.logger'), 'sidekiq');
  const k = docFor(f, 'Connection was killed');
  assert.equal(get(k, 'error.code'), '1927');
  assert.equal(get(k, 'app.error.class'), 'killed');
  assert.equal(get(docFor(f, 'MySQL client is not connected'), 'error.code'), 'not_connected');
  assert.equal(docFor(f, 'Access denied'), null);
  assert.equal(docFor(f, 'RecordNotUnique'), null);
});

test('Ruby Logger stamps are zone-less → ctx.zone', async () => {
  const { parseAppRecord } = await import('../../../parsers/app/index.js');
  const r = parseAppRecord(
    'E, [2026-11-23T20:21:26.198123 #1] ERROR -- : Mysql2::Error::ConnectionError: MySQL server has gone away',
    { zone: makeZone('-03:00') },
  );
  assert.ok(r.ok && r.value);
  if (r.ok && r.value) assert.equal(r.value.t, Date.UTC(2026, 10, 23, 23, 21, 26, 198));
});
