/**
 * The Correlator counts the records pushed behind the watermark it was advanced to, by more than the clock skew and
 * a second (late-records.ts): per kind of log, with the most one was behind. What the agent reports as
 * goneaway_late_records_total.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Correlator } from '../../src/correlate/correlator.js';
import { newStats } from '../../src/correlate/engine.js';
import { Incident, T0 } from './scenario.js';
import { timedRecords as records } from './incident-records.js';

const SETTINGS = { skew: 1000, maxLag: 900_000, settle: 5000 };

const incident = () =>
  new Incident()
    .session({ port: 40100, accept: T0, tt: 1000, state: '--' })
    .session({ port: 40101, accept: T0 + 20_000, tt: 1000, state: '--' })
    .php2006(T0 + 3000)
    .aborted('replica1', T0 + 4000, 12, 'Got timeout reading communication packets');

test('a record pushed behind the watermark is counted as late, under its kind of log', () => {
  const all = records(incident());
  const late = all.find((r) => r.kind === 'app')!;
  const c = new Correlator(SETTINGS, newStats());
  for (const r of all) if (r !== late) c.push(r);
  const watermark = all[all.length - 1]!.time;
  c.advance(watermark);
  c.push(late);
  assert.deepEqual(c.lateRecords.app, { count: 1, mostBehindMs: watermark - late.time });
  for (const kind of ['haproxy', 'mysql_error', 'mysql_general'] as const) assert.equal(c.lateRecords[kind].count, 0);
});

test('a record behind by no more than the clock skew and a second is not late (a whole-second stamp)', () => {
  const all = records(incident());
  const last = all[all.length - 1]!;
  const app = all.find((r) => r.kind === 'app')!;
  const c = new Correlator(SETTINGS, newStats());
  for (const r of all) if (r !== app) c.push(r);
  c.advance(last.time);
  // the error's line as it would come on a quiet system: stamped up to skew + 1 s before the agent's clock
  c.push({ ...app, time: last.time - SETTINGS.skew - 1000 });
  assert.equal(c.lateRecords.app.count, 0);
  c.push({ ...app, time: last.time - SETTINGS.skew - 1001 });
  assert.deepEqual(c.lateRecords.app, { count: 1, mostBehindMs: SETTINGS.skew + 1001 });
});

test('records in time order, each at or after the watermark, are not late', () => {
  const all = records(incident());
  const c = new Correlator(SETTINGS, newStats());
  for (const r of all) {
    c.push(r);
    c.advance(r.time);
  }
  c.finish();
  for (const kind of ['haproxy', 'mysql_error', 'mysql_general', 'app'] as const)
    assert.equal(c.lateRecords[kind].count, 0, kind);
});

test('without advance (the batch driver) a record older than one pushed before is not late', () => {
  const all = records(incident());
  const c = new Correlator(SETTINGS, newStats());
  // the last two swapped: a log's own disorder, which the window takes (window.ts DISORDER)
  for (const r of [...all.slice(0, -2), all[all.length - 1]!, all[all.length - 2]!]) c.push(r);
  c.finish();
  assert.equal(
    Object.values(c.lateRecords).reduce((n, l) => n + l.count, 0),
    0,
  );
});
