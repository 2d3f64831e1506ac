/**
 * Elasticsearch faults through the whole agent: while examples/lab/13_mixed is replayed into fresh files,
 * the recording stand-in answers every bulk item 429 for a while, then stops listening for 60 s, then
 * comes back. With a small spool (`agent.spool_max_bytes`), the full spool must pause reading — the
 * agent's `goneaway_lines_read_total` stops growing while the writer goes on — and the agent must then
 * catch up: every record batch `parse` gives stored once, and exactly batch `correlate`'s app error
 * verdicts, each once (README "The agent": outages).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import path from 'node:path';
import { metricSum, signalled, skipWithoutStub as skip, sleep, stubStats } from './agent-process.js';
import { assertLabLikeBatch, withLab } from './lab-records.js';
import { replay, waitFor } from './lab-replay-harness.js';

const SPOOL_MAX = 64 * 1024;
const OUTAGE_MS = 60_000;

test(
  '429s, then Elasticsearch unreachable for 60 s, then back: the full spool pauses reading, then every record and verdict is stored once',
  { skip, timeout: 240_000 },
  () =>
    withLab({ spool_max_bytes: SPOOL_MAX }, async (env) => {
      const { stub, sc, agent } = env;
      const lines = async () => metricSum(await agent.metrics(), 'goneaway_lines_read_total');
      const written = () => [...sc.files.values()].reduce((n, f) => n + fs.statSync(f).size, 0);
      // the writer goes on for ~45 s: through the 429s and well into the outage
      const writing = replay(sc, 45, () => 1000);
      await waitFor(async () => ((await lines()) > 0 ? true : undefined), 20_000, 'the agent reading');
      await sleep(1500);
      await stub.command('mode', { status: 429, ms: 8000 });
      await sleep(8000);
      await stub.command('down', { ms: OUTAGE_MS });
      const downAt = Date.now();

      // the spool reaches its cap; the next write waits for room, so the agent reads no more lines
      await waitFor(
        async () => (metricSum(await agent.metrics(), 'goneaway_spool_bytes') >= SPOOL_MAX ? true : undefined),
        OUTAGE_MS - 15_000,
        'the spool to fill during the outage',
      );
      await sleep(2000); // the turn that was running when the cap was reached ends
      const [read1, size1] = [await lines(), written()];
      await sleep(5000);
      const [read2, size2] = [await lines(), written()];
      assert.ok(Date.now() - downAt < OUTAGE_MS, 'measured while the cluster was down');
      assert.ok(size2 > size1, `the writer went on (${size1} → ${size2} bytes)`);
      assert.equal(read2, read1, 'no line read while the spool is full and the cluster down');
      assert.ok(fs.readdirSync(path.join(sc.state, 'spool')).length > 0, 'segments on disk');

      await writing;
      const totalLines = [...sc.files.values()].reduce(
        (n, f) => n + fs.readFileSync(f, 'utf8').split('\n').length - 1,
        0,
      );
      // back after the outage: the drainer empties the spool, reading resumes and catches up
      await assertLabLikeBatch(env, OUTAGE_MS + 90_000);
      const m = await agent.metrics();
      assert.equal(metricSum(m, 'goneaway_lines_read_total'), totalLines, 'each line read once');
      assert.equal(metricSum(m, 'goneaway_spool_bytes'), 0, 'the spool drained');
      assert.ok((await stubStats(stub)).rejected > 0, 'the 429s were answered');
      // the config names one (agent-process.ts stubOutput): the spool alone keeps what is not indexed yet
      assert.ok(!fs.existsSync(path.join(sc.dir, 'leftover.ndjson')), 'no leftover file beside the spool');
      assert.equal((await signalled(agent.proc, 'SIGTERM')).code, 0, 'SIGTERM after catching up: exit 0');
    }),
);
