import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAppRecord } from '../../../parsers/app/index.js';
import { makeZone } from '../../../parsers/zones.js';
import { get, one } from './helpers.js';

const pino =
  '{"level":50,"time":1795465286198,"msg":"mysql connection error","err":{"type":"Error","code":"PROTOCOL_CONNECTION_LOST","message":"Connection lost: The server closed the connection."},"db":{"localPort":47064,"threadId":13}}';

test('app lines inside an rsyslog envelope: the app stamp and err object win, the envelope gives host/pid', () => {
  const d = one(`Nov 23 20:21:24 app-1 orders[99]: ${pino}`, {
    zone: makeZone('UTC'),
    refTime: Date.UTC(2026, 10, 20),
  });
  assert.equal(get(d, '@timestamp'), '2026-11-23T20:21:26.198Z');
  assert.equal(get(d, 'error.message'), 'Connection lost: The server closed the connection.');
  assert.equal(get(d, 'host.hostname'), 'app-1');
  assert.equal(get(d, 'process.pid'), 99);
  assert.deepEqual(get(d, 'app.db'), { local_port: 47064, thread_id: 13 });
});

test('year-less syslog stamp: year from ctx.refTime, none without it (never the current year)', () => {
  const line = "Dec 31 23:59:59 app-1 reports[7]: failed: (2013, 'Lost connection to MySQL server during query')";
  const withRef = parseAppRecord(line, { zone: makeZone('UTC'), refTime: Date.UTC(2027, 0, 1, 0, 10) });
  assert.ok(withRef.ok && withRef.value);
  if (withRef.ok && withRef.value) assert.equal(withRef.value.t, Date.UTC(2026, 11, 31, 23, 59, 59));
  const noRef = parseAppRecord(line, { zone: makeZone('UTC') });
  assert.ok(noRef.ok && noRef.value);
  if (noRef.ok && noRef.value) assert.equal(noRef.value.t, undefined);
});

test('Laravel: evidence only in the exception context → message and SQL from the context string', () => {
  const d = one(
    '[2026-11-23 20:21:26] production.ERROR: Job failed {"exception":"[object] (Illuminate\\\\Database\\\\QueryException(code: HY000): SQLSTATE[HY000]: General error: 2006 MySQL server has gone away (Connection: mysql, SQL: select 1) at /app/vendor/x/Connection.php:825)"} ',
  );
  assert.equal(get(d, 'message'), 'Job failed');
  assert.equal(get(d, 'error.message'), 'SQLSTATE[HY000]: General error: 2006 MySQL server has gone away');
  assert.equal(get(d, 'app.sql'), 'select 1');
});

test('a detected record with an impossible date → bad_timestamp issue; blank record → empty issue', () => {
  const r = parseAppRecord(
    "2026-13-45 10:00:00,000 ERROR [w] x: (2013, 'Lost connection to MySQL server during query')",
    { zone: makeZone('UTC') },
  );
  assert.equal(r.ok, false);
  if (!r.ok) assert.equal(r.issue.code, 'bad_timestamp');
  const e = parseAppRecord('  \n ', { zone: makeZone('UTC') });
  assert.equal(e.ok, false);
  if (!e.ok) assert.equal(e.issue.code, 'empty');
});
