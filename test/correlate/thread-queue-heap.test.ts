/** The MySQL thread eviction queue (src/correlate/heap.ts) pops in key order whatever the pushes. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MinHeap } from '../../src/correlate/heap.js';

test('min-heap pops every pushed item in key order, interleaved pushes included', () => {
  fc.assert(
    fc.property(
      fc.array(fc.oneof(fc.integer({ min: -1e6, max: 1e6 }), fc.constant('pop' as const)), { maxLength: 300 }),
      (ops) => {
        const h = new MinHeap<{ k: number }>((x) => x.k);
        const model: number[] = [];
        for (const op of ops) {
          if (op === 'pop') {
            model.sort((a, b) => a - b);
            assert.equal(h.pop()?.k, model.shift());
          } else {
            h.push({ k: op });
            model.push(op);
          }
          assert.equal(h.size, model.length);
        }
        model.sort((a, b) => a - b);
        assert.equal(h.peek()?.k, model[0]);
        for (const k of model) assert.equal(h.pop()!.k, k);
        assert.equal(h.pop(), undefined);
      },
    ),
    { numRuns: 500 },
  );
});
