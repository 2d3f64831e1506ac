/**
 * HAProxy's `[%t]` accept date has no zone; an RFC3339/RFC5424 syslog stamp on the same line has one and
 * is written at accept + Tt (docs/lab-findings.md §4.2). When the user named no zone, the accept date is placed
 * with the stamp's offset; a zone the user named is kept (a remote rsyslog may tag HAProxy's wall clock
 * with its own offset). Offsets of seconds or a few minutes are clock skew, never a zone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileLogFormat, parseHaproxyLine } from '../../../parsers/haproxy/index.js';
import { makeZone } from '../../../parsers/zones.js';
import type { CompiledLineParser, Doc, ParseContext } from '../../../parsers/types.js';

const machine: ParseContext = { zone: makeZone('UTC') };
const given: ParseContext = { zone: makeZone('UTC'), zoneGiven: true };

function doc(line: string, ctx: ParseContext): Doc {
  const r = parseHaproxyLine(line, ctx);
  assert.ok(r.ok, JSON.stringify(r));
  return r.value.doc;
}
const hap = (d: Doc) => d.haproxy as Doc;

// HAProxy at UTC+01:00: accept 21:39:55.948 local = 20:39:55.948Z, Tt 4254 → written 20:40:00.202Z
const TCP =
  '127.0.0.1:55272 [23/Nov/2026:21:39:55.948] mysql_ro mariadb_replicas/replica1 1/0/4254 1640 cD 1/1/0/0/0 0/0';

test("tcplog under an RFC3339 stamp with +01:00: the accept date takes the stamp's offset", () => {
  const d = doc(`2026-11-23T21:40:00.202310+01:00 db-lb-01 haproxy[6497]: ${TCP}`, machine);
  assert.equal(d['@timestamp'], '2026-11-23T20:39:55.948Z');
  assert.equal(hap(d).session_end, '2026-11-23T20:40:00.202Z');
});

test("RFC5424 (HAProxy's own header) and a negative offset are placed the same way", () => {
  const d = doc(`<134>1 2026-11-23T21:40:00.202-05:00 db-lb-01 haproxy 6497 - - ${TCP}`, machine);
  // 21:39:55.948 local at -05:00 = 02:39:55.948Z the next day
  assert.equal(d['@timestamp'], '2026-11-24T02:39:55.948Z');
  const half = doc(`2026-11-23T21:40:00+05:30 db-lb-01 haproxy[6497]: ${TCP}`, machine);
  assert.equal(half['@timestamp'], '2026-11-23T16:09:55.948Z');
});

test('a zone the user named is kept, whatever the stamp says', () => {
  const d = doc(`2026-11-23T21:40:00.202310+01:00 db-lb-01 haproxy[6497]: ${TCP}`, given);
  assert.equal(d['@timestamp'], '2026-11-23T21:39:55.948Z');
});

test('stamps without an offset (RFC3164) or seconds/minutes off (clock skew) move nothing', () => {
  assert.equal(
    doc(`Nov 23 21:40:00 db-lb-01 haproxy[6497]: ${TCP}`, machine)['@timestamp'],
    '2026-11-23T21:39:55.948Z',
  );
  // the same zone, 3 s late (a slow syslog relay)
  assert.equal(
    doc(`2026-11-23T21:40:03+00:00 db-lb-01 haproxy[6497]: ${TCP}`, machine)['@timestamp'],
    '2026-11-23T21:39:55.948Z',
  );
  // 7 minutes off: a wrong clock, not a zone (offsets are whole quarter hours)
  assert.equal(
    doc(`2026-11-23T21:47:00+00:00 db-lb-01 haproxy[6497]: ${TCP}`, machine)['@timestamp'],
    '2026-11-23T21:39:55.948Z',
  );
});

test('a long session is measured to its end (accept + Tt), not its accept', () => {
  // 2 h session: accept 19:40:00 local (+01:00), ends 21:40:00 local = 20:40:00Z
  const long =
    '127.0.0.1:55272 [23/Nov/2026:19:40:00.000] mysql_ro mariadb_replicas/replica1 1/0/7200000 1640 cD 1/1/0/0/0 0/0';
  assert.equal(
    doc(`2026-11-23T21:40:00+01:00 db-lb-01 haproxy[6497]: ${long}`, machine)['@timestamp'],
    '2026-11-23T18:40:00.000Z',
  );
});

test('httplog and the connection error log are placed too', () => {
  const http =
    '10.0.0.1:33412 [23/Nov/2026:21:27:25.948] www php_app/web1 0/0/0/5017/5017 500 176 - - ---- 1/1/0/0/0 0/0 "GET /p.php HTTP/1.1"';
  const h = doc(`2026-11-23T21:27:31+01:00 db-lb-01 haproxy[6497]: ${http}`, machine);
  assert.equal(h['@timestamp'], '2026-11-23T20:27:25.948Z');
  const err = '10.0.0.1:33412 [23/Nov/2026:21:27:25.948] www/1: SSL handshake failure';
  assert.equal(
    doc(`2026-11-23T21:27:26+01:00 db-lb-01 haproxy[6497]: ${err}`, machine)['@timestamp'],
    '2026-11-23T20:27:25.948Z',
  );
});

test('a custom log-format with %t and a JSON log are placed too; %T (with zone) is not touched', () => {
  const f = compileLogFormat('%ci:%cp [%t] %ft %b/%s %bi:%bp %Tw/%Tc/%Tt %B %ts', 'custom') as CompiledLineParser;
  assert.ok(!('error' in f));
  const ctx: ParseContext = { ...machine, haproxyFormats: [f] };
  const c = doc(
    '2026-11-23T21:40:00.202+01:00 db-lb-01 haproxy[6497]: 127.0.0.1:51742 [23/Nov/2026:21:39:55.948] mysql_ro_custom mariadb_replicas/replica1 127.0.0.1:60362 1/0/4254 333 cD',
    ctx,
  );
  assert.equal(c['@timestamp'], '2026-11-23T20:39:55.948Z');
  const j = doc(
    '2026-11-23T21:40:00.202+01:00 db-lb-01 haproxy[6497]: {"client":"127.0.0.1:57192","accept_date":"23/Nov/2026:21:39:55.948","frontend":"mysql_ro_json","backend":"mariadb_replicas","server":"replica1","Tw":1,"Tc":0,"Tt":4254,"termination_state":"--"}',
    machine,
  );
  assert.equal(j['@timestamp'], '2026-11-23T20:39:55.948Z');
  const tz = compileLogFormat('%ci:%cp [%T] %ft %b/%s %Tw/%Tc/%Tt %B %ts', 'tz') as CompiledLineParser;
  const z = doc(
    '2026-11-23T21:40:00+01:00 db-lb-01 haproxy[6497]: 127.0.0.1:51742 [23/Nov/2026:21:39:55 +0100] mysql_ro mariadb_replicas/replica1 1/0/4254 333 cD',
    { ...machine, haproxyFormats: [tz] },
  );
  assert.equal(z['@timestamp'], '2026-11-23T20:39:55.000Z');
});
