import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMetrics } from '../../src/agent/metrics.js';
import { judgeHealth, parseListen, startHttp } from '../../src/agent/http.js';
import { agentSchema } from '../../src/config/schema.js';

test('/metrics serves the agent metrics by their documented names; /healthz says 503 and why when stale', async () => {
  const m = createMetrics(false);
  m.linesRead.inc({ input: '/var/log/haproxy.log' }, 3);
  m.verdicts.inc({ cause: 'mysql_wait_timeout', kind: 'app_error' });
  let lastRead = Date.now();
  const server = await startHttp({ host: '127.0.0.1', port: 0 }, m, {
    lastRead: () => lastRead,
    lastAck: () => 0,
    pending: () => 0,
    spooled: () => 0,
  });
  const port = (server.address() as { port: number }).port;
  try {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    for (const name of [
      'goneaway_lines_read_total{input="/var/log/haproxy.log"} 3',
      'goneaway_verdicts_total{cause="mysql_wait_timeout",kind="app_error"} 1',
      'goneaway_spool_bytes',
      'goneaway_watermark_seconds',
      'goneaway_bulk_items_total',
      'goneaway_checkpoint_lag_bytes',
      'goneaway_parse_failures_total',
      'goneaway_records_read_total',
    ])
      assert.ok(text.includes(name), `missing ${name}`);
    assert.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 200);
    lastRead = Date.now() - 10 * 60_000;
    const res = await fetch(`http://127.0.0.1:${port}/healthz`);
    assert.equal(res.status, 503);
    assert.match(JSON.stringify(await res.json()), /inputs not read/);
  } finally {
    server.close();
  }
});

test('health: documents waiting or spooled without a recent acknowledgement are unhealthy; nothing waiting is fine', () => {
  const now = 1_000_000;
  const state = (lastAck: number, pending: number, spooled: number) => ({
    lastRead: () => now,
    lastAck: () => lastAck,
    pending: () => pending,
    spooled: () => spooled,
  });
  assert.equal(judgeHealth(state(0, 0, 0), now, 60_000).ok, true);
  const v = judgeHealth(state(now - 120_000, 7, 0), now, 60_000);
  assert.equal(v.ok, false);
  assert.match(v.reasons[0]!, /7 documents waiting/);
  // the spool acknowledged everything (nothing pending), but the output took nothing for two minutes
  const s = judgeHealth(state(now - 120_000, 0, 4096), now, 60_000);
  assert.equal(s.ok, false);
  assert.match(s.reasons[0]!, /4096 bytes in the spool, nothing acknowledged by the output for 120 s/);
  // draining: the output acknowledged a segment just now, the rest may wait
  assert.equal(judgeHealth(state(now - 1000, 0, 4096), now, 60_000).ok, true);
});

test('agent.http listen addresses: host:port, :port, [v6]:port; a bad one is undefined', () => {
  assert.deepEqual(parseListen('127.0.0.1:9477'), { host: '127.0.0.1', port: 9477 });
  assert.deepEqual(parseListen(':9477'), { host: '0.0.0.0', port: 9477 });
  assert.deepEqual(parseListen('[::1]:9477'), { host: '::1', port: 9477 });
  assert.equal(parseListen('9477'), undefined);
  assert.equal(parseListen('host:99999'), undefined);
});

test('agent.health_stale_after sets how long /healthz waits before it says the inputs are not read', async () => {
  const { health_stale_after: configured } = agentSchema.parse({ health_stale_after: '5s' });
  assert.equal(agentSchema.parse({}).health_stale_after, 60_000, 'the default is 60 s');
  assert.equal(agentSchema.safeParse({ health_stale_after: 'soon' }).success, false, 'a value that is no duration');
  const lastRead = Date.now() - 10_000;
  const state = { lastRead: () => lastRead, lastAck: () => 0, pending: () => 0, spooled: () => 0 };
  let stale = configured;
  const server = await startHttp({ host: '127.0.0.1', port: 0 }, createMetrics(false), state, () => stale);
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/healthz`;
  try {
    assert.equal((await fetch(url)).status, 503, 'read 10 s ago, stale after 5 s');
    stale = 60_000; // a SIGHUP with the default
    assert.equal((await fetch(url)).status, 200, 'read 10 s ago, stale after 60 s');
  } finally {
    server.close();
  }
});
