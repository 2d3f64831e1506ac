// The Correlator's two drivers agree: the records of a lab run pushed in random chunks, with random
// watermark advances in between (each no later than the oldest record still to come, as the agent's
// merge of tailed files promises), give exactly the events of the batch driver, in the same order.
// Inputs: the bundled examples/lab/13_mixed and the kept lab runs (test/fixtures/lab-runs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import fc from 'fast-check';
import { newStats } from '../../src/correlate/engine.js';
import { correlate, type CorrelateInput } from '../../src/correlate/correlate-batch.js';
import { labDirs, labInput, mergedRecords } from './lab-input.js';
import { Correlator } from '../../src/correlate/correlator.js';
import type { Doc } from '../../parsers/types.js';

const json = (docs: Doc[]) => docs.map((d) => JSON.stringify(d));

function streamed(input: CorrelateInput, chunks: number[], lags: number[]): string[] {
  const stats = newStats();
  const { records, oldestAfter } = mergedRecords(input, stats);
  const c = new Correlator(input, stats);
  const out: Doc[] = [];
  let i = 0;
  for (let k = 0; i < records.length; k++) {
    const end = Math.min(records.length, i + chunks[k % chunks.length]!);
    for (; i < end; i++) c.push(records[i]!);
    if (i < records.length) out.push(...c.advance(oldestAfter[i]! - lags[k % lags.length]!));
  }
  out.push(...c.finish());
  return json(out);
}

for (const dir of labDirs) {
  test(`${path.basename(dir)}: records pushed in random chunks with random watermarks give the batch events`, () => {
    const input = labInput(dir);
    const batch = json([...correlate(input, newStats())]);
    assert.ok(batch.length > 0, 'the batch run found events');
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 20 }),
        // how far below the allowed maximum each watermark stays: 0 (the edge) up to a few minutes
        fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 200_000 })), { minLength: 1, maxLength: 20 }),
        (chunks, lags) => {
          assert.deepEqual(streamed(input, chunks, lags), batch);
        },
      ),
      { numRuns: 12 },
    );
  });
}

test('a watermark of Infinity is refused: the end of input is finish()', () => {
  const c = new Correlator(labInput(labDirs[0]!), newStats());
  assert.throws(() => c.advance(Infinity), RangeError);
});
