import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Doc } from '../../parsers/types.js';
import { Incident, T0, ga } from './scenario.js';

// The classic "gone away": a queue worker idles for an hour, HAProxy's `timeout client` closed its
// connection long before, and the next job fails (PDO reports at next use, docs/lab-findings.md §2). The
// window is max_error_lag (15 min by default): beyond it the error is joined to the latest earlier
// abnormal closure that can be the app's, at a lower confidence, and that closure is then no longer
// reported as a silent one.
const S = T0 + 10_000;
const MIN = 60_000;
const join = (e: Doc) => ga(e).join as Doc;

test("an error an hour after the only abnormal close is that close's first use, at a lower confidence", () => {
  const inc = () =>
    new Incident()
      .session({ port: 40001, accept: S - MIN, tt: MIN, state: 'cD' })
      .session({ port: 40002, accept: S + 10 * MIN, tt: 100, state: '--' })
      .php2006(S + 35 * MIN)
      .session({ port: 40003, accept: S + 40 * MIN, tt: 100, state: '--' });
  const { appErrors, connections } = inc().run();
  assert.equal(appErrors.length, 1);
  const g = ga(appErrors[0]!);
  assert.equal(g.cause, 'haproxy_timeout_client');
  assert.equal(g.terminated_by, 'haproxy');
  assert.equal(join(appErrors[0]!).method, 'time_first_use');
  assert.equal((appErrors[0]!.source as Doc).port, 40001);
  assert.match(String(g.why), /35 min after this closure, beyond max_error_lag \(15 min\)/);
  assert.match(String(g.why), /--max-error-lag 1h/);
  // below 0.5, and no other candidate: the rival is a connection whose close is in no log (rival.ts)
  assert.ok(Number(g.confidence) < 0.5, `confidence ${String(g.confidence)}`);
  assert.match(
    String(g.why),
    /no other closure is a candidate: the competing explanation is the first use of a connection/,
  );
  assert.equal(connections.length, 0, "the closure is the error's, not a silent one as well");
  // the same error inside a wide enough window: the same verdict, surer
  const wide = inc().run({ maxLag: 60 * MIN }).appErrors[0]!;
  assert.equal(ga(wide).cause, 'haproxy_timeout_client');
  assert.ok(Number(g.confidence) < Number(ga(wide).confidence), `${g.confidence} < ${ga(wide).confidence}`);
  assert.ok(Number(g.confidence) > 0);
});

test("just past the lag, while the closure is still in the window's list, it is joined too", () => {
  const { appErrors, connections } = new Incident()
    .session({ port: 40001, accept: S - MIN, tt: MIN, state: 'sD' })
    .php2006(S + 16 * MIN)
    .session({ port: 40003, accept: S + 40 * MIN, tt: 100, state: '--' })
    .run();
  assert.equal(ga(appErrors[0]!).cause, 'haproxy_timeout_server');
  assert.match(String(ga(appErrors[0]!).why), /16 min after this closure/);
  assert.equal(connections.length, 0);
});

test('the newest earlier closure is taken, and closures that tell other stories lower the confidence', () => {
  const run = (otherState: string) =>
    new Incident()
      .session({ port: 40001, accept: S - 5 * MIN, tt: MIN, state: otherState })
      .session({ port: 40002, accept: S - MIN, tt: MIN, state: 'cD' })
      .php2006(S + 40 * MIN)
      .session({ port: 40003, accept: S + 45 * MIN, tt: 100, state: '--' })
      .run();
  const alike = run('cD');
  const unlike = run('SD');
  assert.equal((alike.appErrors[0]!.source as Doc).port, 40002);
  assert.equal((unlike.appErrors[0]!.source as Doc).port, 40002);
  assert.equal(join(unlike.appErrors[0]!).candidates, 2);
  assert.match(String(ga(unlike.appErrors[0]!).why), /2 candidate closures, 1 alike/);
  assert.ok(Number(ga(unlike.appErrors[0]!).confidence) < Number(ga(alike.appErrors[0]!).confidence));
  // both below 0.5: each names the other closure, with the story it tells (rival.ts)
  const other = `replica1 session 127.0.0.1:40001 closed ${new Date(S - 4 * MIN).toISOString()}`;
  assert.ok(
    String(ga(unlike.appErrors[0]!).why).includes(`competing explanation: mysql_wait_timeout, 0.50 (${other})`),
  );
  assert.ok(
    String(ga(alike.appErrors[0]!).why).includes(`the competing closure: ${other} (0.50), which tells the same cause`),
  );
  // the other closure stays a silent one
  assert.equal(unlike.connections.length, 1);
  assert.equal((unlike.connections[0]!.source as Doc).port, 40001);
});

test('one old closure explains one late error: the second one takes the next closure or stays unknown', () => {
  const { appErrors, connections } = new Incident()
    .session({ port: 40001, accept: S - MIN, tt: MIN, state: 'cD' })
    .php2006(S + 35 * MIN)
    .php2006(S + 50 * MIN, 'select 2')
    .session({ port: 40003, accept: S + 60 * MIN, tt: 100, state: '--' })
    .run();
  assert.equal(appErrors.length, 2);
  assert.equal(ga(appErrors[0]!).cause, 'haproxy_timeout_client');
  assert.equal(ga(appErrors[1]!).cause, 'unknown');
  assert.equal(connections.length, 0);
});

test("a client-side abort or a failed connect is never a late error's closure", () => {
  const { appErrors } = new Incident()
    .session({ port: 40001, accept: S - MIN, tt: MIN, state: 'CD' })
    .session({ port: 40002, accept: S - MIN, tt: 5, state: 'SC' })
    .php2006(S + 35 * MIN)
    .session({ port: 40003, accept: S + 40 * MIN, tt: 100, state: '--' })
    .run();
  assert.equal(ga(appErrors[0]!).cause, 'unknown');
  assert.equal(join(appErrors[0]!).method, 'none');
});

test('an error with its own local port is never joined to an old closure (ports are reused)', () => {
  const { appErrors, connections } = new Incident()
    .session({ port: 40009, accept: S - MIN, tt: MIN, state: 'cD' })
    .nodeLost(S + 35 * MIN, 40009, 12)
    .session({ port: 40003, accept: S + 40 * MIN, tt: 100, state: '--' })
    .run();
  assert.equal(ga(appErrors[0]!).cause, 'unknown');
  assert.equal(connections.length, 1, 'the old closure stays a silent one');
});

test("the app's client addresses keep other hosts' old closures out", () => {
  const { appErrors } = new Incident()
    .session({ port: 40001, accept: S - MIN, tt: MIN, state: 'cD', ip: '10.0.0.9' })
    .php2006(S + 35 * MIN)
    .session({ port: 40003, accept: S + 40 * MIN, tt: 100, state: '--' })
    .run({ phpClients: ['10.0.0.5'] });
  assert.equal(ga(appErrors[0]!).cause, 'unknown');
});
