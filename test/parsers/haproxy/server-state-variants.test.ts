/**
 * HAProxy's server / backend state messages as they appear in real logs, in both of HAProxy's outputs:
 * syslog (`send_log`) and stderr (`ha_alert`/`ha_warning`, what `docker logs haproxy` shows), which do
 * not word them the same way. Lines are real ones from public issue threads (source on each).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeZone } from '../../../parsers/zones.js';
import type { Doc, ParseContext, Parsed } from '../../../parsers/types.js';
import { get, ok as okAt } from './helpers.js';

const REF: ParseContext = { zone: makeZone('UTC'), refTime: Date.UTC(2023, 1, 19, 4, 0, 0) };
const ok = (line: string, ctx: ParseContext = REF): Parsed => okAt(line, ctx);

test('no server available: stderr quotes the backend name, syslog does not; both name the same backend', () => {
  // a Debian 11 / HAProxy 2.2.9 walkthrough (public source file id 47010602955): both lines, same second
  const sys = ok('Feb 19 04:11:57 debian11 haproxy[4436]: backend web_server02 has no server available!');
  const err = ok(
    "Feb 19 04:11:57 debian11 haproxy[4436]: [ALERT] 049/041157 (4436) : backend 'web_server02' has no server available!",
  );
  for (const p of [sys, err]) {
    assert.equal(get(p.doc, 'haproxy.message_type'), 'no_server');
    assert.equal(get(p.doc, 'haproxy.backend_name'), 'web_server02');
    assert.equal(p.t, Date.UTC(2023, 1, 19, 4, 11, 57));
  }
  assert.equal(get(err.doc, 'haproxy.alert.level'), 'alert');
  assert.equal(get(err.doc, 'process.pid'), 4436);
  // haproxytech/kubernetes-ingress#699 (HAProxy 3.1 stderr), helm/charts#17752 (2.x stderr with day-of-year)
  assert.equal(
    get(
      ok("[ALERT]    (190) : backend 'dev_task-pod-4bb217e3-testing_out-port' has no server available!").doc,
      'haproxy.backend_name',
    ),
    'dev_task-pod-4bb217e3-testing_out-port',
  );
  const helm = ok("[ALERT] 279/142102 (8) : backend 'check_if_redis_is_master_1' has no server available!");
  assert.equal(get(helm.doc, 'haproxy.message_type'), 'no_server');
  assert.equal(get(helm.doc, 'haproxy.backend_name'), 'check_if_redis_is_master_1');
});

test('Backup servers: `Backup Server b/s is …` is a server state change of a backup server', () => {
  // HAProxy prints `"%sServer %s/%s is %s", SRV_F_BACKUP ? "Backup " : ""` (checks.c, server.c); payload
  // as quoted in a public HAProxy switchover write-up (find_string id 56359221597), behind a syslog envelope
  const p = ok(
    'Feb 19 04:12:00 lb1 haproxy[4436]: Backup Server neo4j_primary/neo4j-standby-2 is UP/READY (leaving forced maintenance).',
  );
  assert.equal(get(p.doc, 'haproxy.message_type'), 'server_state');
  assert.equal(get(p.doc, 'haproxy.backend_name'), 'neo4j_primary');
  assert.equal(get(p.doc, 'haproxy.server_name'), 'neo4j-standby-2');
  assert.equal(get(p.doc, 'haproxy.server_state.state'), 'UP');
  assert.equal(get(p.doc, 'haproxy.server_state.backup'), true);
  // constructed: the stderr form of a backup server's Layer4 failure
  const down = ok(
    '[WARNING]  (8) : Backup Server db/replica9 is DOWN, reason: Layer4 connection problem, info: "Connection refused", check duration: 0ms. 0 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.',
  );
  assert.equal(get(down.doc, 'haproxy.server_state.state'), 'DOWN');
  assert.equal(get(down.doc, 'haproxy.server_state.reason'), 'Layer4 connection problem');
  assert.equal(get(down.doc, 'haproxy.server_state.backup'), true);
  // an active server has no backup flag
  assert.equal(
    get(
      ok(
        'Feb 19 04:11:57 debian11 haproxy[4436]: Server web_server02/debian11-2 is DOWN, reason: Layer4 connection problem, info: "Connection refused", check duration: 0ms. 0 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.',
      ).doc,
      'haproxy.server_state.backup',
    ),
    undefined,
  );
});

test('real check failures: Layer4 timeout with tcp-check step info (helm/charts#17752), MySQL backends in compose (public README)', () => {
  const p = ok(
    '[WARNING] 279/142102 (8) : Server check_if_redis_is_master_0/R2 is DOWN, reason: Layer4 timeout, info: " at step 1 of tcp-check (connect)", check duration: 1000ms. 2 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.',
  );
  assert.deepEqual(get(p.doc, 'haproxy.server_state'), {
    backend: 'check_if_redis_is_master_0',
    server: 'R2',
    state: 'DOWN',
    reason: 'Layer4 timeout',
    check_info: ' at step 1 of tcp-check (connect)',
    check_duration_ms: 1000,
    active_servers: 2,
    backup_servers: 0,
    sessions_active: 0,
    requeued: 0,
    remaining_in_queue: 0,
  });
  // an HAProxy + MySQL replication compose README (find_string id 19512976348)
  const up = ok(
    '[WARNING]  (8) : Server mysqlro-back/mysql4 is UP, reason: Layer7 check passed, code: 0, check duration: 1ms. 1 active and 0 backup servers online. 0 sessions requeued, 0 total in queue.',
  );
  assert.equal(get(up.doc, 'haproxy.server_state.state'), 'UP');
  assert.equal(get(up.doc, 'haproxy.server_state.check_code'), 0);
  assert.equal(get(up.doc, 'haproxy.server_state.active_servers'), 1);
  // haproxytech/kubernetes-ingress#699: maintenance from the runtime API
  const maint = ok(
    '[WARNING]  (190) : Server dev_task-pod-4bb217e3-testing_out-port/SRV_1 is going DOWN for maintenance. 0 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.',
  );
  assert.equal(get(maint.doc, 'haproxy.server_state.state'), 'MAINT');
});

test('reloads: old and new "Proxy … stopped" wordings, stopping in N ms, stderr notices (kubernetes-ingress#571, haproxy#388, tutumcloud/haproxy#41)', () => {
  const now = ok('[WARNING]  (322) : Proxy <HTTPCLIENT> stopped (cumulated conns: FE: 0, BE: 0).');
  assert.deepEqual(get(now.doc, 'haproxy.proxy_state'), {
    proxy: '<HTTPCLIENT>',
    action: 'stopped',
    frontend_conns: 0,
    backend_conns: 0,
  });
  const old = ok(
    'Apr 30 20:42:20 HAProxy1-wbidder haproxy[23704]: [WARNING] 120/234220 (15662) : Proxy www-https stopped (FE: 5357990 conns, BE: 0 conns).',
  );
  assert.deepEqual(get(old.doc, 'haproxy.proxy_state'), {
    proxy: 'www-https',
    action: 'stopped',
    frontend_conns: 5357990,
    backend_conns: 0,
  });
  assert.equal(get(old.doc, 'haproxy.alert.pid'), 15662);
  assert.deepEqual(old.doc.process, { name: 'haproxy', pid: 23704 });
  const stopping = ok('[WARNING] 104/180516 (10) : Stopping backend default_service in 0 ms.');
  assert.deepEqual(get(stopping.doc, 'haproxy.proxy_state'), {
    proxy: 'default_service',
    action: 'stopping',
    kind: 'backend',
    grace_ms: 0,
  });
  const version = ok('[NOTICE]   (294) : haproxy version is 2.7.9-7b77742');
  assert.equal(get(version.doc, 'haproxy.message_type'), 'alert');
  assert.equal(get(version.doc, 'haproxy.alert.message'), 'haproxy version is 2.7.9-7b77742');
  // observIQ/bindplane-otel-collector#424
  const started = ok('May 17 21:58:23 haproxy haproxy[2359]: Proxy tcp started.');
  assert.deepEqual(get(started.doc, 'haproxy.proxy_state'), { proxy: 'tcp', action: 'started' });
  assert.deepEqual(started.doc.host, { hostname: 'haproxy' });
});

test('log-health-checks lines: the reason ends at the next label even without a check duration (haproxy/haproxy#1234, #2101)', () => {
  // haproxy/haproxy#1234: observe layer4 / on-error failures name no duration; two envelopes (tag with and without pid)
  const lines = [
    'May  5 21:09:30 weblb2 haproxy: [WARNING] 124/210930 (59014) : Health check for server Backend-Web/http1_2 failed, reason: Health analyze, info: "Detected 10 consecutive errors, last one was: L4 unsuccessful connection", status: 0/2 DOWN.',
    'May  5 21:09:30 localhost haproxy[59014]: Health check for server Backend-Web/http1_6 failed, reason: Health analyze, info: "Detected 10 consecutive errors, last one was: L4 unsuccessful connection", status: 0/2 DOWN.',
  ];
  for (const line of lines) {
    const p = ok(line, { zone: makeZone('UTC'), refTime: Date.UTC(2021, 4, 6) });
    assert.equal(get(p.doc, 'haproxy.message_type'), 'health_check');
    const h = get(p.doc, 'haproxy.health_check') as Doc;
    assert.equal(h.reason, 'Health analyze');
    assert.equal(h.check_info, 'Detected 10 consecutive errors, last one was: L4 unsuccessful connection');
    assert.equal(h.check_duration_ms, undefined);
    assert.equal(h.status, 'DOWN');
    assert.equal(h.rise_fall, '0/2');
    assert.equal(h.result, 'failed');
    assert.equal(p.t, Date.UTC(2021, 4, 5, 21, 9, 30));
  }
  // haproxy/haproxy#2101 (docker logs with a date in front of HAProxy's stderr)
  const c = ok(
    '2023-04-04 15:54:37 [WARNING]  (8) : Health check for server csg-gateway/csggateway-app-1 failed, reason: Layer4 connection problem, info: "Connection refused", check duration: 0ms, status: 2/3 UP.',
  );
  assert.deepEqual(get(c.doc, 'haproxy.health_check'), {
    backend: 'csg-gateway',
    server: 'csggateway-app-1',
    result: 'failed',
    backup: false,
    reason: 'Layer4 connection problem',
    check_info: 'Connection refused',
    check_duration_ms: 0,
    status: 'UP',
    rise_fall: '2/3',
  });
  assert.equal(c.t, Date.UTC(2023, 3, 4, 15, 54, 37));
  // a DOWN without any reason (the check that decided it is the line before)
  const down = ok(
    '2023-04-04 15:54:43 [WARNING]  (8) : Server csg-gateway/csggateway-app-1 is DOWN. 1 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.',
  );
  assert.equal(get(down.doc, 'haproxy.server_state.state'), 'DOWN');
  assert.equal(get(down.doc, 'haproxy.server_state.reason'), undefined);
  assert.equal(get(down.doc, 'haproxy.server_state.active_servers'), 1);
  // agent checks print `Agent check for …` (checks.c: CHK_ST_AGENT ? "Agent" : "Health"); constructed from that
  // template
  const agent = ok(
    'May  5 21:09:31 localhost haproxy[59014]: Agent check for server Backend-Web/http1_5 failed, reason: Layer4 timeout, check duration: 2001ms, status: 0/1 DOWN.',
    { zone: makeZone('UTC'), refTime: Date.UTC(2021, 4, 6) },
  );
  assert.equal(get(agent.doc, 'haproxy.message_type'), 'health_check');
  assert.equal(get(agent.doc, 'haproxy.health_check.agent'), true);
  assert.equal(get(agent.doc, 'haproxy.health_check.reason'), 'Layer4 timeout');
});
