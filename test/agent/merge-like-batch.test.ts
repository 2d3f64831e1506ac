import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { StreamMerger } from '../../src/agent/merger.js';
import { mergeByTime } from '../../src/correlate/merge.js';

type Item = { time: number; src: number; n: number };

// per source: times mostly ascending with some disorder of its own (a log's lines are not strictly
// ordered: HAProxy orders by session end, MySQL by second), many ties across sources
const sourceArb = fc.array(fc.integer({ min: -3, max: 10 }), { maxLength: 40 });

test('records pushed in random chunks, released between chunks, come out in the batch merge order', () => {
  fc.assert(
    fc.property(
      fc.array(sourceArb, { minLength: 1, maxLength: 5 }),
      fc.array(fc.nat(), { maxLength: 200 }),
      (deltas, picks) => {
        const sources: Item[][] = deltas.map((ds, src) => {
          let t = 1000;
          return ds.map((d, n) => ({ time: (t += d), src, n }));
        });
        const want = [...mergeByTime(sources.map((s) => s))];
        const m = new StreamMerger<Item>();
        const ids = sources.map(() => m.addSource());
        const next = sources.map(() => 0);
        const got: Item[] = [];
        let k = 0;
        // feed: each pick pushes the next record of one source, then releases what is safe
        while (next.some((n, i) => n < sources[i]!.length)) {
          const open = sources.map((_, i) => i).filter((i) => next[i]! < sources[i]!.length);
          const i = open[(picks[k++ % Math.max(1, picks.length)] ?? 0) % open.length]!;
          const x = sources[i]![next[i]!++]!;
          m.push(ids[i]!, x.time, x);
          if (next[i] === sources[i]!.length) m.finish(ids[i]!);
          got.push(...m.release());
        }
        got.push(...m.release(true));
        assert.deepEqual(got, want);
        assert.equal(m.size, 0);
      },
    ),
    { numRuns: 300 },
  );
});

test('an empty live source holds the merge back; marked idle, it no longer does', () => {
  const m = new StreamMerger<Item>();
  const a = m.addSource();
  const b = m.addSource();
  m.push(a, 5, { time: 5, src: 0, n: 0 });
  assert.deepEqual([...m.release()], [], 'b may still deliver something older than 5');
  m.setIdle(b, true);
  assert.deepEqual(
    [...m.release()].map((x) => x.time),
    [5],
  );
  m.push(b, 7, { time: 7, src: 1, n: 0 });
  assert.deepEqual([...m.release()], [], 'b is live again and a is empty');
});
