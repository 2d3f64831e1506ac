/**
 * The agent bench's arithmetic (bench/agent/stats.ts), held against definitions computed the slow way:
 * nearest-rank percentiles, least-squares slope, the worst sliding window, the binary search.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { GrowableF64, lastAtOrBelow, median, percentile, slope, worstWindow } from '../../bench/agent/stats.js';

const values = fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 200 });

test('percentile p is a measured value with at least p % of the values at or below it and fewer strictly below', () => {
  fc.assert(
    fc.property(values, fc.double({ min: 0.01, max: 100, noNaN: true }), (xs, p) => {
      const sorted = Float64Array.from(xs).sort();
      const v = percentile(sorted, p);
      assert.ok(xs.includes(v), 'nearest rank returns one of the values');
      const atOrBelow = xs.filter((x) => x <= v).length;
      const below = xs.filter((x) => x < v).length;
      assert.ok(atOrBelow >= (p / 100) * xs.length - 1e-9, `${atOrBelow} of ${xs.length} at or below p${p}`);
      assert.ok(below < (p / 100) * xs.length + 1e-9, `${below} of ${xs.length} below p${p}`);
    }),
  );
});

test('percentile 100 is the maximum, 0 the minimum, and an empty set has none', () => {
  fc.assert(
    fc.property(values, (xs) => {
      const sorted = Float64Array.from(xs).sort();
      assert.equal(percentile(sorted, 100), Math.max(...xs));
      assert.equal(percentile(sorted, 0), Math.min(...xs));
    }),
  );
  assert.ok(Number.isNaN(percentile(new Float64Array(0), 50)));
});

test('median of an odd count is the middle value', () => {
  fc.assert(
    fc.property(
      values.filter((xs) => xs.length % 2 === 1),
      (xs) => {
        const m = median(xs);
        assert.equal(xs.filter((x) => x < m).length <= (xs.length - 1) / 2, true);
        assert.equal(xs.filter((x) => x > m).length <= (xs.length - 1) / 2, true);
      },
    ),
  );
});

test('slope recovers the gradient of points on a line, whatever the offset and the x spacing', () => {
  fc.assert(
    fc.property(
      fc.uniqueArray(fc.integer({ min: -10_000, max: 10_000 }), { minLength: 2, maxLength: 100 }),
      fc.double({ min: -100, max: 100, noNaN: true }),
      fc.double({ min: -1e4, max: 1e4, noNaN: true }),
      (xs, a, b) => {
        const s = slope(
          xs,
          xs.map((x) => a * x + b),
        );
        assert.ok(Math.abs(s - a) <= 1e-6 * Math.max(1, Math.abs(a)), `slope ${s} for gradient ${a}`);
      },
    ),
  );
});

test('slope is unchanged by adding a constant to y and flips sign when y is mirrored', () => {
  fc.assert(
    fc.property(
      fc.uniqueArray(fc.integer({ min: 0, max: 1000 }), { minLength: 3, maxLength: 60 }),
      fc.array(fc.double({ min: -100, max: 100, noNaN: true }), { minLength: 60, maxLength: 60 }),
      fc.double({ min: -1000, max: 1000, noNaN: true }),
      (xs, noise, c) => {
        const ys = xs.map((_, i) => noise[i]!);
        const s = slope(xs, ys);
        assert.ok(
          Math.abs(
            slope(
              xs,
              ys.map((y) => y + c),
            ) - s,
          ) < 1e-6,
        );
        assert.ok(
          Math.abs(
            slope(
              xs,
              ys.map((y) => -y),
            ) + s,
          ) < 1e-9,
        );
      },
    ),
  );
  assert.ok(Number.isNaN(slope([5], [1])), 'one point has no slope');
  assert.ok(Number.isNaN(slope([3, 3], [1, 2])), 'no spread in x, no slope');
});

test('worstWindow finds the smallest sum of any window, as a brute-force scan does', () => {
  fc.assert(
    fc.property(
      fc.array(fc.nat(30_000), { minLength: 1, maxLength: 120 }),
      fc.integer({ min: 1, max: 20 }),
      (xs, w) => {
        const width = Math.min(w, xs.length);
        let best = Infinity;
        for (let i = 0; i + width <= xs.length; i++)
          best = Math.min(
            best,
            xs.slice(i, i + width).reduce((a, b) => a + b, 0),
          );
        const got = worstWindow(Uint32Array.from(xs), w);
        assert.equal(got.sum, best);
        assert.equal(
          xs.slice(got.start, got.start + width).reduce((a, b) => a + b, 0),
          best,
        );
      },
    ),
  );
});

test('lastAtOrBelow agrees with a linear scan and GrowableF64 keeps every pushed value in order', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 1000 })), fc.integer({ min: -5, max: 1005 }), (raw, v) => {
      const g = new GrowableF64(1);
      for (const x of [...raw].sort((a, b) => a - b)) g.push(x);
      const arr = g.view();
      assert.deepEqual(
        [...arr],
        [...raw].sort((a, b) => a - b),
      );
      let expect = -1;
      for (let i = 0; i < arr.length; i++) if (arr[i]! <= v) expect = i;
      assert.equal(lastAtOrBelow(arr, arr.length, v), expect);
    }),
  );
});

test('GrowableF64 past its first block: every value read back in order, by at() and view(), also after more pushes', () => {
  const g = new GrowableF64(3);
  const n = 2.5 * (1 << 20);
  for (let i = 0; i < n; i++) g.push(i * 0.5);
  assert.equal(g.length, n);
  for (const i of [0, 1, 2, 3, (1 << 20) - 1, 1 << 20, (1 << 21) + 7, n - 1]) assert.equal(g.at(i), i * 0.5);
  const v = g.view();
  assert.equal(v.length, n);
  for (let i = 0; i < n; i += 9973) assert.equal(v[i], i * 0.5);
  assert.equal(v[n - 1], (n - 1) * 0.5);
  g.push(-1);
  assert.equal(g.view().length, n + 1);
  assert.equal(g.view()[n], -1);
});
