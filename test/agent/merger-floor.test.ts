/**
 * The merge's floor (src/agent/merger.ts `advance`, docs/agent-inputs.md "The merge and lines that give no record"):
 * a file whose lines give no record (an app log's INFO lines) still tells how far it is in time. It must not change
 * the batch merge's order (a file's stamps do not go back), and it must let the other files' earlier records go.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { StreamMerger } from '../../src/agent/merger.js';
import { mergeByTime } from '../../src/correlate/merge.js';

type Item = { time: number; src: number; n: number };
/** one line of a source: a record, or a line that gives none (only its stamp) */
type Line = { record: boolean; time: number };

// per source: stamps ascending or equal (a log's own order), many ties across sources; most lines give no record
const sourceArb = fc.array(fc.record({ record: fc.boolean(), step: fc.integer({ min: 0, max: 3 }) }), {
  maxLength: 40,
});

test('lines that give no record, fed as floors between the records: the batch merge order of the records', () => {
  fc.assert(
    fc.property(
      fc.array(sourceArb, { minLength: 1, maxLength: 5 }),
      fc.array(fc.nat(), { maxLength: 200 }),
      (gen, picks) => {
        const lines: Line[][] = gen.map((ls) => {
          let t = 1000;
          return ls.map((l) => ({ record: l.record, time: (t += l.step) }));
        });
        const records: Item[][] = lines.map((ls, src) =>
          ls.filter((l) => l.record).map((l, n) => ({ time: l.time, src, n })),
        );
        const want = [...mergeByTime(records)];
        const m = new StreamMerger<Item>();
        const ids = lines.map(() => m.addSource());
        const next = lines.map(() => 0);
        const made = lines.map(() => 0);
        const got: Item[] = [];
        let k = 0;
        while (next.some((n, i) => n < lines[i]!.length)) {
          const open = lines.map((_, i) => i).filter((i) => next[i]! < lines[i]!.length);
          const i = open[(picks[k++ % Math.max(1, picks.length)] ?? 0) % open.length]!;
          const l = lines[i]![next[i]!++]!;
          if (l.record) m.push(ids[i]!, l.time, { time: l.time, src: i, n: made[i]!++ });
          else m.advance(ids[i]!, l.time);
          if (next[i] === lines[i]!.length) m.finish(ids[i]!);
          got.push(...m.release());
        }
        got.push(...m.release(true));
        assert.deepEqual(got, want);
      },
    ),
  );
});

test('an empty source with a floor holds back only the records at or after it', () => {
  const m = new StreamMerger<Item>();
  const [a, b] = [m.addSource(), m.addSource()];
  for (let t = 1; t <= 6; t++) m.push(a, t, { time: t, src: a, n: t });
  assert.deepEqual([...m.release()], [], 'no floor: the empty source may still deliver anything');
  m.advance(b, 4);
  assert.deepEqual(
    [...m.release()].map((x) => x.time),
    [1, 2, 3],
    'below the floor released; 4 waits (a record of b at 4 might rank first)',
  );
  m.advance(b, 3); // a floor never goes back
  m.advance(b, 6);
  assert.deepEqual(
    [...m.release()].map((x) => x.time),
    [4, 5],
  );
});
