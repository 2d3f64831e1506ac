/**
 * kill -9 right after a rename rotation: the lab scenario (examples/lab/13_mixed) is replayed twice at once, into
 * two directories, every file renamed to NAME.1 and created again halfway (lab-replay-harness.ts replay). One
 * agent runs through it uninterrupted; the other is killed with SIGKILL in the round after the rename and
 * restarted. After the restart the renamed files are found again under NAME.1 and read on from their
 * checkpoints; their records must still be the uninterrupted run's: the same _ids, under the path they were
 * first read under (NAME), at the same offsets — and the verdicts batch `correlate` gives
 * (docs/agent-inputs.md "Paths after a rotation").
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import path from 'node:path';
import { exited, startStub, waitFor, type Scenario, type Stub } from './lab-replay-harness.js';
import { assertSameVerdicts, batchEvents, replay, scenario, verdictKey, verdicts } from './lab-replay-harness.js';
import {
  quiet,
  skipWithoutStub as skip,
  spawnAgent,
  storedRecords,
  stubOutput,
  type AgentProcess,
} from './agent-process.js';
import { editConfig } from './agent-process.js';
import { assertSameKeys } from './lab-records.js';

/**
 * Two rounds, the rotation between them: each round ends where a record starts (replay rotates between two records)
 * or at the end of the file. A round ending inside a multi-line record (a PHP stack trace) would let a pause in the
 * writing longer than the agent's idle time — the restart's, or any on a loaded machine — complete that record
 * early in one run and not in the other: other records, by the agent's rule, not by the restart.
 */
const ROUNDS = 2;
const ROTATE_AT = 1;

/** every file of the scenario has a checkpoint: the agent has opened them all (before the rotation) */
const allTracked = (sc: Scenario) => async () => {
  try {
    const saved = JSON.parse(fs.readFileSync(path.join(sc.state, 'checkpoints.json'), 'utf8')) as {
      files: unknown[];
    };
    return saved.files.length >= sc.files.size ? true : undefined;
  } catch {
    return undefined;
  }
};

/** a stored document as the two runs can compare it: its _id, its path inside the run's log directory, offset */
const stored = (sc: Scenario, d: { _id: string; _source: any }) =>
  [d._id, path.relative(sc.logs, d._source.log?.file?.path ?? ''), d._source.log?.offset].join('|');

async function run(kill: boolean) {
  const stub = await startStub();
  // the writing pauses at the rotation (the gate, the restart): on a loaded machine longer than the 5 s default of
  // agent.idle_after, and then the quiet inputs let the watermark move on with the clock, and the next round's lines
  // come behind it (late records: other verdicts, by the idle rule, not by the restart). The pauses here are the
  // test's, not the logs': no input is quiet for 20 s
  const sc = scenario(stub.url, { max_resident_records: 6000, idle_after: '20s' });
  editConfig(sc.config, (c) => (c.output = stubOutput(stub.url, sc.dir)));
  let agent: AgentProcess | undefined;
  try {
    agent = await spawnAgent(sc.config, sc.dir);
    const gate = async (c: number) => {
      if (c === ROTATE_AT) await waitFor(allTracked(sc), 60_000, 'every file checkpointed');
    };
    // right after the rename, before anything is written to the new files: the old files end with a whole record
    // (replay rotates between two), so the pause the restart makes in the writing cuts no record in two
    const rotated = async () => {
      if (!kill) return;
      agent!.proc.kill('SIGKILL');
      await exited(agent!.proc, 5000);
      agent = await spawnAgent(sc.config, sc.dir);
    };
    await replay(sc, ROUNDS, () => 300, gate, undefined, ROTATE_AT, rotated);
    const want = batchEvents(sc);
    const errors = want.filter((v) => v.goneaway.kind === 'app_error').length;
    let seen = 0;
    const indexed = async () =>
      (seen = (await verdicts(stub)).filter((v) => v.goneaway.kind === 'app_error').length) >= errors
        ? true
        : undefined;
    await waitFor(indexed, 180_000, `${errors} app error verdicts`).catch(async (e: Error) => {
      const got = new Set((await verdicts(stub)).map(verdictKey));
      const missing = want.filter((v) => v.goneaway.kind === 'app_error' && !got.has(verdictKey(v))).map(verdictKey);
      throw new Error(`${kill ? 'killed' : 'whole'} run: ${seen} indexed, missing ${missing.join(', ')}; ${e.message}`);
    });
    await quiet(stub);
    const docs = await stub.docs();
    return {
      sc,
      want,
      got: await verdicts(stub),
      records: (await storedRecords(stub)).map((d) => stored(sc, d)),
      docs,
    };
  } finally {
    agent?.proc.kill('SIGKILL');
    stub.stop();
  }
}

const appErrorIds = (sc: Scenario, docs: Awaited<ReturnType<Stub['docs']>>) =>
  docs
    .filter((d) => d._source.goneaway?.kind === 'app_error' && d._index.includes('verdicts'))
    .map((d) => stored(sc, d));

test(
  'killed with SIGKILL right after a rename rotation and restarted: every record keeps its _id, path and offset, and the verdicts are an uninterrupted run’s',
  { skip, timeout: 420_000 },
  async () => {
    const [whole, killed] = await Promise.all([run(false), run(true)]);
    assert.ok(killed.sc.rotated.size === killed.sc.files.size, 'every file was rotated');
    assertSameKeys(killed.records, whole.records, 'records (_id|path|offset)', assert.fail);
    assertSameKeys(
      appErrorIds(killed.sc, killed.docs),
      appErrorIds(whole.sc, whole.docs),
      'app error verdicts (_id|path|offset)',
      assert.fail,
    );
    assertSameVerdicts(killed.got, killed.want);
  },
);
