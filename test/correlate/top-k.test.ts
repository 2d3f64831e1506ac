/**
 * heaviest(items, n) (src/correlate/top-k.ts) stands in for a stable sort by descending weight and
 * `slice(0, n)` in time-only joins, whose verdicts must not change with it: the same items, in the same
 * order, ties included.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { heaviest } from '../../src/correlate/top-k.js';

const sorted = <T extends { w: number }>(l: readonly T[], n: number): T[] =>
  [...l].sort((a, b) => b.w - a.w).slice(0, n);

// few distinct weights, so that ties are common; infinities and zeros of both signs too
const weight = fc.oneof(
  fc.integer({ min: 0, max: 5 }),
  fc.double({ noNaN: true }),
  fc.constantFrom(0, -0, Infinity, -Infinity, 1e-300),
);

test('property: heaviest gives what a stable descending sort then slice gives, ties in list order', () => {
  fc.assert(
    fc.property(fc.array(weight, { maxLength: 60 }), fc.integer({ min: 0, max: 15 }), (ws, n) => {
      const items = ws.map((w, id) => ({ w, id }));
      assert.deepEqual(heaviest(items, n), sorted(items, n));
    }),
    { numRuns: 500 },
  );
});

test('heaviest with a weight that is not a number answers as the sort does', () => {
  const items = [3, NaN, 1, 7, NaN, 2].map((w, id) => ({ w, id }));
  assert.deepEqual(heaviest(items, 3), sorted(items, 3));
});
