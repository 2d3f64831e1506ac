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
 * - A cluster that refuses (401) and then fills its disk (the flood-stage block on every item), behind the fault
 *   proxy (test/sinks/elasticsearch/fault-proxy.ts): refused batches are spooled at once, not lost, and survive a
 *   kill -9; blocked documents are sent again, never dead-lettered (docs/elasticsearch.md "Failures").
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
  editConfig,
  metricSum,
  signalled,
  skipWithoutStub as skip,
  sleep,
  spawnAgent,
  storedRecords,
  stubOutput,
  stubStats,
} from './agent-process.js';
import { assertLabLikeBatch, labRecords, recordKey, withLab, type LabEnv } from './lab-records.js';
import { exited, replay, scenario, startStub, waitFor } from './lab-replay-harness.js';
import { startFaultProxy, type Fault, type FaultProxy } from '../sinks/elasticsearch/fault-proxy.js';

const SPOOL_MAX = 64 * 1024;
const OUTAGE_MS = 60_000;
/** the 429/outage test's writer: rounds of the lab, how many before the outage at most, rounds showing the pause */
const ROUNDS = 45;
const HELD_BACK = 12;
const PROOF_ROUNDS = 3;

describe('the whole agent on the lab replay, under faults', { concurrency: true, skip }, () => {
  test(
    '429s, then Elasticsearch unreachable for 60 s, then back: the full spool pauses reading, then every record and verdict is stored once',
    { timeout: 300_000 },
    () =>
      // a small resident bound, well under the default: the agent reads little ahead, so a write waits for room as the
      // drainer empties the spool after the outage — the case in which a segment was left without a drainer
      // (docs/elasticsearch.md "The spool's drainer")
      withLab({ spool_max_bytes: SPOOL_MAX, max_resident_records: 6000 }, async (env) => {
        const { stub, sc, agent } = env;
        const metric = async (name: string, labels?: Record<string, string>) =>
          metricSum(await agent.metrics(), name, labels);
        const lines = () => metric('goneaway_lines_read_total');
        const written = () => [...sc.files.values()].reduce((n, f) => n + fs.statSync(f).size, 0);
        // Every wait below is on a condition (a count, a size, an answer) with a generous ceiling, never a guessed
        // duration: under load each step takes longer. The writer appends a round a second, but it is paced by the
        // test's phases, not by the clock: before the outage it stops at round HELD_BACK (however long the 429
        // phase takes, rounds are left for the outage), and once reading is shown paused it writes the rest fast.
        let phase: 'before' | 'outage' | 'after' = 'before';
        let rounds = 0;
        const gate = async (c: number) => {
          rounds = c;
          while (phase === 'before' && c >= HELD_BACK) await sleep(100);
        };
        const writing = replay(sc, ROUNDS, () => (phase === 'after' ? 100 : 1000), gate);
        let writerDone = false;
        void writing.finally(() => (writerDone = true));
        try {
          const created = async () => (await stubStats(stub)).created;
          await waitFor(async () => ((await created()) > 0 ? true : undefined), 60_000, 'the first documents indexed');
          // 429 on every bulk item until the agent has met them: rejected by the cluster and counted as retried by
          // the agent (taken back, then retried or spooled); then the cluster takes documents again
          await stub.command('mode', { status: 429, ms: 120_000 });
          await waitFor(
            async () =>
              (await stubStats(stub)).rejected > 0 &&
              (await metric('goneaway_bulk_items_total', { outcome: 'retried' })) > 0
                ? true
                : undefined,
            60_000,
            'a 429 answered and the agent retrying',
          );
          await stub.command('mode', { status: 0, ms: 0 });
          const after429 = await created();
          await waitFor(
            async () => ((await created()) > after429 ? true : undefined),
            60_000,
            'documents taken after the 429s',
          );

          await stub.command('down', { ms: OUTAGE_MS });
          const back = Date.now() + OUTAGE_MS;
          phase = 'outage';
          const down = () =>
            fetch(stub.url).then(
              () => false,
              () => true,
            );
          // the spool reaches its cap; the next write waits for room, so the agent reads no more lines
          await waitFor(
            async () => ((await metric('goneaway_spool_bytes')) >= SPOOL_MAX ? true : undefined),
            back - Date.now(),
            'the spool to fill during the outage',
          );
          // Reading has stopped: over PROOF_ROUNDS rounds the writer appended, the agent read no line. The turn that
          // ran when the cap was reached may still take lines: a window with lines read is not the proof, the next
          // one is asked for. An agent whose reading the full spool does not pause reads each round within a turn
          // (1 s): no window comes, and the wait fails when the cluster is back.
          const proof = await waitFor(
            async () => {
              const [read0, round0, size0] = [await lines(), rounds, written()];
              while (rounds < round0 + PROOF_ROUNDS) {
                if (writerDone) throw new Error('the writer ran out of rounds before reading was shown paused');
                await sleep(100);
              }
              const read1 = await lines();
              return read1 === read0 ? { read: read1, size0, size1: written() } : undefined;
            },
            back - Date.now(),
            'reading to stop while the writer goes on',
          );
          assert.ok(await down(), 'measured while the cluster was down');
          assert.ok(proof.size1 > proof.size0, `the writer went on (${proof.size0} → ${proof.size1} bytes)`);
          assert.ok(fs.readdirSync(path.join(sc.state, 'spool')).length > 0, 'segments on disk');
        } finally {
          phase = 'after';
        }

        await writing;
        const totalLines = [...sc.files.values()].reduce(
          (n, f) => n + fs.readFileSync(f, 'utf8').split('\n').length - 1,
          0,
        );
        // back after the outage: the drainer empties the spool, reading resumes and catches up. Caught up is a
        // state of the agent, not a quiet spell of the cluster: every line read, nothing spooled or held, and as
        // many records stored as batch `parse` gives _ids; then nothing more can come, and what is stored must be
        // batch's exactly — a record lost never gets there (the wait fails), one stored twice is counted below
        const wantIds = new Set(labRecords(sc.files).map((r) => r.same)).size;
        const caughtUp = async () => {
          const m = await agent.metrics();
          return metricSum(m, 'goneaway_lines_read_total') >= totalLines &&
            metricSum(m, 'goneaway_spool_bytes') === 0 &&
            metricSum(m, 'goneaway_resident_records') === 0 &&
            (await storedRecords(stub)).length >= wantIds
            ? true
            : undefined;
        };
        await assertLabLikeBatch(env, OUTAGE_MS + 120_000, caughtUp);
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
      const { writing, spooled } = await replayUntilIndexed(env);
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

  test('refused (401), killed with SIGKILL while refused, then the flood-stage disk block on every item, then back: spooled, never dead-lettered, every record and verdict once, as batch', () =>
    withFaultyLab(async (env, proxy) => {
      const { sc } = env;
      const { writing, spooled } = await replayUntilIndexed(env);
      proxy.set(UNAUTHORIZED);
      // a refusal is not retried for max_retry_time: the batch goes to the spool at once, acknowledged on disk
      await waitFor(async () => ((await spooled()) > 0 ? true : undefined), 20_000, 'a refused batch spooled');
      assert.ok(
        env.agent.log().some((l) => l.code === 'GA_ERR_ES_REQUEST' && String(l.err ?? '').includes('HTTP 401')),
        'the refusal is in the log with its code and status',
      );
      env.agent.proc.kill('SIGKILL');
      await exited(env.agent.proc, 5000);
      env.agent = await spawnAgent(sc.config, sc.dir);
      // the disk fills: every item blocked, until the agent has met the block a few times
      const faulted = proxy.stats.faulted;
      proxy.set(FLOOD_STAGE_403);
      await waitFor(
        async () => (proxy.stats.faulted >= faulted + 3 ? true : undefined),
        60_000,
        'the flood-stage block answered',
      );
      proxy.set(undefined);
      await writing;
      await assertLabLikeBatch(env, 90_000);
      assert.equal(await spooled(), 0, 'the spool drained');
      const dead = path.join(sc.dir, 'dead-letter.ndjson');
      assert.equal(fs.existsSync(dead) ? fs.readFileSync(dead, 'utf8') : '', '', 'nothing dead-lettered');
      assert.equal((await signalled(env.agent.proc, 'SIGTERM')).code, 0);
    }));
});

/** the lab written in 20 rounds 0.5 s apart, once the first documents are indexed; and the agent's spool size */
async function replayUntilIndexed(env: LabEnv) {
  const writing = replay(env.sc, 20, () => 500);
  const spooled = async () => metricSum(await env.agent.metrics(), 'goneaway_spool_bytes');
  await waitFor(
    async () => ((await stubStats(env.stub)).created > 0 ? true : undefined),
    30_000,
    'the first documents indexed',
  );
  return { writing, spooled };
}

const UNAUTHORIZED: Fault = {
  kind: 'status',
  status: 401,
  body: JSON.stringify({
    error: { type: 'security_exception', reason: 'unable to authenticate with provided credentials' },
    status: 401,
  }),
};

/** the flood-stage block as Elasticsearch before 7.x worded it on each item (403; 429 since) */
const FLOOD_STAGE_403: Fault = {
  kind: 'items',
  status: 403,
  error: {
    type: 'cluster_block_exception',
    reason: 'index [logs-goneaway.records-default] blocked by: [FORBIDDEN/12/index read-only / allow delete (api)];',
  },
};

/** withLab (lab-records.ts) with the fault proxy between the agent and the stand-in */
async function withFaultyLab(body: (env: LabEnv, proxy: FaultProxy) => Promise<void>) {
  const stub = await startStub();
  const proxy = await startFaultProxy(stub.url);
  const sc = scenario(proxy.url);
  editConfig(sc.config, (c) => (c.output = stubOutput(proxy.url, sc.dir)));
  const env: LabEnv = { stub, sc, agent: undefined as never };
  try {
    env.agent = await spawnAgent(sc.config, sc.dir);
    await body(env, proxy);
  } finally {
    env.agent?.proc.kill('SIGKILL');
    await proxy.close();
    stub.stop();
  }
}
