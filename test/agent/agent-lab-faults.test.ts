/**
 * Faults through the whole agent (`goneaway agent --config`, Elasticsearch = the recording stand-in) while
 * examples/lab/13_mixed is replayed into fresh files; each time the verdicts indexed must be batch
 * `correlate`'s on the same files and every record batch `parse` gives must be stored once, by _id:
 * - Elasticsearch faults: every bulk item answered 429 for a while, then the cluster unreachable for 60 s,
 *   then back. With a small spool (`agent.spool_max_bytes`), the full spool must pause reading — the agent's
 *   `goneaway_lines_read_total` stops growing while the writer goes on — and the agent must then catch up
 *   (README "The agent": outages).
 * - kill -9 during a steady write: the lab appended in 150 small rounds ~40 ms apart (every file a few lines
 *   each round, as on a live host, multi-line records split across rounds), the agent killed with SIGKILL
 *   three times at random moments and restarted from its checkpoints: the verdicts of an uninterrupted run
 *   (replay-lab-equals-batch.test.ts).
 * - kill -9 during an outage: the cluster down for 15 s in the middle of the replay, the agent killed once a batch
 *   is in its spool, restarted while the cluster is still down: the spool drained afterwards, every record and
 *   verdict once, as batch gives them.
 * - SIGTERM and restart: exit 0 within 10 s, and documents are sent again only from the checkpoints on (the
 *   correlation window holds positions back on purpose: those records are read and sent again, under their
 *   _ids). The exact form, without a window, is in agent-signals.test.ts.
 *
 * The three run at once: each has its own stand-in (port) and directory, and they mostly wait — the 60 s
 * outage above all —, so together they take about as long as the outage alone.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import path from 'node:path';
import {
  checkpoints,
  metricSum,
  signalled,
  skipWithoutStub as skip,
  sleep,
  spawnAgent,
  stubStats,
} from './agent-process.js';
import { assertLabLikeBatch, recordKey, withLab } from './lab-records.js';
import { exited, replay, waitFor } from './lab-replay-harness.js';

const SPOOL_MAX = 64 * 1024;
const OUTAGE_MS = 60_000;

describe('the whole agent on the lab replay, under faults', { concurrency: true, skip }, () => {
  test(
    '429s, then Elasticsearch unreachable for 60 s, then back: the full spool pauses reading, then every record and verdict is stored once',
    { timeout: 240_000 },
    () =>
      withLab({ spool_max_bytes: SPOOL_MAX }, async (env) => {
        const { stub, sc, agent } = env;
        const lines = async () => metricSum(await agent.metrics(), 'goneaway_lines_read_total');
        const written = () => [...sc.files.values()].reduce((n, f) => n + fs.statSync(f).size, 0);
        // the writer goes on for ~45 s: through the 429s and well into the outage. Every wait below is on a
        // condition (a count, a size, an answer), not a guessed duration: under load each step takes longer.
        const writing = replay(sc, 45, () => 1000);
        const created = async () => (await stubStats(stub)).created;
        await waitFor(async () => ((await created()) > 0 ? true : undefined), 30_000, 'the first documents indexed');
        const modeUntil = Date.now() + 8000;
        await stub.command('mode', { status: 429, ms: 8000 });
        await waitFor(async () => ((await stubStats(stub)).rejected > 0 ? true : undefined), 30_000, 'a 429 answered');
        await sleep(Math.max(0, modeUntil - Date.now())); // the 429 period the stand-in was given
        await stub.command('down', { ms: OUTAGE_MS });
        const down = () =>
          fetch(stub.url).then(
            () => false,
            () => true,
          );

        // the spool reaches its cap; the next write waits for room, so the agent reads no more lines
        await waitFor(
          async () => (metricSum(await agent.metrics(), 'goneaway_spool_bytes') >= SPOOL_MAX ? true : undefined),
          OUTAGE_MS - 15_000,
          'the spool to fill during the outage',
        );
        // the turn that was running when the cap was reached ends: the count stops moving (for longer than a turn)
        let [read1, since] = [await lines(), Date.now()];
        await waitFor(
          async () => {
            const now = await lines();
            if (now !== read1) [read1, since] = [now, Date.now()];
            return Date.now() - since >= 1500 ? true : undefined;
          },
          30_000,
          'reading to stop',
        );
        const size1 = written();
        // the writer appends a round a second: a round more, unread
        await waitFor(async () => (written() > size1 ? true : undefined), 20_000, 'the writer to go on');
        const [read2, size2] = [await lines(), written()];
        assert.ok(await down(), 'measured while the cluster was down');
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

  test('killed with SIGKILL during an Elasticsearch outage in the middle of the replay: every record and verdict once, as batch', () =>
    withLab({}, async (env) => {
      const { stub, sc } = env;
      const writing = replay(sc, 20, () => 500);
      const spooled = async () => metricSum(await env.agent.metrics(), 'goneaway_spool_bytes');
      await waitFor(
        async () => ((await stubStats(stub)).created > 0 ? true : undefined),
        30_000,
        'the first documents indexed',
      );
      await stub.command('down', { ms: 15_000 });
      // batches the cluster did not take within max_retry_time (2 s) are on disk, acknowledged: the kill comes then
      await waitFor(async () => ((await spooled()) > 0 ? true : undefined), 14_000, 'a batch spooled');
      env.agent.proc.kill('SIGKILL');
      await exited(env.agent.proc, 5000);
      env.agent = await spawnAgent(sc.config, sc.dir);
      await writing;
      // the spool written before the kill is drained after it, and what was read after the checkpoints again
      await assertLabLikeBatch(env, 90_000);
      assert.equal(await spooled(), 0, 'the spool drained');
      assert.equal((await signalled(env.agent.proc, 'SIGTERM')).code, 0);
    }));

  test('killed with SIGKILL at random moments during a steady write: every record once, the verdicts of an uninterrupted run', () =>
    withLab({}, async (env) => {
      const { sc } = env;
      const writing = replay(sc, 150, () => 40);
      for (let k = 0; k < 3; k++) {
        await sleep(800 + Math.floor(Math.random() * 1500));
        env.agent.proc.kill('SIGKILL');
        await exited(env.agent.proc, 5000);
        env.agent = await spawnAgent(sc.config, sc.dir);
      }
      await writing;
      await assertLabLikeBatch(env);
      assert.equal((await signalled(env.agent.proc, 'SIGTERM')).code, 0);
    }));

  test('SIGTERM and restart: exit 0, same verdicts as batch, every record once, and only documents from the checkpoints on sent again', () =>
    withLab({}, async (env) => {
      const { stub, sc } = env;
      const writing = replay(sc, 12, () => 300 + Math.floor(Math.random() * 500));
      await sleep(2500 + Math.floor(Math.random() * 2000));
      const stop = await signalled(env.agent.proc, 'SIGTERM');
      assert.equal(stop.code, 0, `SIGTERM: exit 0 (took ${stop.ms} ms)`);
      const cp = checkpoints(sc.state);
      const before = await stub.docs();
      const conflictsBefore = (await stubStats(stub)).conflicts;
      env.agent = await spawnAgent(sc.config, sc.dir);
      await writing;
      const records = await assertLabLikeBatch(env);
      // a document sent again comes from a line read again, at or after its file's checkpoint: a record
      // indexed before the stop (under its _id, which the same record of another file may share), or a verdict
      const again = (await stubStats(stub)).conflicts - conflictsBefore;
      const after = (file: string | undefined, offset: number | undefined) =>
        !(offset !== undefined && file !== undefined && offset < (cp.get(file) ?? 0));
      const groupOf = new Map(records.map((r) => [r.key, r.same]));
      const indexed = new Set(
        before.filter((d) => d._index.includes('records')).map((d) => groupOf.get(recordKey(d._source))),
      );
      const readAgain =
        records.filter((r) => indexed.has(r.same) && after(r.file, r.offset)).length +
        before.filter((d) => d._index.includes('verdicts') && after(d._source.log?.file?.path, d._source.log?.offset))
          .length;
      assert.ok(again <= readAgain, `${again} sent again, ${readAgain} indexed from the checkpoints on`);
      assert.equal((await signalled(env.agent.proc, 'SIGTERM')).code, 0);
    }));
});
