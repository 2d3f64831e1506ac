/**
 * The window's session lists keep row numbers in typed arrays (row-list.ts) instead of `TimeList`'s JS arrays:
 * the same order and the same answers, through growth, eviction in place and shrinking.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { RowList } from '../../src/correlate/row-list.js';
import { TimeList } from '../../src/correlate/time-list.js';

/** one step: rows added with keys nearly in order (a few steps back), or a lookup, or an eviction */
const step = fc.oneof(
  { weight: 8, arbitrary: fc.record({ op: fc.constant('add' as const), n: fc.integer({ min: 1, max: 400 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('evict' as const), back: fc.integer({ min: 0, max: 3000 }) }) },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant('look' as const),
      back: fc.integer({ min: 0, max: 3000 }),
      span: fc.integer({ min: 0, max: 500 }),
      limit: fc.integer({ min: 1, max: 50 }),
    }),
  },
);

test('property: a RowList answers every lookup as a TimeList of the same rows does, across growth, eviction and shrinking', () => {
  fc.assert(
    fc.property(
      fc.array(step, { minLength: 1, maxLength: 60 }),
      fc.integer({ min: 0, max: 2 ** 31 }),
      (steps, seed) => {
        const keyOf = new Map<number, number>();
        const key = (row: number) => keyOf.get(row)!;
        const typed = new RowList(key);
        const plain = new TimeList<number>(key);
        let row = 1e9; // row numbers past 2^30 (no small integers): an agent running for days
        let t = 1_700_000_000_000;
        let r = seed;
        const rand = (m: number) => ((r = (r * 1103515245 + 12345) % 2 ** 31), r % m);
        for (const s of steps) {
          if (s.op === 'add') {
            for (let i = 0; i < s.n; i++) {
              t += rand(3);
              keyOf.set(++row, t - (rand(10) === 0 ? rand(50) : 0));
              typed.add(row);
              plain.add(row);
            }
          } else if (s.op === 'evict') {
            assert.deepEqual(typed.evictBefore(t - s.back), plain.evictBefore(t - s.back));
          } else {
            const from = t - s.back;
            const to = from + s.span;
            assert.deepEqual([...typed.range(from, to)], [...plain.range(from, to)]);
            assert.deepEqual([...typed.newestBefore(to, s.limit)], [...plain.newestBefore(to, s.limit)]);
            const a: number[] = [];
            const b: number[] = [];
            typed.eachInRange(from, to, (x) => void a.push(x));
            plain.eachInRange(from, to, (x) => void b.push(x));
            assert.deepEqual(a, b);
            typed.eachNewestBefore(to, (x) => a.push(x) < 2 * s.limit);
            plain.eachNewestBefore(to, (x) => b.push(x) < 2 * s.limit);
            assert.deepEqual(a, b);
          }
          assert.equal(typed.size, plain.size);
          assert.equal(typed.firstKey(), plain.firstKey());
        }
      },
    ),
    { numRuns: 300 },
  );
});
