// Two Correlators in one process (a test, an agent with two pipelines, a reload building a new one beside the old)
// share nothing: fed in turn — records, watermarks and their ends interleaved — each gives exactly the events it
// gives alone, in the same order. Each window keeps its own claims marks, tick decisions and joint plans (store.ts).
// Inputs: the bundled examples/lab/13_mixed and the kept lab runs (their servers have the same names).
// A guard for changes to come: with today's Correlator it passed on the module-level state too (its ticks never
// interleave: each push, advance and finish runs its ticks to the end), so the sharing itself is shown by
// tick-stories.test.ts, which fails on that state.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { newStats } from '../../src/correlate/engine.js';
import { correlate, type CorrelateInput } from '../../src/correlate/correlate-batch.js';
import { Correlator } from '../../src/correlate/correlator.js';
import type { Doc } from '../../parsers/types.js';
import { labDirs, labInput, mergedRecords } from './lab-input.js';

const json = (docs: Doc[]) => docs.map((d) => JSON.stringify(d));

/** `inputs`, each into its own Correlator, fed in turn: `chunks[k]` records into the k-th, then a watermark as far
 *  as its merge allows; at the end one event of each at a time */
function inTurn(inputs: CorrelateInput[], chunks: number[]): string[][] {
  const feeds = inputs.map((input) => {
    const stats = newStats();
    return { ...mergedRecords(input, stats), c: new Correlator(input, stats), i: 0, out: [] as Doc[] };
  });
  while (feeds.some((f) => f.i < f.records.length))
    feeds.forEach((f, k) => {
      const end = Math.min(f.records.length, f.i + chunks[k]!);
      for (; f.i < end; f.i++) f.c.push(f.records[f.i]!);
      if (f.i < f.records.length) f.out.push(...f.c.advance(f.oldestAfter[f.i]!));
    });
  const ends = feeds.map((f) => f.c.finishing());
  for (let going = true; going;) {
    going = false;
    ends.forEach((g, k) => {
      const r = g.next();
      if (r.done) return;
      feeds[k]!.out.push(r.value);
      going = true;
    });
  }
  return feeds.map((f) => json(f.out));
}

const pairs: Array<[string, string]> = labDirs.map((d, i) => [d, labDirs[(i + 1) % labDirs.length]!]);
// the same input twice: the same servers, sessions and threads on both sides
pairs.push([labDirs[0]!, labDirs[0]!]);

for (const [a, b] of pairs)
  test(`${path.basename(a)} and ${path.basename(b)} fed in turn each give the events they give alone`, () => {
    const inputs = [labInput(a), labInput(b)];
    const alone = inputs.map((input) => json([...correlate(input, newStats())]));
    assert.ok(alone[0]!.length > 0 && alone[1]!.length > 0, 'each run alone found events');
    for (const chunks of [
      [1, 1],
      [7, 300],
      [300, 7],
    ])
      assert.deepEqual(inTurn(inputs, chunks), alone, `chunks ${chunks.join('/')}`);
  });
