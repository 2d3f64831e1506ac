import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Incident, T0, ga } from './scenario.js';
import type { Doc } from '../../parsers/types.js';
import type { VerdictEvent } from '../../src/correlate/event.js';
import { newStats } from '../../src/correlate/engine.js';
import { summarize } from '../../src/sinks/summary.js';
import { renderTable } from '../../src/sinks/report-table.js';
import { renderHtml } from '../../src/sinks/report-html.js';
import { validateConfig } from '../../src/config/schema.js';
import { appSpecOf } from '../../src/config/app-spec.js';

const LOST_PY = "pymysql.err.OperationalError: (2013, 'Lost connection to MySQL server during query')";

// Two apps on one client address (one host, or one NAT), each with one idle connection on replica1.
// PHP logs in as `shop`, the Python worker as `reporter` (general log Connect lines). HAProxy's
// `timeout client` closes PHP's connection (cD, "Got an error reading" on the server); MariaDB's
// wait_timeout closes Python's (SD + "Got timeout reading communication packets", docs/lab-findings.md
// §2), both at 20.000. Both apps fail at their next use, in the same second: time cannot tell which closure is
// whose (the same lag from each), the MySQL users can.
function twoAppsOneAddress(): Incident {
  return new Incident()
    .connect('replica1', T0 + 5, 12, 'shop')
    .connect('replica1', T0 + 6, 13, 'reporter')
    .gen('replica1', T0 + 50, 12, 'Query', 'select 1')
    .gen('replica1', T0 + 60, 13, 'Query', 'select 2')
    .session({ port: 43001, accept: T0, tt: 20_000, state: 'cD' })
    .session({ port: 43002, accept: T0 + 1, tt: 19_999, state: 'SD' })
    .aborted('replica1', T0 + 20_000, 12, 'Got an error reading communication packets')
    .aborted('replica1', T0 + 20_000, 13, 'Got timeout reading communication packets')
    .php2006(T0 + 22_000)
    .python(T0 + 22_400, 'py-1', LOST_PY);
}

const byFile = (events: Doc[], name: string): Doc =>
  events.find((e) => String(((e.log as Doc).file as Doc).path).endsWith(name))!;

test('two apps on one address fail in the same second: the MySQL users pair each error with its own closure', () => {
  const { appErrors } = twoAppsOneAddress().run({
    users: { 'app-php.log': ['shop'], 'app-python.log': ['reporter'] },
  });
  assert.equal(appErrors.length, 2);
  const php = byFile(appErrors, 'app-php.log');
  const py = byFile(appErrors, 'app-python.log');
  assert.equal(ga(php).cause, 'haproxy_timeout_client');
  assert.equal((php.source as Doc).port, 43001);
  assert.equal(ga(py).cause, 'mysql_wait_timeout');
  assert.equal((py.source as Doc).port, 43002);
  // the other user's closure is ruled out: each story is the only one left
  assert.ok(Number(ga(php).confidence) > 0.5, `php confidence ${String(ga(php).confidence)}`);
  assert.ok(Number(ga(py).confidence) > 0.5, `python confidence ${String(ga(py).confidence)}`);
});

test('where the logs cannot tell two closures apart, both verdicts say so: confidence ≤ 0.5, the rival named', () => {
  // the same logs without the users: whichever error is decided first, neither closure is likelier
  const { appErrors } = twoAppsOneAddress().run();
  assert.equal(appErrors.length, 2);
  const causes = new Set(appErrors.map((e) => ga(e).cause));
  // never both on one closure
  assert.equal(new Set(appErrors.map((e) => (e.source as Doc).port)).size, 2);
  assert.deepEqual([...causes].sort(), ['haproxy_timeout_client', 'mysql_wait_timeout']);
  for (const e of appErrors) {
    assert.ok(Number(ga(e).confidence) <= 0.5, `confidence ${String(ga(e).confidence)} for ${String(ga(e).cause)}`);
    const other = ga(e).cause === 'mysql_wait_timeout' ? 'haproxy_timeout_client' : 'mysql_wait_timeout';
    assert.match(String(ga(e).why), new RegExp(`competing explanation: ${other}`));
    // and the closure that tells it, the one this error did not take (rival.ts)
    const otherPort = (e.source as Doc).port === 43001 ? 43002 : 43001;
    assert.match(
      String(ga(e).why),
      new RegExp(`${other}, 0\\.\\d\\d \\(replica1 session 127\\.0\\.0\\.1:${otherPort} closed `),
    );
  }
});

// One PHP worker pool fails twice in the same second, on two connections closed for different reasons:
// a DBA's KILL of thread 12 (general log `KILL 12`), logged by HAProxy as `--` when the app's write
// reached the half-open session (docs/lab-findings.md §3, scenario 04), and HAProxy's `timeout client`
// on the other connection (thread 14) 5 s earlier (cD: closed while idle, so it is met at its next use).
function killAndTimeoutClient(): Incident {
  return new Incident()
    .connect('replica1', T0 + 5, 12)
    .gen('replica1', T0 + 50, 12, 'Query', 'select 1')
    .connect('replica1', T0 + 1005, 14)
    .gen('replica1', T0 + 1050, 14, 'Query', 'select 2')
    .connect('replica1', T0 + 20_000, 15, 'dba')
    .gen('replica1', T0 + 20_010, 15, 'Query', 'KILL 12')
    .gen('replica1', T0 + 20_020, 15, 'Quit', '')
    .session({ port: 43001, accept: T0, tt: 26_300, state: '--' })
    .session({ port: 43003, accept: T0 + 1000, tt: 20_000, state: 'cD' })
    .session({ port: 43010, accept: T0 + 19_990, tt: 40, state: '--' })
    .php2006(T0 + 26_000)
    .php2006(T0 + 26_000, 'select * from carts where id = 3');
}

// Issue 13 §3: the two errors are alike (one log, one whole second, statements neither thread ran), so which
// met the KILL's victim and which the timed-out connection is a coin flip. Both verdicts say so, each decided
// on its own closure, whichever is decided first. (The rules once read the `cD` closure, before the KILL's was
// taken, as the KILL's victim too — thread 12's KILL falls in the second before the `cD` end — so the error
// decided first saw two KILL victims and said `mysql_kill` 0.9.)
test('the same app failing twice in one second after a KILL and a timeout client: both causes, both ambiguous', () => {
  const { appErrors } = killAndTimeoutClient().run();
  assert.equal(appErrors.length, 2);
  const causes = appErrors.map((e) => ga(e).cause).sort();
  assert.deepEqual(causes, ['haproxy_timeout_client', 'mysql_kill']);
  const kill = appErrors.find((e) => ga(e).cause === 'mysql_kill')!;
  const timeout = appErrors.find((e) => ga(e).cause === 'haproxy_timeout_client')!;
  assert.equal((kill.source as Doc).port, 43001);
  assert.equal((timeout.source as Doc).port, 43003);
  for (const [e, rival] of [
    [kill, 'haproxy_timeout_client'],
    [timeout, 'mysql_kill'],
  ] as const) {
    assert.ok(Number(ga(e).confidence) <= 0.5, `${String(ga(e).cause)} confidence ${String(ga(e).confidence)}`);
    assert.match(String(ga(e).why), new RegExp(`competing explanation: ${rival}`));
  }
});

// The app's error is stamped with milliseconds (PyMySQL) and two closures fit it: one HAProxy logged in the
// error's own millisecond range, one 1.5 s after it, which fits only if the hosts' clocks differ by that much
// (inside clock_skew). NTP-synced hosts rarely do: the close in the error's instant is the likelier one.
test("a close in the error's own instant outweighs one that fits only through the clock-skew tolerance", () => {
  const { appErrors } = new Incident()
    .connect('replica1', T0 + 5, 12)
    .connect('replica1', T0 + 6, 13)
    .session({ port: 43001, accept: T0, tt: 30_002, state: 'sD' })
    .session({ port: 43002, accept: T0 + 1, tt: 31_499, state: 'sD' })
    .python(T0 + 30_004, 'py-1', LOST_PY)
    .run();
  assert.equal(appErrors.length, 1);
  const e = appErrors[0]!;
  assert.equal((e.source as Doc).port, 43001);
  assert.match(String(ga(e).why), /posterior/);
});

test('the table and HTML reports mark a verdict below 0.5 as ambiguous, and only those', () => {
  const guessed = twoAppsOneAddress().run().events as unknown as VerdictEvent[];
  const known = twoAppsOneAddress().run({ users: { 'app-php.log': ['shop'], 'app-python.log': ['reporter'] } })
    .events as unknown as VerdictEvent[];
  for (const [events, ambiguous] of [
    [guessed, 2],
    [known, 0],
  ] as const) {
    const summary = summarize(events, newStats());
    const table = renderTable(summary, events, false);
    assert.equal(table.match(/ {2}AMBIGUOUS$/gm)?.length ?? 0, ambiguous, table);
    const html = renderHtml(summary, events);
    assert.equal(html.match(/<span class="ambiguous"/g)?.length ?? 0, ambiguous);
  }
});

test('app.files[].mysql_user and frontends: a user or a list, read into the app spec; an empty one names the key and the fix', () => {
  const ok = validateConfig({
    app: {
      files: [
        { path: 'a.log', mysql_user: 'shop', frontends: ['mysql_ro'] },
        { path: 'b.log', mysql_user: ['x', 'y'] },
      ],
    },
  });
  assert.ok(ok.ok);
  if (!ok.ok) return;
  const [a, b] = ok.config.app.files.map(appSpecOf);
  assert.deepEqual(a!.mysqlUsers, ['shop']);
  assert.deepEqual(a!.frontends, ['mysql_ro']);
  assert.deepEqual(b!.mysqlUsers, ['x', 'y']);
  const bad = validateConfig({ app: { files: [{ path: 'a.log', mysql_user: '' }] } });
  assert.ok(!bad.ok);
  if (bad.ok) return;
  assert.ok(bad.problems.some((p) => p.key.startsWith('app.files[0].mysql_user') && /fix:/.test(p.message)));
});
