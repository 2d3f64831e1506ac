// Unit tests of the lab's ground-truth model + validation (truth.ts) and of the correlate scorer (score.ts).
// Synthetic bookkeeping only: no component is needed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { computeTruth } from './lib/truth.js';
import { scoreScenario, totals, verdict, type CorrelateEvent } from './lib/score.js';
import type { AppErrorRecord, AppKind, ConnRecord, GroundTruth, JournalEntry, OpRecord } from './lib/types.js';

const T0 = 1_800_000_000_000;
const hp = (over: Partial<Extract<JournalEntry, { kind: 'haproxy_start' }>> = {}): JournalEntry => ({
  t: T0 - 5000,
  kind: 'haproxy_start',
  pid: 100,
  timeout_client_ms: 3000,
  timeout_server_ms: 30000,
  on_marked_down: false,
  hard_stop_after_ms: null,
  frontends: [],
  ...over,
});

function conn(
  lane: string,
  app: AppKind,
  ops: Array<Partial<OpRecord> & { op: OpRecord['op']; t0: number }>,
  over: Partial<ConnRecord> = {},
): ConnRecord {
  const full: OpRecord[] = ops.map((o) => ({ t1: o.t0 + 2, ok: true, ...o }));
  return {
    key: `${lane}#1`,
    lane,
    app,
    seq: 1,
    frontend_port: 33306,
    local_port: 40000,
    thread_id: 7,
    instance: 'replica1',
    mysql_port: 33312,
    backend_port: 50000,
    opened_ms: full[0]!.t0,
    ops: full,
    ...over,
  };
}
function err(c: ConnRecord, t: number, offset = 0): AppErrorRecord {
  return {
    lane: c.lane,
    app: c.app,
    file: `app-${c.app}.log`,
    offset,
    length: 100,
    code: '2006',
    message: 'gone away',
    t_ms: t,
    sql: 'select 1',
    conn_key: c.key,
  };
}

test('idle gap longer than timeout client: the next-use error is haproxy_timeout_client, timed at last activity + timeout', () => {
  const c = conn('php-1', 'php', [
    { op: 'connect', t0: T0 },
    { op: 'query', t0: T0 + 10 },
    { op: 'query', t0: T0 + 4500, ok: false },
    { op: 'close', t0: T0 + 4600 },
  ]);
  const r = computeTruth([c], [err(c, T0 + 4502)], [hp()]);
  assert.deepEqual(r.problems, []);
  assert.equal(r.app_errors.length, 1);
  assert.equal(r.app_errors[0]!.cause, 'haproxy_timeout_client');
  assert.equal(r.app_errors[0]!.terminated_by, 'haproxy');
  assert.equal(r.app_errors[0]!.closed_at_ms, T0 + 12 + 3000);
  assert.equal(r.app_errors[0]!.client_local_port, 40000);
});

test('an error on a connection nothing closed is reported as unexplained', () => {
  const c = conn('py-1', 'python', [
    { op: 'connect', t0: T0 },
    { op: 'query', t0: T0 + 1000, ok: false },
    { op: 'close', t0: T0 + 1100 },
  ]);
  const r = computeTruth([c], [err(c, T0 + 1001)], [hp()]);
  assert.equal(r.app_errors.length, 0);
  assert.match(r.problems.join('\n'), /unexplained/);
});

test('two causes within the near-tie window make the closure ambiguous', () => {
  const c = conn('php-1', 'php', [
    { op: 'connect', t0: T0 },
    { op: 'query', t0: T0 + 4500, ok: false },
    { op: 'close', t0: T0 + 4600 },
  ]);
  const kill: JournalEntry = {
    t: T0 + 3000,
    kind: 'mysql_kill',
    instance: 'replica1',
    thread_id: 7,
    t_done: T0 + 3003,
    target: c.key,
    running_query: false,
  };
  const r = computeTruth([c], [err(c, T0 + 4501)], [hp(), kill]);
  assert.match(r.problems.join('\n'), /ambiguous/);
});

test('a restart victim later cut by on-marked-down is attributed to the true initiator, mysql_shutdown (docs/lab-findings.md §3, scenario 06c)', () => {
  const c = conn('php-2', 'php', [
    { op: 'connect', t0: T0 },
    { op: 'query', t0: T0 + 8000, ok: false },
    { op: 'close', t0: T0 + 8100 },
  ]);
  const j: JournalEntry[] = [
    hp({ on_marked_down: true, timeout_client_ms: 60000 }),
    { t: T0 + 2000, kind: 'mysql_shutdown', instance: 'replica1', pid: 5 },
    { t: T0 + 4500, kind: 'server_state', pid: 100, server: 'replica1', state: 'DOWN' },
  ];
  const r = computeTruth([c], [err(c, T0 + 8001)], j);
  assert.deepEqual(r.problems, []);
  assert.equal(r.app_errors[0]!.cause, 'mysql_shutdown');
  assert.equal(r.app_errors[0]!.terminated_by, 'mysql');
});

test('a DOWN without on-marked-down closes nothing', () => {
  const c = conn('php-2', 'php', [
    { op: 'connect', t0: T0 },
    { op: 'query', t0: T0 + 2000 },
    { op: 'close', t0: T0 + 2100 },
  ]);
  const j: JournalEntry[] = [
    hp({ timeout_client_ms: 60000 }),
    { t: T0 + 1000, kind: 'server_state', pid: 100, server: 'replica1', state: 'DOWN' },
  ];
  const r = computeTruth([c], [], j);
  assert.deepEqual(r.problems, []);
  assert.equal(r.silent_closures.length, 0);
});

test('closed by a timeout, then closed by the app without reuse: a silent closure, no error expected', () => {
  const c = conn('py-3', 'python', [
    { op: 'connect', t0: T0 },
    { op: 'close', t0: T0 + 4500 },
  ]);
  const r = computeTruth([c], [], [hp()]);
  assert.deepEqual(r.problems, []);
  assert.equal(r.silent_closures.length, 1);
  assert.equal(r.silent_closures[0]!.cause, 'haproxy_timeout_client');
});

test('a Node connection closed long before its end must have logged the closure', () => {
  const c = conn('node-1', 'node', [
    { op: 'connect', t0: T0 },
    { op: 'close', t0: T0 + 9000 },
  ]);
  const r = computeTruth([c], [], [hp()]);
  assert.match(r.problems.join('\n'), /mysql2 reads its socket/);
});

test('an error logged well before the modelled closure is flagged', () => {
  const c = conn('node-1', 'node', [
    { op: 'connect', t0: T0 },
    { op: 'close', t0: T0 + 9000 },
  ]);
  const r = computeTruth([c], [err(c, T0 + 1000)], [hp()]);
  assert.match(r.problems.join('\n'), /before its closure/);
});

test('a query that succeeds after the modelled closure is flagged', () => {
  const c = conn('php-1', 'php', [
    { op: 'connect', t0: T0 },
    { op: 'query', t0: T0 + 5000 },
    { op: 'close', t0: T0 + 5100 },
  ]);
  const r = computeTruth([c], [], [hp()]);
  assert.match(r.problems.join('\n'), /succeeded although/);
});

test('session wait_timeout overrides the global one; an oversized statement is mysql_max_allowed_packet', () => {
  const a = conn('py-1', 'python', [
    { op: 'connect', t0: T0 },
    { op: 'query', t0: T0 + 10, sql: 'set session wait_timeout = 2' },
    { op: 'query', t0: T0 + 3000, ok: false },
    { op: 'close', t0: T0 + 3100 },
  ]);
  const b = conn(
    'php-1',
    'php',
    [
      { op: 'connect', t0: T0 },
      { op: 'big', t0: T0 + 100, bytes: 65536, ok: false },
      { op: 'close', t0: T0 + 200 },
    ],
    { key: 'php-1#1', thread_id: 8 },
  );
  const j: JournalEntry[] = [
    hp({ timeout_client_ms: 60000 }),
    { t: T0 - 100, kind: 'mysql_set_global', instance: 'replica1', variable: 'max_allowed_packet', value: 16384 },
  ];
  const r = computeTruth([a, b], [err(a, T0 + 3001), err(b, T0 + 101, 500)], j);
  assert.deepEqual(r.problems, []);
  assert.deepEqual(r.app_errors.map((e) => e.cause).sort(), ['mysql_max_allowed_packet', 'mysql_wait_timeout']);
});

test('a targeted injection that hits no live connection is flagged', () => {
  const c = conn('php-1', 'php', [
    { op: 'connect', t0: T0 },
    { op: 'close', t0: T0 + 100 },
  ]);
  const r = computeTruth(
    [c],
    [],
    [
      hp(),
      {
        t: T0 + 1000,
        kind: 'mysql_kill',
        instance: 'replica1',
        thread_id: 7,
        t_done: T0 + 1001,
        target: c.key,
        running_query: false,
      },
    ],
  );
  assert.match(r.problems.join('\n'), /closed no live connection/);
});

test('scorer: matches by file path + offset, checks cause/terminator/Node port and flags invented errors', () => {
  const c = conn('node-1', 'node', [
    { op: 'connect', t0: T0 },
    { op: 'close', t0: T0 + 4000 },
  ]);
  const r = computeTruth([c], [err(c, T0 + 3010)], [hp()]);
  const gt = {
    scenario: 's',
    servers: {},
    app_errors: r.app_errors,
    silent_closures: [],
    journal: [],
    connections: [],
    validation: { problems: [] },
  } as GroundTruth;
  const good: CorrelateEvent = {
    goneaway: { kind: 'app_error', cause: 'haproxy_timeout_client', terminated_by: 'haproxy' },
    log: { file: { path: '/lab/s/app-node.log' }, offset: 0 },
    source: { port: 40000 },
  };
  const ok = scoreScenario(gt, [good], '/lab/s');
  assert.deepEqual(verdict(totals([ok])), []);
  const wrongPort = scoreScenario(gt, [{ ...good, source: { port: 1 } }], '/lab/s');
  assert.equal(verdict(totals([wrongPort])).length, 1);
  const invented = scoreScenario(
    gt,
    [good, { ...good, log: { file: { path: '/lab/s/app-php.log' }, offset: 9 } }],
    '/lab/s',
  );
  assert.equal(invented.extra.length, 1);
  const missing = scoreScenario(gt, [], '/lab/s');
  assert.match(verdict(totals([missing])).join(), /not reported/);
});

test('timeouts and admin kills follow the frontend/backend pair the connection came through', () => {
  const frontends = [
    {
      port: 33306,
      frontend: 'mysql_ro',
      backend: 'mariadb_replicas',
      timeout_client_ms: 6000,
      timeout_server_ms: 30000,
    },
    {
      port: 33308,
      frontend: 'mysql_reports',
      backend: 'mariadb_reports',
      timeout_client_ms: 30000,
      timeout_server_ms: 8000,
    },
  ];
  const report = conn(
    'php-3',
    'php',
    [
      { op: 'connect', t0: T0 },
      { op: 'query', t0: T0 + 100, t1: T0 + 8100, sleep_ms: 9000, ok: false },
      { op: 'close', t0: T0 + 8200 },
    ],
    { frontend_port: 33308 },
  );
  const web = conn(
    'php-1',
    'php',
    [
      { op: 'connect', t0: T0 },
      { op: 'query', t0: T0 + 1000 },
      { op: 'query', t0: T0 + 9000, ok: false },
      { op: 'close', t0: T0 + 9100 },
    ],
    { key: 'php-1#1', thread_id: 9 },
  );
  const other = conn(
    'py-1',
    'python',
    [
      { op: 'connect', t0: T0 },
      { op: 'query', t0: T0 + 3000 },
      { op: 'close', t0: T0 + 3100 },
    ],
    { key: 'py-1#1', thread_id: 10, frontend_port: 33308 },
  );
  const j: JournalEntry[] = [
    hp({ timeout_client_ms: 6000, frontends }),
    {
      t: T0 + 2000,
      kind: 'haproxy_shutdown_sessions_server',
      pid: 100,
      backend: 'mariadb_replicas',
      server: 'replica1',
    },
  ];
  const r = computeTruth([report, web, other], [err(report, T0 + 8101), err(web, T0 + 9001, 300)], j);
  assert.deepEqual(r.problems, []);
  assert.deepEqual(r.app_errors.map((e) => `${e.lane}:${e.cause}`).sort(), [
    'php-1:haproxy_admin_kill',
    'php-3:haproxy_timeout_server',
  ]);
  assert.equal(
    r.silent_closures.length,
    0,
    'the reports backend session survives a shutdown of mariadb_replicas/replica1',
  );
});

test('a closure estimated in the same millisecond as the failed reply and the close still explains the error', () => {
  const c = conn('php-2', 'php', [
    { op: 'connect', t0: T0 },
    { op: 'query', t0: T0 + 10 },
    { op: 'query', t0: T0 + 500, t1: T0 + 3500, sleep_ms: 5000, ok: false },
    { op: 'close', t0: T0 + 3500 },
  ]);
  const r = computeTruth([c], [err(c, T0 + 3500)], [hp({ timeout_client_ms: 30000, timeout_server_ms: 3000 })]);
  assert.deepEqual(r.problems, []);
  assert.equal(r.app_errors[0]!.cause, 'haproxy_timeout_server');
});
