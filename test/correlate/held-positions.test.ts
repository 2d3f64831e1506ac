// The Correlator says, per file, from which byte offset it may still need the records pushed so far:
// the agent saves a file position only when nothing before it is still needed by the window
// (Filebeat's contract, docs/correlator.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Incident, T0 } from './scenario.js';
import { newStats } from '../../src/correlate/engine.js';
import { mergeSources, type TimedRecord } from '../../src/correlate/correlate-batch.js';
import { Correlator } from '../../src/correlate/correlator.js';

const cfg = { skew: 2000, maxLag: 900_000, settle: 5000 };
const MIN = 60_000;

function records(inc: Incident): TimedRecord[] {
  const stats = newStats();
  return [...mergeSources(inc.sources(), stats)];
}

test('an app error still waiting for its verdict holds its file from its own line on', () => {
  const inc = new Incident()
    .session({ port: 40001, accept: T0, tt: 3100, state: 'cD' })
    .php2006(T0 + 9000)
    .php2006(T0 + 20 * MIN, 'select 2')
    .session({ port: 40002, accept: T0 + 20 * MIN, tt: 100, state: '--' });
  const rs = records(inc);
  const c = new Correlator(cfg, newStats());
  const last = rs.findIndex((r) => r.kind === 'app' && r.time === T0 + 20 * MIN);
  for (const r of rs.slice(0, last + 1)) c.push(r);
  const held = c.heldPositions().get('incident/app-php.log');
  assert.ok(held !== undefined, 'the waiting error holds its file');
  assert.ok(held <= rs[last]!.rec.offset, `held from ${held}, the error is at ${rs[last]!.rec.offset}`);
});

test('records the window no longer needs are released: the held position moves forward', () => {
  const inc = new Incident().session({ port: 40001, accept: T0, tt: 3100, state: 'cD' }).php2006(T0 + 9000);
  // two hours of traffic after the incident
  for (let m = 1; m <= 120; m++) inc.session({ port: 41000 + m, accept: T0 + m * MIN, tt: 200, state: '--' });
  const rs = records(inc);
  const c = new Correlator(cfg, newStats());
  for (const r of rs) c.push(r);
  const end = rs[rs.length - 1]!.time;
  const events = c.advance(end);
  assert.equal(events.length, 1, 'the incident was decided');
  const held = c.heldPositions();
  assert.equal(held.get('incident/app-php.log'), undefined, 'the decided error is no longer needed');
  const ha = held.get('incident/haproxy.log');
  assert.ok(ha !== undefined && ha > 0, `haproxy.log held from ${ha}: its first lines are released`);
  // but nothing the window may still join: every session of the last max_error_lag is kept
  const recent = rs.find((r) => r.kind === 'haproxy' && r.time >= end - cfg.maxLag)!;
  assert.ok(ha <= recent.rec.offset, `held from ${ha}, a session of the window starts at ${recent.rec.offset}`);
});

test('a long session just ended holds the HAProxy log from its own line, not from its accept long before', () => {
  const inc = new Incident().session({ port: 40001, accept: T0, tt: 3100, state: 'cD' }).php2006(T0 + 9000);
  for (let m = 1; m <= 120; m++) inc.session({ port: 41000 + m, accept: T0 + m * MIN, tt: 200, state: '--' });
  // a pooled connection open for 100 minutes, closed after all of them: its line is written at its end
  inc.session({ port: 42000, accept: T0 + 20 * MIN + 500, tt: 100 * MIN + 3456, state: 'cD' });
  const rs = records(inc);
  const c = new Correlator(cfg, newStats());
  const last = rs[rs.length - 1]!;
  assert.equal(last.kind, 'haproxy');
  for (const r of rs.slice(0, -1)) c.push(r);
  c.advance(last.time - 1);
  // the window is trimmed at 10 s marks: the long session enters after the last trim, its accept second with it
  c.push(last);
  const ha = c.heldPositions().get('incident/haproxy.log');
  const reach = rs.find((r) => r.kind === 'haproxy' && r.time >= T0 + 60 * MIN)!;
  assert.ok(ha !== undefined && ha >= reach.rec.offset, `haproxy.log held from ${ha}, before ${reach.rec.offset}`);
  // what the window still reads is held: the long session's own line, and the sessions of its reach
  assert.ok(ha <= last.rec.offset);
  const recent = rs.find((r) => r.kind === 'haproxy' && r.time >= last.time - cfg.maxLag)!;
  assert.ok(ha <= recent.rec.offset, `held from ${ha}, a session of the window starts at ${recent.rec.offset}`);
});
