// A pooled MySQL connection outlives the correlation window: its thread's Connect must not hold any file's
// checkpoint (issue 14, "Checkpoints and restarts"), and a restart from such a checkpoint must still come back to
// the verdicts of an uninterrupted run: the thread's facts older than the window are saved with the checkpoint
// (src/correlate/window-summary.ts, docs/correlator.md "Held positions").
// The shapes are lab-observed (test/correlate/scenario.ts): a wait_timeout closes an idle pooled connection with
// "Got timeout reading communication packets" and HAProxy logs it `SD` (docs/lab-findings.md §4).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { T0, ga } from './scenario.js';
import { HORIZON, HOURS, incident, MIN } from './scenario-long-thread.js';
import { newStats } from '../../src/correlate/engine.js';
import { mergeSources, type TimedRecord } from '../../src/correlate/correlate-batch.js';
import { Correlator } from '../../src/correlate/correlator.js';
import type { VerdictEvent } from '../../src/correlate/event.js';
import type { SavedWindow } from '../../src/correlate/window-summary.js';
import type { Doc } from '../../parsers/types.js';

const cfg = { skew: 2000, maxLag: 900_000, settle: 5000 };

function records(): TimedRecord[] {
  return [...mergeSources(incident().sources(), newStats())];
}

/** an event's identity (as its document `_id`): what it is about, by log line */
const key = (e: VerdictEvent | Doc): string => {
  const d = e as Doc;
  const log = d.log as Doc | undefined;
  return `${String(ga(d).kind)} ${String((log?.file as Doc | undefined)?.path)} ${String(log?.offset)}`;
};

test('a thread alive longer than the window holds no file further back than the window reaches', () => {
  const rs = records();
  const c = new Correlator(cfg, newStats());
  // up to the middle of thread 5's idle time: both long threads are alive, connected HOURS ago
  const stop = T0 + HOURS * 60 * MIN + 300_000;
  let last = 0;
  for (const r of rs) {
    if (r.time > stop) break;
    c.push(r);
    c.advance(r.time);
    last = r.time;
  }
  const held = c.heldPositions();
  assert.ok(held.size > 0, 'the window holds something');
  for (const [file, offset] of held) {
    const at = rs.find((r) => r.rec.path === file && r.rec.offset === offset);
    assert.ok(at, `${file}: held at a record's start (${offset})`);
    // the accept-second buckets are kept twice the horizon (docs/correlator.md "What the window keeps")
    const behind = last - at.time;
    assert.ok(behind <= 2 * HORIZON + 20_000, `${file} held ${(behind / 3600e3).toFixed(2)} h behind`);
  }
  assert.ok(c.oldestHeldTime() >= last - 2 * HORIZON - 20_000, 'the oldest held time is as recent');
});

/** runs to `stop`, "restarts" from the held positions (with the saved facts, or without them), finishes */
function restarted(stop: number, withFacts: boolean): Map<string, string> {
  const rs = records();
  const a = new Correlator(cfg, newStats());
  const out = new Map<string, string>();
  const emit = (evs: readonly VerdictEvent[]) => {
    // a document indexed again under the same _id is refused (409): the first one stays
    for (const e of evs) if (!out.has(key(e))) out.set(key(e), JSON.stringify(e));
  };
  let i = 0;
  for (; i < rs.length && rs[i]!.time <= stop; i++) {
    a.push(rs[i]!);
    emit(a.advance(rs[i]!.time));
  }
  const held = a.heldPositions();
  // through JSON, as checkpoints.json keeps it
  const saved = JSON.parse(JSON.stringify(a.saveWindow(a.heldTimes()))) as SavedWindow;
  const b = new Correlator(cfg, newStats());
  if (withFacts) b.restoreWindow(saved);
  for (let j = 0; j < rs.length; j++) {
    const r = rs[j]!;
    const from = held.get(r.rec.path);
    // before the stop, a file is read again from its held position; one not held is read on from where it was
    if (j < i && (from === undefined || r.rec.offset < from)) continue;
    b.push(r);
    emit(b.advance(r.time));
  }
  emit(b.finish());
  return out;
}

function uninterrupted(): Map<string, string> {
  const c = new Correlator(cfg, newStats());
  const out = new Map<string, string>();
  const evs: VerdictEvent[] = [];
  for (const r of records()) {
    c.push(r);
    evs.push(...c.advance(r.time));
  }
  evs.push(...c.finish());
  for (const e of evs) out.set(key(e), JSON.stringify(e));
  return out;
}

test('after a restart from such a checkpoint, the verdicts equal an uninterrupted run’s', () => {
  const whole = uninterrupted();
  const err = [...whole.values()].map((s) => JSON.parse(s) as Doc).find((e) => ga(e).kind === 'app_error')!;
  // the long thread's facts are in the verdict: what a restart that lost them would get wrong
  assert.equal(ga(err).cause, 'mysql_wait_timeout');
  assert.equal((err.mysql as Doc).thread_id, 5);
  assert.equal((err.mysql as Doc).user, 'app');
  // restarts during the idle time of thread 5, just before each close, and between the two
  for (const stop of [300_000, 590_000, 630_000].map((d) => T0 + HOURS * 60 * MIN + d)) {
    const again = restarted(stop, true);
    assert.deepEqual([...again.keys()].sort(), [...whole.keys()].sort(), `the same events (restart at +${stop - T0})`);
    for (const [k, v] of whole) assert.equal(again.get(k), v, `${k}, restart at +${stop - T0}`);
  }
});

test('without the saved facts the same restart loses the long thread (what the checkpoint keeps is needed)', () => {
  const whole = uninterrupted();
  const lost = restarted(T0 + HOURS * 60 * MIN + 300_000, false);
  // the Connect line is not read again: no session maps to thread 5 or 6, and their lines are not evidence
  for (const [k, v] of whole) {
    const before = JSON.parse(v) as Doc;
    const after = JSON.parse(lost.get(k)!) as Doc;
    assert.ok((before.mysql as Doc).thread_id !== undefined, `${k}: mapped to its thread without a restart`);
    assert.equal((after.mysql as Doc).thread_id, undefined, `${k}: no thread after the restart`);
    assert.ok((ga(after).evidence as Doc[]).length < (ga(before).evidence as Doc[]).length, `${k}: fewer lines`);
  }
});
