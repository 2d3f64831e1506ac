/**
 * What a live agent reports is what it did (issue 14 "Metrics"): http-metrics-health.test.ts checks the names and
 * the exposition format with counters bumped by the test; here the whole agent replays examples/lab/13_mixed and its
 * /metrics must agree with what the files hold and what the recording stand-in stored. It runs with
 * `agent.index_records: false`, the one agent key no other test sets: only verdicts may be stored.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { metricSum, quiet, skipWithoutStub as skip, storedRecords, stubStats } from './agent-process.js';
import { withLab } from './lab-records.js';
import { assertSameVerdicts, batchEvents, indexedAppErrors, replay, verdicts } from './lab-replay-harness.js';

/** count of each `kind|cause` among verdict documents */
function byCause(docs: any[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const d of docs) {
    const k = `${d.goneaway.kind}|${d.goneaway.cause}`;
    m.set(k, (m.get(k) ?? 0) + 1);
  }
  return m;
}

test(
  'a live agent counts the lines it read, the verdicts it stored by cause and the items indexed, its watermark ' +
    'follows the logs’ time, and with index_records: false it stores verdicts only',
  { skip, timeout: 240_000 },
  () =>
    withLab({ index_records: false }, async ({ stub, sc, agent }) => {
      const t0 = Date.now();
      await replay(sc, 10, () => 100);
      const want = batchEvents(sc);
      await indexedAppErrors(stub, want.filter((v) => v.goneaway.kind === 'app_error').length);
      await quiet(stub);
      const stored = await verdicts(stub);
      assertSameVerdicts(stored, want);
      assert.equal((await storedRecords(stub)).length, 0, 'index_records: false: no record document is stored');

      const m = await agent.metrics();
      // every line of every file, blank ones included (they are read, then counted as blank)
      const lines = [...sc.files.values()].reduce((n, f) => n + fs.readFileSync(f, 'utf8').split('\n').length - 1, 0);
      assert.equal(metricSum(m, 'goneaway_lines_read_total'), lines, 'lines read = lines written');
      assert.ok(metricSum(m, 'goneaway_records_read_total') > 0, 'records read are counted');
      for (const [k, n] of byCause(stored)) {
        const [kind, cause] = k.split('|') as [string, string];
        assert.equal(metricSum(m, 'goneaway_verdicts_total', { kind, cause }), n, `verdicts ${kind} ${cause}`);
      }
      assert.equal(metricSum(m, 'goneaway_verdicts_total'), stored.length, 'every counted verdict is stored');
      assert.equal(
        metricSum(m, 'goneaway_bulk_items_total', { outcome: 'indexed' }),
        (await stubStats(stub)).created,
        'items indexed = documents the cluster created',
      );
      // the watermark is the logs' time: past every decided error, moved on only by the wall-clock time since
      const newest = Math.max(...stored.map((v) => Date.parse(v['@timestamp'])));
      const wm = metricSum(m, 'goneaway_watermark_seconds') * 1000;
      assert.ok(wm >= newest, `watermark ${new Date(wm).toISOString()} before the newest verdict's time`);
      assert.ok(wm <= newest + (Date.now() - t0) + 120_000, `watermark ${new Date(wm).toISOString()} runs ahead`);
      // the window: every app error decided, so none waits; its sessions, threads and their lines still held
      const part = (p: string) => metricSum(m, 'goneaway_window_entries', { part: p });
      assert.equal(part('app_errors'), 0, 'no app error waits once all their verdicts are stored');
      assert.ok(part('sessions') > 0 && part('rows') >= part('sessions'), `window sessions ${part('sessions')}`);
      assert.ok(part('threads') > 0, 'the MySQL threads of the general logs are held');
      assert.ok(metricSum(m, 'goneaway_window_line_bytes') > 0, 'the rows keep their lines');
    }),
);
