import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseHaproxyLine } from '../../../parsers/haproxy/index.js';
import { makeZone } from '../../../parsers/zones.js';
import type { Doc, Parsed } from '../../../parsers/types.js';
import { get, ok, UTC } from './helpers.js';

const FIX = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..', 'test/fixtures/haproxy');

const hap = (p: Parsed) => p.doc.haproxy as Doc;

test('lab tcplog line (docs/lab-findings.md §3, scenario 01): all Elastic fields + goneaway additions', () => {
  const p = ok(
    'Nov 23 20:21:24 db-lb-01 haproxy[3968]: 127.0.0.1:47064 [23/Nov/2026:20:21:21.257] mysql_ro mariadb_replicas/replica1 1/0/3029 710 cD 8/8/7/4/0 0/0',
  );
  assert.equal(p.kind, 'haproxy');
  assert.equal(p.t, Date.UTC(2026, 10, 23, 20, 21, 21, 257));
  const d = p.doc;
  assert.equal(d['@timestamp'], '2026-11-23T20:21:21.257Z');
  assert.deepEqual(d.source, { address: '127.0.0.1', ip: '127.0.0.1', port: 47064 });
  assert.deepEqual(d.process, { name: 'haproxy', pid: 3968 });
  assert.deepEqual(d.host, { hostname: 'db-lb-01' });
  assert.deepEqual(d.event, { duration: 3029 * 1e6 });
  const h = hap(p);
  assert.equal(h.message_type, 'traffic');
  assert.equal(h.mode, 'tcp');
  assert.equal(h.log_format, 'tcplog');
  assert.equal(h.source, 'db-lb-01');
  assert.equal(h.frontend_name, 'mysql_ro');
  assert.equal(h.backend_name, 'mariadb_replicas');
  assert.equal(h.server_name, 'replica1');
  assert.equal(h.total_waiting_time_ms, 1);
  assert.equal(h.connection_wait_time_ms, 0);
  assert.equal(h.total_time_ms, 3029);
  assert.equal(h.bytes_read, 710);
  assert.equal(h.termination_state, 'cD');
  assert.deepEqual(h.connections, { active: 8, frontend: 8, backend: 7, server: 4, retries: 0 });
  assert.equal(h.server_queue, 0);
  assert.equal(h.backend_queue, 0);
  assert.equal(h.accept_date, '2026-11-23T20:21:21.257Z');
  // accept + Tt = the closure instant; the syslog stamp (20:21:24) is that second (docs/lab-findings.md §4.2)
  assert.equal(h.session_end, '2026-11-23T20:21:24.286Z');
  const term = h.termination as Doc;
  assert.equal(term.initiator, 'client_timeout');
  assert.equal(term.phase, 'data');
  assert.equal(term.side, 'client');
  assert.match(String(term.description), /timeout client/);
});

test('the bracket date is local time in ctx.zone (the syslog envelope has no year: docs/parsing-pitfalls.md #3)', () => {
  const line =
    'Dec 31 23:59:59 lb haproxy[1]: 10.0.0.1:5000 [31/Dec/2025:23:59:58.000] f b/s 0/0/1500 10 -- 1/1/1/1/0 0/0';
  assert.equal(ok(line, { zone: makeZone('Europe/Paris') }).t, Date.UTC(2025, 11, 31, 22, 59, 58));
  assert.equal(ok(line, { zone: makeZone('-05:00') }).t, Date.UTC(2026, 0, 1, 4, 59, 58));
});

test('<NOSRV>, -1 timers, SC (beats tcplog.log)', () => {
  const p = ok(
    'Sep 20 15:44:23 127.0.0.1 haproxy[25457]: 127.0.0.1:40962 [20/Sep/2018:15:44:23.285] main app/<NOSRV> -1/-1/1 212 SC 1/1/0/0/0 0/0',
  );
  const h = hap(p);
  assert.equal(h.server_name, '<NOSRV>');
  assert.equal(h.total_waiting_time_ms, -1);
  assert.equal(h.connection_wait_time_ms, -1);
  assert.equal((h.termination as Doc).initiator, 'server_abort');
  assert.equal((h.termination as Doc).phase, 'connect');
});

test('backend/server split on the FIRST slash, names keep their colons', () => {
  const p = ok(
    '10.0.1.1:63569 [14/Jun/2023:13:33:29.574] public_ssl be_tcp:eck:ingest/pod:es-2:https:10.142.10.10:9200 199/1/205 2635 -- 29/29/5/3/0 0/0',
  );
  assert.equal(hap(p).backend_name, 'be_tcp:eck:ingest');
  assert.equal(hap(p).server_name, 'pod:es-2:https:10.142.10.10:9200');
  assert.equal(p.doc.process, undefined, 'no envelope, no process');
});

test('IPv6 client: ip/port split on the LAST colon', () => {
  const p = ok('haproxy[1]: 2001:db8::17:44321 [06/Feb/2009:12:12:51.443] fnt bck/srv1 0/0/5007 212 -- 0/0/0/0/3 0/0');
  assert.deepEqual(p.doc.source, { address: '2001:db8::17', ip: '2001:db8::17', port: 44321 });
  const mapped = ok('::ffff:10.0.0.1:80 [06/Feb/2009:12:12:51.443] fnt bck/srv1 0/0/1 2 -- 0/0/0/0/0 0/0');
  assert.equal(get(mapped.doc, 'source.ip'), '::ffff:10.0.0.1');
});

test("unix socket client 'unix:1' and '-' client", () => {
  const u = ok('unix:1 [06/Feb/2009:12:12:51.443] fnt bck/srv1 0/0/5 2 -- 0/0/0/0/0 0/0');
  assert.deepEqual(u.doc.source, { address: 'unix' });
  assert.equal(hap(u).unix_socket_id, 1, 'the socket id is not a TCP port (no false client_port join)');
  const dash = ok('-:22222 [06/Feb/2009:12:12:51.443] fnt bck/srv1 0/0/5 2 -- 0/0/0/0/0 0/0');
  assert.deepEqual(dash.doc.source, { port: 22222 });
});

test('logasap (+Tt, +bytes) and redispatched retries (+N)', () => {
  const p = ok('10.0.0.1:1 [06/Feb/2009:12:12:51.443] f b/s 0/0/+5007 +212 -- 0/0/0/0/+3 0/0');
  const h = hap(p);
  assert.equal(h.total_time_ms, 5007);
  assert.equal(h.bytes_read, 212);
  assert.equal(h.logasap, true);
  assert.equal((h.connections as Doc).retries, 3);
  assert.equal((h.connections as Doc).redispatched, true);
  const plain = hap(ok('10.0.0.1:1 [06/Feb/2009:12:12:51.443] f b/s 0/0/5007 212 -- 0/0/0/0/3 0/0'));
  assert.equal(plain.logasap, undefined);
  assert.equal((plain.connections as Doc).redispatched, undefined);
});

test('an unknown token before the timers is kept (beats#25827) and trailing extras tolerated', () => {
  const p = ok('10.0.0.1:1 [06/Feb/2009:12:12:51.443] f b/s 127.0.0.1:60362 1/0/4021 333 cD 5/2/4/1/0 0/0 some extra');
  assert.deepEqual(p.doc.destination, { address: '127.0.0.1:60362' });
  assert.equal(hap(p).extra_fields, 'some extra');
  assert.equal(hap(p).total_time_ms, 4021);
});

test('CRLF line endings are tolerated', () => {
  const p = ok(
    'Nov 23 20:21:24 db-lb-01 haproxy[3968]: 127.0.0.1:47064 [23/Nov/2026:20:21:21.257] mysql_ro b/s 1/0/3029 710 cD 8/8/7/4/0 0/0\r',
  );
  assert.equal(hap(p).backend_queue, 0);
  assert.equal(hap(p).extra_fields, undefined);
});

test('date without milliseconds (old HAProxy) is accepted', () => {
  assert.equal(
    ok('10.0.0.1:1 [09/Aug/2004:20:26:09] f b/s 0/0/1 2 -- 0/0/0/0/0 0/0').t,
    Date.UTC(2004, 7, 9, 20, 26, 9),
  );
});

test('a traffic line with an impossible date is bad_timestamp, not a wrong record', () => {
  const r = parseHaproxyLine('10.0.0.1:1 [32/Foo/2009:12:12:51.443] f b/s 0/0/1 2 -- 0/0/0/0/0 0/0', UTC);
  assert.equal(r.ok, false);
  if (!r.ok) assert.equal(r.issue.code, 'bad_timestamp');
});

test('lab fixture: traditional and RFC3339 envelopes give the same traffic documents', () => {
  const a = fs.readFileSync(path.join(FIX, 'lab-traditional.log'), 'utf8').split('\n').filter(Boolean);
  const b = fs.readFileSync(path.join(FIX, 'lab-rfc3339.log'), 'utf8').split('\n').filter(Boolean);
  assert.equal(a.length, b.length);
  let traffic = 0;
  for (let i = 0; i < a.length; i++) {
    const ra = parseHaproxyLine(a[i]!, UTC),
      rb = parseHaproxyLine(b[i]!, UTC);
    assert.equal(ra.ok, rb.ok, a[i]);
    if (!ra.ok || !rb.ok) continue;
    if (hap(ra.value).message_type !== 'traffic') continue;
    traffic++;
    assert.deepEqual(ra.value.doc, rb.value.doc, a[i]);
  }
  assert.ok(traffic >= 6);
});

test('K- and D- sessions (docs/lab-findings.md §3, scenario 07/08/09) decode to admin kill / server down', () => {
  const lines = fs.readFileSync(path.join(FIX, 'lab-traditional.log'), 'utf8').split('\n');
  const states = lines
    .map((l) => parseHaproxyLine(l, UTC))
    .filter((r) => r.ok)
    .map((r) => (r.ok ? (hap(r.value).termination as Doc | undefined) : undefined))
    .filter(Boolean) as Doc[];
  const k = states.find((s) => s.state === 'K-')!;
  const d = states.find((s) => s.state === 'D-')!;
  assert.equal(k.initiator, 'admin_kill');
  assert.match(String(k.description), /hard-stop-after/);
  assert.equal(d.initiator, 'server_down');
  assert.match(String(d.description), /on-marked-down shutdown-sessions/);
});

test('rsyslog `%msg%` template: the space RFC3164 leaves before the message starts every line', () => {
  // rsyslog keeps the space after the tag in %msg% (rsyslog docs: mmrm1stspace, pmrfc3164
  // remove.msgFirstSpace); a haproxy.log written with `$template Haproxy,"%msg%\n"` (as in
  // allinurl/goaccess#824, there after %timegenerated%) holds HAP-DOC's lines with that space kept
  const p = ok(' 10.0.1.2:33313 [06/Feb/2009:12:12:51.443] fnt bck/srv1 0/0/5007 212 -- 0/0/0/0/3 0/0');
  assert.equal(hap(p).message_type, 'traffic');
  assert.deepEqual(p.doc.source, { address: '10.0.1.2', ip: '10.0.1.2', port: 33313 });
  assert.equal(p.t, Date.UTC(2009, 1, 6, 12, 12, 51, 443));
  assert.equal(hap(p).termination_state, '--');
  assert.equal(get(p.doc, 'haproxy.connections.retries'), 3);
  const s = ok(
    ' Server mariadb_replicas/replica2 is DOWN, reason: Layer4 timeout, check duration: 2001ms. 0 active and 0 backup servers left. 3 sessions active, 0 requeued, 0 remaining in queue.',
  );
  assert.equal(hap(s).message_type, 'server_state');
  assert.equal(get(s.doc, 'haproxy.server_state.state'), 'DOWN');
});
