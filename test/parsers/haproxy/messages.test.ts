import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHaproxyLine } from '../../../parsers/haproxy/index.js';
import { makeZone } from '../../../parsers/zones.js';
import type { ParseContext, ParseResult } from '../../../parsers/types.js';
import { get, ok, UTC } from './helpers.js';

const REF: ParseContext = { zone: makeZone('UTC'), refTime: Date.UTC(2026, 10, 23, 20, 0, 0) };

test('Server DOWN from a Layer7 check (docs/lab-findings.md §3, scenario 07)', () => {
  const p = ok(
    `Nov 23 20:24:10 db-lb-01 haproxy[3968]: Server mariadb_replicas/replica1 is DOWN, reason: Layer7 wrong status, code: 1045, info: "#28000Access denied for user 'haproxy_check'@'127.0.0.1' (using password: NO)", check duration: 0ms. 1 active and 0 backup servers left. 3 sessions active, 0 requeued, 0 remaining in queue.`,
    REF,
  );
  assert.equal(get(p.doc, 'haproxy.message_type'), 'server_state');
  assert.deepEqual(get(p.doc, 'haproxy.server_state'), {
    backend: 'mariadb_replicas',
    server: 'replica1',
    state: 'DOWN',
    reason: 'Layer7 wrong status',
    check_code: 1045,
    check_info: "#28000Access denied for user 'haproxy_check'@'127.0.0.1' (using password: NO)",
    check_duration_ms: 0,
    active_servers: 1,
    backup_servers: 0,
    sessions_active: 3,
    requeued: 0,
    remaining_in_queue: 0,
  });
  assert.equal(get(p.doc, 'haproxy.backend_name'), 'mariadb_replicas');
  assert.equal(p.t, Date.UTC(2026, 10, 23, 20, 24, 10), 'year from refTime');
  assert.equal(p.doc['@timestamp'], '2026-11-23T20:24:10.000Z');
  assert.deepEqual(p.doc.process, { name: 'haproxy', pid: 3968 });
});

test('Server UP and Layer4 DOWN (elastic/beats#8311)', () => {
  const up = ok(
    'Nov 23 20:32:45 db-lb-01 haproxy[3968]: Server mariadb_replicas/replica2 is UP, reason: Layer7 check passed, code: 0, info: "5.5.5-10.11.19-MariaDB", check duration: 1ms. 2 active and 0 backup servers online. 0 sessions requeued, 0 total in queue.',
  );
  assert.equal(get(up.doc, 'haproxy.server_state.state'), 'UP');
  assert.equal(get(up.doc, 'haproxy.server_state.requeued'), 0);
  assert.equal(get(up.doc, 'haproxy.server_state.total_in_queue'), 0);
  const down = ok(
    'Sep 13 15:51:16 debian8-haproxy haproxy[5988]: Server mysvc/myserver01 is DOWN, reason: Layer4 connection problem, info: "Connection refused", check duration: 0ms. 0 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.',
  );
  assert.equal(get(down.doc, 'haproxy.server_state.reason'), 'Layer4 connection problem');
  assert.equal(get(down.doc, 'haproxy.server_state.check_info'), 'Connection refused');
  assert.equal(down.t, undefined, 'year-less envelope and no refTime: no invented year');
  assert.equal(down.doc['@timestamp'], undefined);
});

test('maintenance state', () => {
  const p = ok(
    'haproxy[1]: Server be/s1 is going DOWN for maintenance. 1 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.',
  );
  assert.equal(get(p.doc, 'haproxy.server_state.state'), 'MAINT');
});

test('proxy lifecycle at a reload (docs/lab-findings.md §3, scenario 09)', () => {
  const stopped = ok('Nov 23 20:25:01 db-lb-01 haproxy[6014]: Proxy mysql_ro stopped (cumulated conns: FE: 6, BE: 0).');
  assert.deepEqual(get(stopped.doc, 'haproxy.proxy_state'), {
    proxy: 'mysql_ro',
    action: 'stopped',
    frontend_conns: 6,
    backend_conns: 0,
  });
  const hard = ok(
    'Nov 23 20:25:04 db-lb-01 haproxy[6014]: Proxy mysql_ro hard-stopped (6 remaining conns will be closed).',
  );
  assert.deepEqual(get(hard.doc, 'haproxy.proxy_state'), {
    proxy: 'mysql_ro',
    action: 'hard-stopped',
    remaining_conns: 6,
  });
  const soft = ok('Nov 23 20:25:04 db-lb-01 haproxy[6014]: soft-stop running for too long, performing a hard-stop.');
  assert.equal(get(soft.doc, 'haproxy.message_type'), 'hard_stop');
  const started = ok('Feb 25 16:19:38 192.168.4.2 haproxy[1]: Proxy prod_http_in started.');
  assert.deepEqual(get(started.doc, 'haproxy.proxy_state'), { proxy: 'prod_http_in', action: 'started' });
  const stopping = ok('Feb 26 10:00:47 192.168.8.2 haproxy[7]: Stopping frontend prod_http_in in 0 ms.');
  assert.equal(get(stopping.doc, 'haproxy.proxy_state.action'), 'stopping');
  assert.equal(get(stopping.doc, 'haproxy.proxy_state.grace_ms'), 0);
  const old = ok('Feb 26 10:00:47 192.168.8.2 haproxy[7]: Proxy prod_http_in stopped (FE: 847876 conns, BE: 0 conns).');
  assert.equal(get(old.doc, 'haproxy.proxy_state.frontend_conns'), 847876);
});

test('backend has no server available', () => {
  const p = ok('Sep 13 15:51:15 debian8-haproxy haproxy[5988]: backend myservers has no server available!');
  assert.equal(get(p.doc, 'haproxy.message_type'), 'no_server');
  assert.equal(get(p.doc, 'haproxy.backend_name'), 'myservers');
});

test('[ALERT]/[WARNING]/[NOTICE] stderr lines', () => {
  const spring: ParseContext = { zone: makeZone('UTC'), refTime: Date.UTC(2026, 3, 1) };
  const a = ok(
    '[ALERT] 087/151909 (47) : sendmsg logger #1 failed: Resource temporarily unavailable (errno=11)',
    spring,
  );
  assert.equal(get(a.doc, 'haproxy.message_type'), 'alert');
  assert.equal(get(a.doc, 'haproxy.alert.level'), 'alert');
  assert.equal(
    get(a.doc, 'haproxy.alert.message'),
    'sendmsg logger #1 failed: Resource temporarily unavailable (errno=11)',
  );
  assert.equal(get(a.doc, 'process.pid'), 47);
  // HAProxy prints tm_yday (0-based): 087 = 29 March in a non-leap year
  assert.equal(a.t, Date.UTC(2026, 2, 29, 15, 19, 9));
  assert.equal(get(a.doc, 'log'), undefined, "log.* is the pipeline's");
  const n = ok('[NOTICE]   (1) : New worker (8) forked');
  assert.equal(get(n.doc, 'haproxy.alert.level'), 'notice');
  assert.equal(n.t, undefined);
  const w = ok('[WARNING]  (8) : Server be/s1 is DOWN');
  assert.equal(get(w.doc, 'haproxy.alert.level'), 'warning');
});

test('default format: Connect from (envelope time, destination, mode lower-cased)', () => {
  const ctx: ParseContext = { zone: makeZone('+0500'), refTime: Date.UTC(2024, 8, 1) };
  const p = ok(
    'Sep 20 15:42:59 67.43.156.13 haproxy[24551]: Connect from 67.43.156.13:40780 to 67.43.156.13:5000 (main/HTTP)',
    ctx,
  );
  assert.equal(get(p.doc, 'haproxy.message_type'), 'connect');
  assert.equal(get(p.doc, 'haproxy.log_format'), 'default');
  assert.equal(get(p.doc, 'haproxy.mode'), 'http');
  assert.equal(get(p.doc, 'haproxy.frontend_name'), 'main');
  assert.equal(get(p.doc, 'haproxy.source'), '67.43.156.13');
  assert.deepEqual(p.doc.source, { address: '67.43.156.13', ip: '67.43.156.13', port: 40780 });
  assert.deepEqual(p.doc.destination, { address: '67.43.156.13', ip: '67.43.156.13', port: 5000 });
  assert.equal(p.t, Date.UTC(2024, 8, 20, 10, 42, 59), 'Elastic expects 2024-09-20T15:42:59+05:00');
  const u = ok('haproxy[1]: Connect from unix:1 to unix:1 (www/TCP)');
  assert.deepEqual(u.doc.source, { address: 'unix', socket_id: 1 });
  assert.equal(get(u.doc, 'haproxy.mode'), 'tcp');
});

test('connection error log (§8.2.5): accept date, frontend/bind, message', () => {
  const p = ok(
    'Dec  3 18:27:14 localhost haproxy[6103]: 127.0.0.1:56059 [03/Dec/2012:17:35:10.380] frt/f1: Connection error during SSL handshake',
  );
  assert.equal(p.t, Date.UTC(2012, 11, 3, 17, 35, 10, 380));
  assert.equal(get(p.doc, 'haproxy.message_type'), 'connection_error');
  assert.equal(get(p.doc, 'haproxy.log_format'), 'error');
  assert.equal(get(p.doc, 'haproxy.frontend_name'), 'frt');
  assert.equal(get(p.doc, 'haproxy.bind_name'), 'f1');
  assert.equal(get(p.doc, 'haproxy.error_message'), 'Connection error during SSL handshake');
  assert.deepEqual(p.doc.source, { address: '127.0.0.1', ip: '127.0.0.1', port: 56059 });
  const lnav = ok(
    'Feb 25 16:20:15 192.168.4.2 haproxy[7]: 95.216.197.33:56224 [25/Feb/2019:16:20:10.111] prod_http_in/sktst2: SSL handshake failure',
  );
  assert.equal(get(lnav.doc, 'haproxy.bind_name'), 'sktst2');
});

test('full envelope dates are used as-is for non-traffic lines', () => {
  const p = ok(
    '2026-11-23T20:25:04.5+01:00 db-lb-01 haproxy[6014]: soft-stop running for too long, performing a hard-stop.',
  );
  assert.equal(p.t, Date.UTC(2026, 10, 23, 19, 25, 4, 500));
});

test('December line read in January: closestYear picks the previous year', () => {
  const ctx: ParseContext = { zone: makeZone('UTC'), refTime: Date.UTC(2027, 0, 2) };
  assert.equal(ok('Dec 31 23:59:00 lb haproxy[1]: Proxy x started.', ctx).t, Date.UTC(2026, 11, 31, 23, 59));
});

test('unknown message from haproxy is kept as type other; other programs and garbage are no_match with a reason', () => {
  const other = ok('Nov 23 20:00:00 lb haproxy[1]: some message HAProxy may print one day');
  assert.equal(get(other.doc, 'haproxy.message_type'), 'other');
  const cases: Array<[string, RegExp]> = [
    [
      'Nov 23 20:28:00 db-lb-01 sshd[812]: Accepted publickey for admin from 10.0.0.5 port 50122 ssh2',
      /syslog program 'sshd' is not haproxy/,
    ],
    ['hello world', /not an HAProxy log line/],
    ['10.0.0.1:1 [06/Feb/2009:12:12:51.443] f b/s weird shape here', /unknown shape/],
  ];
  for (const [line, re] of cases) {
    const r: ParseResult = parseHaproxyLine(line, UTC);
    assert.equal(r.ok, false, line);
    if (!r.ok) {
      assert.equal(r.issue.code, 'no_match');
      assert.match(r.issue.message, re);
    }
  }
  const empty = parseHaproxyLine('', UTC);
  assert.equal(!empty.ok && empty.issue.code, 'empty');
  const huge = parseHaproxyLine('x'.repeat(300_000), UTC);
  assert.equal(!huge.ok && huge.issue.code, 'too_long');
});

test('stderr `[WARNING]  (8) : Server … is DOWN` (HAProxy in a container) is a server state change', () => {
  const p = ok(
    '[WARNING]  (8) : Server mariadb_replicas/replica2 is DOWN, reason: Layer4 timeout, check duration: 2001ms. 0 active and 0 backup servers left. 3 sessions active, 0 requeued, 0 remaining in queue.',
    REF,
  );
  assert.equal(get(p.doc, 'haproxy.message_type'), 'server_state');
  assert.equal(get(p.doc, 'haproxy.server_state.state'), 'DOWN');
  assert.equal(get(p.doc, 'haproxy.server_state.server'), 'replica2');
  assert.equal(get(p.doc, 'haproxy.alert.level'), 'warning');
  assert.equal(get(p.doc, 'process.pid'), 8);
  const n = ok('[NOTICE]   (1) : New worker (8) forked', REF);
  assert.equal(get(n.doc, 'haproxy.message_type'), 'alert', 'other stderr lines stay alerts');
});
