/**
 * The statement an app logged with its error (Laravel's `(SQL: …)`, a Python traceback's query) against the last
 * statement of a candidate closure's MySQL thread (general log): where the app met the closure while its query
 * ran, the server logged that query, so a match raises the closure and a mismatch lowers it; where it met a dead
 * connection (a `--` close logged when its write reached it) the server never saw the statement, and an unknown
 * side says nothing (likelihood.ts `statementFactor`, docs/confidence.md "The statement the app logged").
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Incident, T0, ga } from './scenario.js';
import type { Doc } from '../../parsers/types.js';
import { STATEMENT_MISMATCH, timeLikelihood, type ClosureFacts } from '../../src/correlate/likelihood.js';

const err = { t: T0 + 30_000, res: 1000 };
const model = { skew: 2000, maxLag: 900_000 };
const flatLag = (from: number, to: number) => (to - from) / 900_000;
// HAProxy's `timeout server` while the app waited on its query (timeout server > timeout client): met at the close
const sD: ClosureFacts = {
  end: T0 + 30_400,
  at: T0 + 30_400,
  state: 'sD',
  cause: 'haproxy_timeout_server',
  serverOutlastsClient: true,
};

test('statement key: a match raises a closure met while its query ran by 1/chance, a mismatch lowers it', () => {
  const none = timeLikelihood(err, sD, model, flatLag);
  const same = timeLikelihood(err, { ...sD, statement: 'same', statementChance: 0.25 }, model, flatLag);
  const other = timeLikelihood(err, { ...sD, statement: 'other', statementChance: 0.25 }, model, flatLag);
  assert.ok(none > 0);
  assert.ok(Math.abs(same / none - 4) < 1e-9, `${same / none}`);
  assert.ok(Math.abs(other / none - STATEMENT_MISMATCH) < 1e-9, `${other / none}`);
  // a statement every candidate ran says nothing
  const common = timeLikelihood(err, { ...sD, statement: 'same', statementChance: 1 }, model, flatLag);
  assert.ok(Math.abs(common - none) < 1e-12);
});

test('statement key: no information where the server never saw the app`s statement, or either side is unknown', () => {
  // a `--` victim: HAProxy logged the close when the app's write reached the dead session
  const halfOpen: ClosureFacts = { end: T0 + 30_400, at: T0 + 20_000, state: '--', cause: 'mysql_kill' };
  // idle closes: the app met them at its next use
  const idle: ClosureFacts = { end: T0 + 10_000, at: T0 + 10_000, state: 'cD', cause: 'haproxy_timeout_client' };
  for (const c of [halfOpen, idle]) {
    const none = timeLikelihood(err, c, model, flatLag);
    for (const statement of ['same', 'other'] as const)
      assert.equal(timeLikelihood(err, { ...c, statement, statementChance: 0.25 }, model, flatLag), none);
  }
});

// Two PHP workers wait on report queries on replica1; HAProxy's `timeout server` fires on both in the same second.
// One worker logs its 2006. Time cannot tell the two closures apart; the statement it logged is one thread's last.
function twoReportQueries(): Incident {
  return new Incident()
    .connect('replica1', T0 + 5, 12)
    .gen('replica1', T0 + 100, 12, 'Query', "select sum(total) from orders where created_at >= '2026-11-01'")
    .connect('replica1', T0 + 1005, 13)
    .gen('replica1', T0 + 1100, 13, 'Query', 'select sleep(45) as report_wait')
    .session({ port: 43001, accept: T0, tt: 30_100, state: 'sD' })
    .session({ port: 43002, accept: T0 + 1000, tt: 29_150, state: 'sD' });
}

test('statement key: the closure whose thread ran the statement the app logged is the one it met', () => {
  for (const [sql, port] of [
    ['select sleep(50) as report_wait', 43002],
    ["select sum(total) from orders where created_at >= '2026-12-01'", 43001],
  ] as const) {
    const { appErrors } = twoReportQueries()
      .php2006(T0 + 30_000, sql)
      .run();
    assert.equal(appErrors.length, 1);
    assert.equal(ga(appErrors[0]!).cause, 'haproxy_timeout_server');
    assert.equal((appErrors[0]!.source as Doc).port, port, sql);
  }
});
