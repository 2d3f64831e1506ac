/**
 * The window's held times and facts are taken at most once per checkpoint interval and reused by the turns between
 * (src/agent/turn-holds.ts `WindowTake`): a pass over every MySQL thread of the window per turn grew to an eighth
 * of the agent's CPU once the window was full. A turn's holds must come from the same times as the facts it
 * carries, so the two are taken and reused together.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Incident, T0 } from '../correlate/scenario.js';
import { newStats } from '../../src/correlate/engine.js';
import { mergeSources } from '../../src/correlate/correlate-batch.js';
import { Correlator } from '../../src/correlate/correlator.js';
import { takeHolds, WindowTake } from '../../src/agent/turn-holds.js';
import { HeldTimes } from '../../src/correlate/held.js';
import { FilePositions } from '../../src/correlate/window.js';
import type { OpenFile, MergeItem } from '../../src/agent/open-file.js';
import type { StreamMerger } from '../../src/agent/merger.js';

/** a Correlator fed an hour-old pooled thread and a few sessions, counting how often the window is taken */
function fed(): { c: Correlator; taken: () => number } {
  const inc = new Incident().connect('replica1', T0 + 5, 12).gen('replica1', T0 + 2000, 12, 'Query', 'select 1');
  for (let i = 1; i < 30; i++)
    inc.session({ port: 20000 + i, accept: T0 + i * 1000, tt: 50, state: '--', server: 'replica1' });
  const c = new Correlator({ skew: 2000, maxLag: 900_000, settle: 5000, appLogs: true }, newStats());
  for (const r of mergeSources(inc.sources(), newStats())) c.push(r);
  let n = 0;
  const heldTimes = c.heldTimes.bind(c);
  c.heldTimes = () => {
    n++;
    return heldTimes();
  };
  return { c, taken: () => n };
}

test('the window is taken once per interval: turns between reuse the same held times and the facts taken with them', () => {
  const { c, taken } = fed();
  const w = new WindowTake(c, 1000);
  const first = w.take(10_000);
  assert.equal(taken(), 1);
  assert.deepEqual(first.facts, c.saveWindow(first.times), 'the facts are those of the times they come with');
  for (const now of [10_001, 10_500, 10_999]) {
    const again = w.take(now);
    assert.equal(again.times, first.times);
    assert.equal(again.facts, first.facts);
    assert.equal(again.fresh, false);
  }
  assert.equal(taken(), 1, 'no pass over the window within the interval');
  const later = w.take(11_000);
  assert.equal(taken(), 2, 'taken afresh once the interval has passed');
  assert.notEqual(later.facts, first.facts);
  assert.deepEqual(later.facts, c.saveWindow(later.times));
});

test('the last turn takes the window afresh, whatever the interval', () => {
  const { c, taken } = fed();
  const w = new WindowTake(c, 1000);
  const first = w.take(5_000);
  const last = w.take(5_001, true);
  assert.equal(last.fresh, true);
  assert.equal(taken(), 2);
  assert.notEqual(last.times, first.times);
});

test('a record pushed after the window was taken is held by its offset until the next take', () => {
  // the times say the app log holds nothing (no error waiting when they were taken); an error read since waits for
  // its verdict: without its own hold the turn's acknowledgements would carry the checkpoint past it
  const times = new HeldTimes(Infinity, Infinity, new Map(), Infinity);
  const file = (pushedSinceTake: number | undefined) =>
    ({
      identity: { dev: 1, ino: 2 },
      input: { kind: 'app', server: '' },
      decoder: { pendingOffset: undefined },
      source: 0,
      positions: new FilePositions(),
      pushedSinceTake,
    }) as unknown as OpenFile;
  const merger = { head: () => undefined } as unknown as StreamMerger<MergeItem>;
  const [[, held]] = takeHolds([file(120)], [], merger, times) as [[unknown, number | undefined]];
  assert.equal(held, 120);
  const [[, free]] = takeHolds([file(undefined)], [], merger, times) as [[unknown, number | undefined]];
  assert.equal(free, undefined, 'nothing pushed since: the times decide');
});
