import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHaproxyLine } from '../../../parsers/haproxy/index.js';
import { parseJsonObject } from '../../../parsers/haproxy/json.js';
import { makeZone } from '../../../parsers/zones.js';
import type { ParseContext } from '../../../parsers/types.js';
import { get } from './helpers.js';

const UTC: ParseContext = { zone: makeZone('UTC') };

test('lab JSON-ish log (docs/lab-findings.md §3, scenario 13) without any config: hand-written keys', () => {
  const r = parseHaproxyLine(
    'Nov 23 20:27:47 db-lb-01 haproxy[6497]: {"client":"127.0.0.1:57192","accept_date":"23/Nov/2026:20:27:43.026","frontend":"mysql_ro_json","backend":"mariadb_replicas","server":"replica2","backend_source":"127.0.0.1:60386","server_addr":"127.0.0.1:3312","timers":"1/0/4007","bytes_read":512,"termination_state":"--","connections":"4/1/3/2/0"}',
    UTC,
  );
  assert.ok(r.ok);
  if (!r.ok) return;
  const d = r.value.doc;
  assert.equal(r.value.t, Date.UTC(2026, 10, 23, 20, 27, 43, 26));
  assert.deepEqual(d.source, { address: '127.0.0.1', ip: '127.0.0.1', port: 57192 });
  assert.equal(get(d, 'haproxy.log_format'), 'json');
  assert.equal(get(d, 'haproxy.frontend_name'), 'mysql_ro_json');
  assert.equal(get(d, 'haproxy.server_name'), 'replica2');
  assert.deepEqual(get(d, 'haproxy.backend_source'), { ip: '127.0.0.1', port: 60386 });
  assert.deepEqual(get(d, 'haproxy.server_address'), { ip: '127.0.0.1', port: 3312 });
  assert.equal(get(d, 'haproxy.total_time_ms'), 4007);
  assert.equal(get(d, 'haproxy.session_end'), '2026-11-23T20:27:47.033Z');
  assert.equal(get(d, 'haproxy.bytes_read'), 512);
  assert.equal(get(d, 'haproxy.termination_state'), '--');
  assert.equal(get(d, 'haproxy.connections.backend'), 3);
  assert.equal(get(d, 'host.hostname'), 'db-lb-01');
});

test('alias-named keys (%{+json}o with %(ci)ci …), case-sensitive %T vs %t', () => {
  const r = parseHaproxyLine(
    '{"ci":"10.0.0.9","cp":41000,"t":"23/Nov/2026:20:00:00.500","ft":"fe","b":"be","s":"s1","Tw":0,"Tc":1,"Tt":250,"B":10,"ts":"SD","ac":1,"fc":1,"bc":1,"sc":1,"rc":0,"sq":0,"bq":0}',
    UTC,
  );
  assert.ok(r.ok);
  if (!r.ok) return;
  assert.equal(r.value.t, Date.UTC(2026, 10, 23, 20, 0, 0, 500));
  assert.equal(get(r.value.doc, 'haproxy.termination.initiator'), 'server_abort');
  assert.equal(get(r.value.doc, 'haproxy.connection_wait_time_ms'), 1);
  assert.equal(get(r.value.doc, 'haproxy.mode'), 'tcp');
});

test('documented names, HTTP fields switch the mode, epoch timestamps', () => {
  const r = parseHaproxyLine(
    '{"client_ip":"::1","client_port":"443","timestamp":1764000000,"frontend_name":"www","status_code":502,"http_request":"GET /x HTTP/1.1","termination_state":"SH--"}',
    UTC,
  );
  assert.ok(r.ok);
  if (!r.ok) return;
  assert.equal(get(r.value.doc, 'haproxy.mode'), 'http');
  assert.equal(get(r.value.doc, 'http.response.status_code'), 502);
  assert.equal(get(r.value.doc, 'url.path'), '/x');
  assert.equal(r.value.t, 1764000000 * 1000);
  assert.equal(get(r.value.doc, 'source.ip'), '::1');
});

test('invalid JSON (logasap +N, unescaped quotes) is read leniently; unrelated JSON is no_match', () => {
  assert.deepEqual(parseJsonObject('{"a": +12, "b": "x"}'), { a: '+12', b: 'x' });
  const r = parseHaproxyLine(
    'haproxy[1]: {"client":"10.0.0.1:1","accept_date":"23/Nov/2026:20:00:00.000","timers":"0/0/+10","bytes_read":+5,"termination_state":"--"}',
    UTC,
  );
  assert.ok(r.ok && get(r.value.doc, 'haproxy.logasap') === true);
  const other = parseHaproxyLine('{"level":50,"msg":"mysql connection error"}', UTC);
  assert.equal(other.ok, false);
  if (!other.ok) assert.match(other.issue.message, /./);
});
