/**
 * findClockOffset (src/correlate/clock-offset.ts): the quarter-hour offset that brings MySQL events onto
 * HAProxy's sessions, and when it is unambiguous. Quarter hours because UTC offsets are whole quarter
 * hours (docs/time-zones.md).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  findClockOffset,
  isUnambiguous,
  MAX_OFFSET_MS,
  MIN_SUPPORT,
  QUARTER_HOUR_MS,
  type HaTimes,
} from '../../src/correlate/clock-offset.js';

const T0 = Date.UTC(2026, 10, 24, 23, 43, 0);
const sorted = (xs: number[]): number[] => [...xs].sort((a, b) => a - b);

test('Connects written in another zone are found at that zone difference, every one of them', () => {
  fc.assert(
    fc.property(
      fc.uniqueArray(fc.integer({ min: 0, max: 6 * 3_600_000 }), { minLength: MIN_SUPPORT, maxLength: 60 }),
      fc.integer({ min: -56, max: 56 }),
      fc.array(fc.integer({ min: 0, max: 999 }), { minLength: 60, maxLength: 60 }),
      (starts, quarters, jitter) => {
        const q = quarters * QUARTER_HOUR_MS;
        const accepts = sorted(starts.map((s) => T0 + s));
        // the general log's second is the accept's (or the next), read q too late
        const connects = accepts.map((a, i) => Math.floor((a + jitter[i]!) / 1000) * 1000 - q);
        const o = findClockOffset({ accepts, abnormalEnds: [] }, { connects, aborted: [] });
        assert.equal(o.samples, accepts.length);
        assert.equal(o.best.support, accepts.length);
        // the true offset is among the best; when the result is called unambiguous, it is the true one
        assert.ok(o.tied.includes(q));
        if (o.unambiguous) assert.deepEqual([o.best.offsetMs, o.tied], [q, [q]]);
        else assert.ok(o.runnerUp !== undefined && o.runnerUp.support * 2 > o.best.support);
      },
    ),
  );
});

test('Aborted lines meet abnormal session ends only: a clean end (`--`) is no partner', () => {
  const ends = [0, 95_000, 300_000, 410_000, 777_000, 1_200_000].map((x) => T0 + x);
  const ha: HaTimes = { accepts: [], abnormalEnds: ends };
  const aborted = ends.map((t) => t + 3_600_000);
  const o = findClockOffset(ha, { connects: [], aborted });
  assert.equal(o.best.offsetMs, -3_600_000);
  assert.equal(o.best.support, ends.length);
  assert.equal(o.atZero, 0);
  assert.equal(o.unambiguous, true);
  // the same sessions as accepts only (clean ends): nothing to meet
  assert.equal(findClockOffset({ accepts: ends, abnormalEnds: [] }, { connects: [], aborted }).best.support, 0);
});

test('a log already right has its best offset at zero, and a near runner-up keeps it from being clear-cut', () => {
  // sessions every 15 minutes: every offset that keeps a Connect inside the span fits as well as zero
  const accepts = Array.from({ length: 40 }, (_, i) => T0 + i * QUARTER_HOUR_MS);
  const o = findClockOffset({ accepts, abnormalEnds: [] }, { connects: accepts, aborted: [] });
  assert.equal(o.best.offsetMs, 0);
  assert.equal(o.unambiguous, false);
  // a quarter hour either way still fits 39 of 40: far from half as good, so not clear-cut
  assert.deepEqual(o.tied, [0]);
  assert.equal(o.runnerUp?.support, 39);
});

test('on a busy server every offset fits alike: a tie that is never called unambiguous', () => {
  // a session accepted every 5 s for 30 h: any quarter-hour move puts a Connect on another session's accept
  const accepts = Array.from({ length: (30 * 3_600_000) / 5_000 }, (_, i) => T0 - 15 * 3_600_000 + i * 5_000);
  const connects = accepts.filter((a) => Math.abs(a - T0) < 600_000 && a % 60_000 === 0);
  const o = findClockOffset({ accepts, abnormalEnds: [] }, { connects, aborted: [] });
  assert.equal(o.best.offsetMs, 0);
  assert.equal(o.tied.length, (2 * MAX_OFFSET_MS) / QUARTER_HOUR_MS + 1);
  assert.equal(o.unambiguous, false);
});

test('offsets beyond ±14 h are not tried', () => {
  const accepts = Array.from({ length: 10 }, (_, i) => T0 + i * 61_000);
  const far = MAX_OFFSET_MS + QUARTER_HOUR_MS;
  const o = findClockOffset({ accepts, abnormalEnds: [] }, { connects: accepts.map((a) => a - far), aborted: [] });
  assert.equal(o.best.support, 0);
});

test('unambiguous needs enough support, most of the samples, and a runner-up at most half as good', () => {
  const best = { offsetMs: 3_600_000, support: 10 };
  assert.equal(isUnambiguous(12, best, { offsetMs: 0, support: 5 }), true);
  assert.equal(isUnambiguous(12, best, { offsetMs: 0, support: 6 }), false);
  assert.equal(isUnambiguous(21, best, { offsetMs: 0, support: 0 }), false);
  assert.equal(isUnambiguous(4, { offsetMs: 0, support: MIN_SUPPORT - 1 }, undefined), false);
});
