// Without an app log no error can claim a closure, so the window keeps a session only as long as its own
// verdict needs (window.ts shortHorizon, docs/correlator.md "What the window keeps"), not max_error_lag.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Incident, T0, ga, hapDate, syslogDate } from './scenario.js';
import { newStats } from '../../src/correlate/engine.js';
import { mergeSources } from '../../src/correlate/correlate-batch.js';
import { Correlator } from '../../src/correlate/correlator.js';
import { shortHorizon, EVICT_SHORT } from '../../src/correlate/window.js';

const cfg = { skew: 2000, maxLag: 900_000, settle: 5000 };
const MIN = 60_000;

/** an hour of clean closures on replica2, one a second from T0 + 20 s (they keep the log's clock going) */
function traffic(inc: Incident, seconds = 3600): Incident {
  for (let i = 20; i < seconds; i++)
    inc.session({ port: 20000 + i, accept: T0 + i * 1000, tt: 50, state: '--', server: 'replica2' });
  return inc;
}

/** the offset the window holds haproxy.log from, after every record up to the end was pushed */
function heldAfter(inc: Incident, appLogs: boolean): { held: number; recent: (age: number) => number } {
  const rs = [...mergeSources(inc.sources(), newStats())];
  const c = new Correlator({ ...cfg, appLogs }, newStats());
  for (const r of rs) c.push(r);
  const end = rs[rs.length - 1]!.time;
  c.advance(end);
  const ha = rs.filter((r) => r.kind === 'haproxy');
  return {
    held: c.heldPositions().get('incident/haproxy.log') ?? Infinity,
    // the offset of the first session that ended `age` ms before the end
    recent: (age) => ha.find((r) => r.time >= end - age)!.rec.offset,
  };
}

test('without app logs the window lets a session go once its own verdict is final, not after max_error_lag', () => {
  const inc = traffic(new Incident(), 1800);
  const short = heldAfter(inc, false);
  // the accept-second buckets (thread ranking) are kept twice as long as the sessions (Correlator.leave)
  const s = 2 * (shortHorizon(cfg) + EVICT_SHORT);
  assert.ok(short.held >= short.recent(s), `held from ${short.held}, sessions ${s} ms old start at ${short.recent(s)}`);
  // with app logs every session of the last max_error_lag may still be claimed by an error to come
  const full = heldAfter(inc, true);
  assert.ok(full.held <= full.recent(cfg.maxLag), `held from ${full.held}`);
});

/** a `--` session on replica1 open at a kill -9 found at the restart 5 minutes later */
const crashed = (inc: Incident): Incident =>
  inc
    .connect('replica1', T0 + 5, 12)
    .gen('replica1', T0 + 2000, 12, 'Query', 'select 1')
    .session({ port: 43002, accept: T0, tt: 16000, state: '--' })
    // replica1 wrote nothing more until its restart, 5 minutes later: the crash is placed after its last line
    .mysqlError('replica1', T0 + 5 * MIN, 0, 'Note', 'InnoDB: Starting crash recovery from checkpoint LSN=842419');

test('kill -9 found at a restart minutes later still explains the `--` sessions open at the crash, without app logs', () => {
  const inc = () => traffic(crashed(new Incident()), 600);
  const causeOf = (appLogs: boolean) =>
    inc()
      .run({ appLogs })
      .connections.filter((c) => (c.source as { port?: number }).port === 43002)
      .map((c) => ga(c).cause);
  assert.deepEqual(causeOf(true), ['mysql_crash'], 'with the whole window');
  // decided 20 s after its end the session would have had no evidence: the silent server keeps it
  assert.deepEqual(causeOf(false), ['mysql_crash'], 'with the short window');
});

test('an app record pushed into a window told there are no app logs is refused', () => {
  const inc = new Incident().session({ port: 43010, accept: T0, tt: 100, state: '--' }).php2006(T0 + 200);
  assert.throws(() => inc.run({ appLogs: false }), /appLogs: false/);
});

/** the events of `inc` pushed into one Correlator without app logs, and how many `--` closes it did not store */
function runWithout(inc: Incident, mysqlServers?: ReadonlySet<string>): { events: string[]; unstored: number } {
  const c = new Correlator({ ...cfg, appLogs: false, mysqlServers }, newStats());
  const events: string[] = [];
  for (const r of mergeSources(inc.sources(), newStats())) {
    c.push(r);
    for (const e of c.advance(r.time)) events.push(JSON.stringify(e));
  }
  for (const e of c.finishing()) events.push(JSON.stringify(e));
  return { events, unstored: c.unstored };
}

test('without app logs a `--` close on a server with no MySQL log is not stored, and the events are unchanged', () => {
  const down =
    'Server mariadb_replicas/replica2 is DOWN, reason: Layer4 connection problem, info: "Connection refused", check duration: 0ms. 1 active and 0 backup servers left. 2 sessions active, 0 requeued, 0 remaining in queue.';
  const inc = () =>
    traffic(
      // replica1 has its logs: its `--` close open at the crash is explained and must stay stored
      crashed(new Incident())
        // replica2 has none: a DOWN right after its `--` closes (the gate of rules.ts mayBeServerClosed) and an
        // abnormal close, which is stored whatever its server
        .session({ port: 43003, accept: T0 + 30_000, tt: 900, state: '--', server: 'replica2' })
        .haproxyLine(T0 + 32_000, down)
        .session({ port: 43004, accept: T0 + 31_000, tt: 1500, state: 'SD', server: 'replica2' }),
      600,
    );
  const kept = runWithout(inc());
  const lean = runWithout(inc(), new Set(['replica1']));
  assert.equal(kept.unstored, 0, 'no server list: every session stored');
  // the hourly traffic (580 closes) and 43003 are on replica2; 43002 on replica1 stays
  assert.equal(lean.unstored, 581);
  assert.deepEqual(lean.events, kept.events);
  const causes = new Map(
    lean.events.map((e) => {
      const d = JSON.parse(e) as { source: { port: number }; goneaway: { cause: string } };
      return [d.source.port, d.goneaway.cause];
    }),
  );
  assert.equal(causes.get(43002), 'mysql_crash', 'the replica1 close is still decided');
  assert.ok(causes.has(43004), 'the abnormal close on replica2 is still reported');
  assert.ok(!causes.has(43003), 'nothing can explain the `--` close on replica2');
});

test('an abnormal close kept outside the table reads its line as the table gives it back, cut inside a surrogate pair', () => {
  // a tcplog line with a long capture after its queues: the store keeps 2000 characters of it, and the
  // 2000th is the first half of an emoji; the table keeps lines as UTF-8, which has no half characters
  const payload = `10.0.2.9:43005 [${hapDate(T0 + 40_000)}] mysql_ro mariadb_replicas/replica2 1/0/900 710 cD 8/8/7/4/0 0/0 `;
  const inc = () => {
    const i = traffic(new Incident(), 120);
    // the line up to the capture's `{`: its syslog envelope (scenario.ts haproxyLine) and the payload
    const head = `${syslogDate(T0 + 40_900)} db-lb-01 haproxy[3968]: ${payload}{`.length;
    return i.haproxyLine(T0 + 40_900, payload + '{' + 'y'.repeat(1999 - head) + '\u{1F600}}');
  };
  const kept = runWithout(inc());
  const lean = runWithout(inc(), new Set(['replica1']));
  assert.ok(lean.unstored > 0);
  assert.deepEqual(lean.events, kept.events);
  const line = lean.events
    .map((e) => JSON.parse(e) as { event: { original: string } })
    .find((e) => e.event.original.includes('43005'));
  assert.ok(line?.event.original.endsWith('\uFFFD…'), `the line is cut: …${line?.event.original.slice(-8)}`);
});
