import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AppLags } from '../../src/correlate/app-lag.js';

const MAX = 15 * 60_000;

test('before any evidence every octave of the lag up to max_error_lag is as likely', () => {
  const l = new AppLags();
  const a = l.mass('app.log', 1000, 2000, MAX);
  const b = l.mass('app.log', 64_000, 128_000, MAX);
  assert.ok(Math.abs(a - b) < 1e-12, `${a} vs ${b}`);
  // and nothing beyond the window
  assert.equal(l.mass('app.log', MAX, MAX + 60_000, MAX), 0);
});

test('the lag distribution is a probability: its mass over [0, max_error_lag] is 1, learned or not', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.integer({ min: 0, max: MAX }), fc.double({ min: 0, max: 1, noNaN: true })), {
        maxLength: 40,
      }),
      fc.integer({ min: 5_000, max: MAX }),
      (obs, maxLag) => {
        const l = new AppLags();
        for (const [lag, p] of obs) l.learn('app.log', Math.min(lag, maxLag - 1), p);
        const total = l.mass('app.log', 0, maxLag, maxLag);
        assert.ok(Math.abs(total - 1) < 1e-9, `total ${total}`);
        // split anywhere, the parts add up
        const cut = maxLag / 3;
        const parts = l.mass('app.log', 0, cut, maxLag) + l.mass('app.log', cut, maxLag, maxLag);
        assert.ok(Math.abs(parts - 1) < 1e-9, `parts ${parts}`);
      },
    ),
  );
});

test('an app whose errors keep coming seconds after their closes: short lags become likelier than long ones, for that app only', () => {
  const l = new AppLags();
  for (let i = 0; i < 50; i++) l.learn('php.log', 3000 + 100 * i, 0.9);
  assert.ok(l.mass('php.log', 2000, 4000, MAX) > 10 * l.mass('php.log', 128_000, 256_000, MAX));
  // another app log learned nothing
  assert.equal(l.mass('py.log', 2000, 4000, MAX), l.mass('py.log', 128_000, 256_000, MAX));
});

test('within an octave a lag weighs as its scale says: no jump at an octave boundary', () => {
  const l = new AppLags();
  // 1.9 s and 2.1 s lie in two octaves, yet weigh nearly alike (density ∝ 1/lag)
  const below = l.mass('app.log', 1900, 1901, MAX);
  const above = l.mass('app.log', 2100, 2101, MAX);
  assert.ok(below / above > 1 && below / above < 1.2, `${below / above}`);
});
