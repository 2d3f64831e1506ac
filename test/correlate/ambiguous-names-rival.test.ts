/**
 * Every verdict below 0.5 (`AMBIGUOUS_BELOW`) names the competing explanation: the likeliest other cause and
 * the closure that tells it (server, HAProxy's client address and port, the time of the close), so a reader can
 * open that line and judge (issue 13 §3, docs/confidence.md "What an ambiguous verdict says").
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Incident, T0, ga } from './scenario.js';
import type { Doc } from '../../parsers/types.js';

const LOST_PY = "pymysql.err.OperationalError: (2013, 'Lost connection to MySQL server during query')";
const iso = (t: number) => new Date(t).toISOString();

// examples/lab/13_mixed at 23:44:30 (a kill -9 of replica2): a PyMySQL 2013 at .811, HAProxy's `--` close of
// the worker's session at .810 (the app's write reached the half-open session), the crash seen only 1.2 s
// after the error, by HAProxy's Layer4 DOWN (the restart's recovery comes later). That is beyond the default 1 s
// clock skew, so the time model has no first cause in the error's instant and the matcher's fallback decides
// among the normal-looking closes at the error: here a second one, on `rivalServer`.
function crashAndUnexplainedClose(rivalServer: string | undefined): Incident {
  const i = new Incident()
    .connect('replica2', T0 + 30_000, 126)
    .gen('replica2', T0 + 30_000, 126, 'Query', 'select id from products where id = 107')
    .haproxyLine(
      T0 + 32_000,
      'Server mariadb_replicas/replica2 is DOWN, reason: Layer4 connection problem, info: "Connection refused", check duration: 0ms. 1 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.',
    )
    .mysqlError('replica2', T0 - 60_000, 0, 'Note', '/usr/sbin/mariadbd: ready for connections.')
    .session({ port: 42448, accept: T0 + 30_207, tt: 603, state: '--', server: 'replica2' });
  if (rivalServer) i.session({ port: 50910, accept: T0 + 25_998, tt: 5008, state: '--', server: rivalServer });
  return i.python(T0 + 30_811, 'py-1', LOST_PY);
}

test("the matcher's fallback between equally likely closes names the rival's cause and closure", () => {
  const e = crashAndUnexplainedClose('replica1').run({ skew: 1000 }).appErrors[0]!;
  const g = ga(e);
  assert.equal(g.cause, 'mysql_crash');
  assert.deepEqual(g.join, { method: 'time_at_error', candidates: 2 });
  assert.ok(Number(g.confidence) < 0.5, `confidence ${String(g.confidence)}`);
  assert.match(String(g.why), /none more likely/);
  // the other close tells no cause (no replica1 line explains it): that is the competing explanation
  assert.ok(
    String(g.why).includes(
      `the competing explanation: unknown, 0.50 (replica1 session 127.0.0.1:50910 closed ${iso(T0 + 31_006)})`,
    ),
    String(g.why),
  );
  assert.equal((e.source as Doc).port, 42448);
});

test('when the other candidate tells the same cause, why names that closure: the doubt is the closure', () => {
  const g = ga(crashAndUnexplainedClose('replica2').run({ skew: 1000 }).appErrors[0]!);
  assert.equal(g.cause, 'mysql_crash');
  assert.ok(
    String(g.why).includes(`the competing closure: replica2 session 127.0.0.1:50910 closed ${iso(T0 + 31_006)}`),
    String(g.why),
  );
});

// the same incident with one close, with two that tell the crash, and with two of which one tells no cause: the
// confidence is the probability that the cause is right, so a second closure that tells the same cause leaves it
// as sure as one alone (examples/lab/13_mixed `app-python.log` offset 18440 was 0.43 for two crash closures), and
// one that tells another story halves it (docs/confidence.md, "What an ambiguous verdict says")
test("the matcher's fallback is as sure of a cause as the share of its equally likely closures that tell it", () => {
  const alone = ga(crashAndUnexplainedClose(undefined).run({ skew: 1000 }).appErrors[0]!);
  const agree = ga(crashAndUnexplainedClose('replica2').run({ skew: 1000 }).appErrors[0]!);
  const split = ga(crashAndUnexplainedClose('replica1').run({ skew: 1000 }).appErrors[0]!);
  for (const g of [alone, agree, split]) assert.equal(g.cause, 'mysql_crash');
  assert.deepEqual(alone.join, { method: 'time_at_error', candidates: 1 });
  assert.deepEqual(agree.join, { method: 'time_at_error', candidates: 2 });
  assert.ok(Number(alone.confidence) > 0.5, `confidence alone ${String(alone.confidence)}`);
  assert.equal(agree.confidence, alone.confidence);
  assert.equal(split.confidence, Math.round(Number(alone.confidence) * 50) / 100);
});
