import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { expectedCalibrationError, overconfidentBins, reliability } from '../../bench/calibration.js';

test('a forecaster right exactly as often as it says is perfectly calibrated (ECE 0)', () => {
  // 10 verdicts at 0.3 of which 3 right, 10 at 0.9 of which 9 right
  const pts = [
    ...Array.from({ length: 10 }, (_, i) => ({ confidence: 0.3, correct: i < 3 })),
    ...Array.from({ length: 10 }, (_, i) => ({ confidence: 0.9, correct: i < 9 })),
  ];
  const t = reliability(pts);
  assert.equal(t[3]!.n, 10);
  assert.ok(Math.abs(t[3]!.accuracy - 0.3) < 1e-12);
  assert.ok(expectedCalibrationError(t) < 1e-12);
  assert.deepEqual(overconfidentBins(t), []);
});

test('confident but often wrong: ECE is the weighted gap, and the bin at 0.8+ is flagged', () => {
  const pts = Array.from({ length: 10 }, (_, i) => ({ confidence: 0.85, correct: i < 5 }));
  const t = reliability(pts);
  assert.ok(Math.abs(expectedCalibrationError(t) - 0.35) < 1e-12);
  assert.equal(overconfidentBins(t).length, 1);
  assert.equal(overconfidentBins(t)[0]!.lo, 0.8);
});

test('every verdict lands in exactly one bin; confidence 1 goes in the last one', () => {
  fc.assert(
    fc.property(
      fc.array(fc.record({ confidence: fc.double({ min: 0, max: 1, noNaN: true }), correct: fc.boolean() })),
      (pts) => {
        const t = reliability(pts);
        assert.equal(
          t.reduce((s, b) => s + b.n, 0),
          pts.length,
        );
        const e = expectedCalibrationError(t);
        assert.ok(e >= 0 && e <= 1);
      },
    ),
  );
  assert.equal(reliability([{ confidence: 1, correct: true }])[9]!.n, 1);
});
