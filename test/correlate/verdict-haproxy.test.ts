import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Incident, T0, ga, hapDate } from './scenario.js';
import type { Doc } from '../../parsers/types.js';

test('cD then a PHP 2006 at next use: HAProxy timeout client', () => {
  const inc = new Incident()
    .connect('replica1', T0 + 10, 13)
    .gen('replica1', T0 + 100, 13, 'Query', 'select 1')
    .session({ port: 47064, accept: T0, tt: 3100, state: 'cD' })
    .aborted('replica1', T0 + 3100, 13, 'Got an error reading communication packets')
    .php2006(T0 + 9000);
  const { appErrors, connections } = inc.run();
  assert.equal(appErrors.length, 1);
  assert.equal(ga(appErrors[0]!).cause, 'haproxy_timeout_client');
  assert.equal(ga(appErrors[0]!).terminated_by, 'haproxy');
  assert.equal((appErrors[0]!.mysql as Doc).thread_id, 13);
  assert.ok((ga(appErrors[0]!).confidence as number) >= 0.8);
  assert.match(String((ga(appErrors[0]!).recommendation as Doc).text), /timeout client/);
  assert.equal(connections.length, 0, 'the session is explained by the app error, not a silent closure');
});

test('sD: HAProxy timeout server', () => {
  const inc = new Incident().session({ port: 5000, accept: T0, tt: 3000, state: 'sD' }).nodeLost(T0 + 3001, 5000, 9);
  const e = inc.run().appErrors[0]!;
  assert.equal(ga(e).cause, 'haproxy_timeout_server');
});

test('K- after "performing a hard-stop" from the same pid: hard-stop-after; K- alone: admin kill', () => {
  const inc = new Incident()
    .haproxyLine(T0 + 5000, 'soft-stop running for too long, performing a hard-stop.', 6014)
    .haproxyLine(T0 + 5001, 'Proxy mysql_ro hard-stopped (6 remaining conns will be closed).', 6014)
    .session({ port: 6001, accept: T0, tt: 5050, state: 'K-', pid: 6014 })
    .nodeLost(T0 + 5050, 6001, 20)
    .session({ port: 6002, accept: T0 + 60_000, tt: 2030, state: 'K-', pid: 7000 })
    .nodeLost(T0 + 62_030, 6002, 21);
  const { appErrors } = inc.run();
  const byPort = new Map(appErrors.map((e) => [(e.source as Doc).port, ga(e).cause]));
  assert.equal(byPort.get(6001), 'haproxy_hard_stop');
  assert.equal(byPort.get(6002), 'haproxy_admin_kill');
});

test('D- after a failed health check: server down; D- while MariaDB shut down: the shutdown is the cause (lab scenario 06c, docs/lab-findings.md)', () => {
  const down = (t: number, srv: string, reason: string) =>
    `Server mariadb_replicas/${srv} is DOWN, reason: ${reason}, check duration: 0ms. 1 active and 0 backup servers left. 3 sessions active, 0 requeued, 0 remaining in queue.`;
  const inc = new Incident()
    .haproxyLine(
      T0 + 4000,
      down(
        T0 + 4000,
        'replica1',
        "Layer7 wrong status, code: 1045, info: \"#28000Access denied for user 'haproxy_check'@'127.0.0.1' (using password: NO)\"",
      ),
    )
    .session({ port: 7001, accept: T0, tt: 4001, state: 'D-', server: 'replica1' })
    .nodeLost(T0 + 4001, 7001, 11)
    .mysqlError('replica2', T0 + 70_000, 0, 'Note', '/usr/sbin/mariadbd (initiated by: unknown): Normal shutdown')
    .haproxyLine(T0 + 72_500, down(T0 + 72_500, 'replica2', 'Layer4 connection problem, info: "Connection refused"'))
    .session({ port: 7002, accept: T0 + 60_000, tt: 12_500, state: 'D-', server: 'replica2' })
    .php2006(T0 + 80_000);
  const { appErrors } = inc.run();
  assert.equal(appErrors.length, 2);
  const node = appErrors.find((e) => (e.source as Doc | undefined)?.port === 7001)!;
  assert.equal(ga(node).cause, 'haproxy_server_down');
  const php = appErrors.find((e) => e !== node)!;
  assert.equal(ga(php).cause, 'mysql_shutdown');
  assert.equal(ga(php).terminated_by, 'mysql');
  assert.ok(hapDate(T0));
});
