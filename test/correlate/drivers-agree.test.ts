// The Correlator's two drivers agree: the records of a lab run pushed in random chunks, with random
// watermark advances in between (each no later than the oldest record still to come, as the agent's
// merge of tailed files promises), give exactly the events of the batch driver, in the same order.
// Inputs: the bundled examples/lab/13_mixed and the kept lab runs (test/fixtures/lab-runs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { ROOT } from '../cli/paths.js';
import { newStats } from '../../src/correlate/engine.js';
import {
  correlate,
  fileSources,
  mergeSources,
  type CorrelateInput,
  type TimedRecord,
} from '../../src/correlate/correlate-batch.js';
import { Correlator } from '../../src/correlate/correlator.js';
import { makeZone } from '../../parsers/zones.js';
import type { Doc } from '../../parsers/types.js';

interface Truth {
  servers: Record<string, { error: string; general: string }>;
}

function inputOf(dir: string): CorrelateInput {
  const gt = JSON.parse(fs.readFileSync(path.join(dir, 'ground-truth.json'), 'utf8')) as Truth;
  const f = (n: string) => path.join(dir, n);
  const servers = Object.entries(gt.servers);
  return {
    haproxy: [f('haproxy.log')],
    mysqlError: servers.map(([server, s]) => ({ server, path: f(s.error) })),
    mysqlGeneral: servers.map(([server, s]) => ({ server, path: f(s.general) })),
    app: ['app-php.log', 'app-node.log', 'app-python.log'].map(f),
    ctx: { zone: makeZone('UTC') },
    // the defaults of `correlate.*` (src/config/schema.ts)
    skew: 1000,
    maxLag: 900_000,
    settle: 5000,
  };
}

const json = (docs: Doc[]) => docs.map((d) => JSON.stringify(d));

function streamed(input: CorrelateInput, chunks: number[], lags: number[]): string[] {
  const stats = newStats();
  const records: TimedRecord[] = [...mergeSources(fileSources(input, stats), stats)];
  // the oldest record still to come after each position: the latest watermark the merge allows
  const oldestAfter: number[] = new Array<number>(records.length + 1).fill(Infinity);
  for (let i = records.length - 1; i >= 0; i--) oldestAfter[i] = Math.min(records[i]!.time, oldestAfter[i + 1]!);
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

const dirs = [
  path.join(ROOT, 'examples/lab/13_mixed'),
  ...fs
    .readdirSync(path.join(ROOT, 'test/fixtures/lab-runs'))
    .map((d) => path.join(ROOT, 'test/fixtures/lab-runs', d))
    .filter((d) => fs.existsSync(path.join(d, 'ground-truth.json'))),
];

for (const dir of dirs) {
  test(`${path.basename(dir)}: records pushed in random chunks with random watermarks give the batch events`, () => {
    const input = inputOf(dir);
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
  const c = new Correlator(inputOf(dirs[0]!), newStats());
  assert.throws(() => c.advance(Infinity), RangeError);
});
