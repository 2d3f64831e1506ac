/**
 * A record cut at idle, then `kill -9` and a restart that reads it again (docs/agent-inputs.md "Records cut at idle,
 * 2026-12-07").
 * An app error with a Python traceback is written in two parts, the agent's `agent.idle_after` (1 s) passing between
 * them: the agent takes the first part as a complete record, and the rest as a record of its own. The window holds
 * the error (a long `correlate.settle`: no verdict yet), so the checkpoint stays before it; the agent is killed with
 * SIGKILL and restarted, and reads the error's lines again. It must make the records the live run made: every line
 * in one document only, and the record `_id`s those of a run that was not restarted. (Before the cut was kept, the
 * restart read the error whole, one record under another `_id`: its lines indexed twice.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import path from 'node:path';
import {
  checkpoints,
  metricSum,
  quiet,
  skipWithoutStub as skip,
  spawnAgent,
  storedRecords,
  stubOutput,
  stubStats,
  writeConfig,
  type AgentProcess,
  type StoredDoc,
} from './agent-process.js';
import { tmp } from './helpers.js';
import { exited, startStub, waitFor } from './lab-replay-harness.js';

/** Python's logging (`%(asctime)s %(levelname)s [%(threadName)s] %(name)s: %(message)s`) at `ms` past `t0` */
const stamp = (t0: number, ms: number) =>
  new Date(t0 + ms).toISOString().replace('T', ' ').replace('.', ',').slice(0, 23);
const LOST = "(2013, 'Lost connection to MySQL server during query')";

/** the log's text in three writes: a line before, the error's first lines, the rest of its traceback */
function parts(t0: number): [string, string, string] {
  return [
    `${stamp(t0, 0)} INFO [py-1] shop.reports: report started\n`,
    `${stamp(t0, 500)} ERROR [py-1] shop.reports: report query failed: ${LOST}\nTraceback (most recent call last):\n`,
    '  File "/srv/shop/worker.py", line 110, in handle\n    n = run_query(sql, args)\n' +
      `pymysql.err.OperationalError: ${LOST}\n`,
  ];
}

/** the byte offsets of the lines a stored record covers */
const linesOf = (d: StoredDoc): number[] => {
  const out: number[] = [];
  let at = d._source.log.offset as number;
  for (const line of (d._source.event.original as string).split('\n')) {
    out.push(at);
    at += Buffer.byteLength(line) + 1;
  }
  return out;
};

const storedAt = async (stub: Awaited<ReturnType<typeof startStub>>, offset: number) =>
  (await storedRecords(stub)).some((d) => d._source.log.offset === offset) ? true : undefined;

async function run(t0: number, kill: boolean) {
  const stub = await startStub();
  const dir = tmp(kill ? 'idle-cut-killed' : 'idle-cut-whole');
  const [log, state] = [path.join(dir, 'app.log'), path.join(dir, 'state')];
  fs.writeFileSync(log, '');
  const config = writeConfig(dir, {
    timezone: 'UTC',
    app: { files: [log] },
    // settle: the error waits for its verdict longer than the test, and the window holds it (and the checkpoint)
    correlate: { settle: '10m', redact_sql: false },
    agent: { state_dir: state, start_at: 'beginning', http: '127.0.0.1:0', idle_after: '1s' },
    output: stubOutput(stub.url, dir),
  });
  let agent: AgentProcess | undefined;
  try {
    agent = await spawnAgent(config, dir);
    const [before, head, rest] = parts(t0);
    const errorAt = Buffer.byteLength(before);
    const restAt = errorAt + Buffer.byteLength(head);
    fs.appendFileSync(log, before + head);
    // the file goes quiet: the error's first lines are a record, indexed
    await waitFor(() => storedAt(stub, errorAt), 60_000, 'the first part of the error indexed');
    fs.appendFileSync(log, rest);
    await waitFor(() => storedAt(stub, restAt), 60_000, 'the rest of the traceback indexed');
    if (kill) {
      // the window holds the error: a restart now reads it again
      const at = checkpoints(state).get(log);
      assert.ok(at !== undefined && at <= errorAt, `checkpoint at ${at}, before the error at ${errorAt}`);
      const sent = await stubStats(stub);
      agent.proc.kill('SIGKILL');
      await exited(agent.proc, 5000);
      agent = await spawnAgent(config, dir);
      // the restart sends the error's records again (409: already there, or new under another _id); the last one
      // once the file is quiet again (1 s), which the quiet wait below covers
      await waitFor(
        async () => {
          const s = await stubStats(stub);
          return s.created + s.conflicts > sent.created + sent.conflicts ? true : undefined;
        },
        60_000,
        'the records read again sent',
      );
    }
    await quiet(stub, 5000);
    const cuts = metricSum(await agent.metrics(), 'goneaway_idle_cuts_total', { outcome: 'kept' });
    return { docs: await storedRecords(stub), cuts };
  } finally {
    agent?.proc.kill('SIGKILL');
    stub.stop();
  }
}

test(
  'a record cut at idle, then SIGKILL and a restart that reads it again: every line in one document, the _ids of a run not restarted',
  { skip, timeout: 240_000 },
  async () => {
    const t0 = Date.now() - 60_000;
    const [{ docs: whole, cuts }, { docs: killed }] = await Promise.all([run(t0, false), run(t0, true)]);
    const byLine = new Map<number, string[]>();
    for (const d of killed) for (const at of linesOf(d)) byLine.set(at, [...(byLine.get(at) ?? []), d._id]);
    const twice = [...byLine].filter(([, ids]) => ids.length > 1);
    assert.deepEqual(twice, [], 'lines in more than one document');
    const ids = (docs: StoredDoc[]) => docs.map((d) => d._id).sort();
    assert.deepEqual(ids(killed), ids(whole), 'the record _ids of the run not restarted');
    assert.equal(whole.length, 2, 'the error cut in two records');
    // the metric: two records ended at idle, each cut kept (the error's first part, then the rest of its traceback
    // when the file went quiet again)
    assert.equal(cuts, 2, 'goneaway_idle_cuts_total{outcome="kept"}');
  },
);
