/**
 * The watermark through the whole agent (issue "Streaming correlation: the watermark"; the merge's rule alone is
 * merge-like-batch.test.ts): (a) a MySQL error log that goes silent while the other logs are still written stops
 * holding the watermark back — verdicts are indexed while the writing goes on, not only once every input is
 * quiet; (b) an app error written when every input is quiet has its verdict indexed without any later line: the
 * agent's own rule releases it (src/agent/agent.ts turn(): every input quiet for its idle time, the watermark moves
 * on with the clock from the newest record), seen in its watermark gone past the error's own time — which no record
 * released by the merge can take it to. That rule is what bounds the wall-clock delay (idle time + `correlate.settle`
 * + a turn, within the settle + 15 s); the test checks the rule, not a measured delay (no timing is asserted:
 * the waits below are guards against hanging, generous under load).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import path from 'node:path';
import {
  editConfig,
  metricSum,
  quiet,
  skipWithoutStub,
  spawnAgent,
  stubOutput,
  type AgentProcess,
} from './agent-process.js';
import {
  assertSameVerdicts,
  batchEvents,
  indexedAppErrors,
  LAB,
  replay,
  scenario,
  startStub,
  verdicts,
  waitFor,
  type Scenario,
  type Stub,
} from './lab-replay-harness.js';

/** a short settle: the verdicts of (b) come soon after the inputs go quiet */
const SETTLE_MS = 1000;
/** how long (b) waits for the verdicts at most: a guard against hanging on a loaded machine, not a bound */
const GUARD_MS = 120_000;

/** the agent's watermark (goneaway_watermark_seconds), in ms */
const watermark = async (agent: AgentProcess) => metricSum(await agent.metrics(), 'goneaway_watermark_seconds') * 1000;

async function withAgentOnLab(body: (stub: Stub, sc: Scenario, agent: AgentProcess) => Promise<void>): Promise<void> {
  const stub = await startStub();
  const sc = scenario(stub.url);
  editConfig(sc.config, (c) => {
    c.output = stubOutput(stub.url, sc.dir);
    c.correlate = { settle: `${SETTLE_MS}ms` };
  });
  const agent = await spawnAgent(sc.config, sc.dir);
  try {
    await body(stub, sc, agent);
  } finally {
    agent.proc.kill('SIGKILL');
    stub.stop();
  }
}

const appErrors = async (stub: Stub) => (await verdicts(stub)).filter((v) => v.goneaway.kind === 'app_error');

test(
  'a MySQL error log silent while the others are written: verdicts are indexed while the writing goes on',
  { skip: skipWithoutStub },
  async () => {
    await withAgentOnLab(async (stub, sc) => {
      const chunks = 20;
      let beforeLast = -1;
      // replica2's error log gets its first two rounds only, then stays silent; the others go on, a round every
      // 0.4-0.8 s (no input of theirs is quiet for the agent's 5 s, so it is not "every input quiet")
      await replay(
        sc,
        chunks,
        () => 400 + Math.floor(Math.random() * 400),
        async (c) => {
          if (c === chunks - 1) beforeLast = (await appErrors(stub)).length;
        },
        (name, c) => name !== 'replica2-error.log' || c < 2,
      );
      assert.ok(beforeLast > 0, `${beforeLast} app-error verdicts indexed before the last round was written`);
      // and in the end, the verdicts are batch's on the same files
      const want = batchEvents(sc);
      await indexedAppErrors(stub, want.filter((v) => v.goneaway.kind === 'app_error').length);
      await quiet(stub);
      assertSameVerdicts(await verdicts(stub), want);
    });
  },
);

/**
 * Writes the lab with app-node.log's last lines held back (no comparison with batch here: lines written long
 * after their time, once the other inputs went quiet, are not batch's order — the errors decided meanwhile were
 * decided without them), waits until every input is quiet, writes them, and
 * returns when each line was written (by offset) and the path.
 */
async function lastErrorsAfterQuiet(stub: Stub, sc: Scenario): Promise<{ file: string; written: Map<number, number> }> {
  const file = sc.files.get('app-node.log')!;
  const lines = fs
    .readFileSync(path.join(LAB, 'app-node.log'), 'utf8')
    .split(/(?<=\n)/)
    .filter((l) => l);
  const held = lines.slice(-HELD_BACK);
  // app-node.log gets all but its last lines (the replay writes none of it; they are appended below)
  await replay(
    sc,
    4,
    () => 200,
    undefined,
    (name) => name !== 'app-node.log',
  );
  fs.appendFileSync(file, lines.slice(0, -HELD_BACK).join(''));
  await quiet(stub); // every input quiet for the agent's 5 s, nothing more coming
  const written = new Map<number, number>();
  for (const l of held) {
    written.set(fs.statSync(file).size, Date.now());
    fs.appendFileSync(file, l);
  }
  return { file, written };
}

/** app-node.log's lines written after the quiet: PROTOCOL_CONNECTION_LOST errors the lab's logs explain */
const HELD_BACK = 3;

test(
  'app errors written when every input is quiet: the quiet inputs release their verdicts, the watermark moving on with the clock',
  { skip: skipWithoutStub },
  async () => {
    await withAgentOnLab(async (stub, sc, agent) => {
      const { file, written } = await lastErrorsAfterQuiet(stub, sc);
      const seen = new Map<number, string>();
      await waitFor(
        async () => {
          for (const v of await appErrors(stub))
            if (v.log.file.path === file && written.has(v.log.offset)) seen.set(v.log.offset, v['@timestamp']);
          return seen.size === written.size ? true : undefined;
        },
        GUARD_MS,
        `${written.size} verdicts of the errors written last (no line written after them)`,
      );
      // the newest record is the last error: only the quiet rule takes the watermark past it, by settle at least
      const newest = Math.max(...[...seen.values()].map((t) => Date.parse(t)));
      const w = await watermark(agent);
      assert.ok(w >= newest + SETTLE_MS, `watermark ${w} is past the newest record (${newest}) by settle`);
    });
  },
);

test(
  'an app error no log explains, written when every input is quiet: the quiet inputs release its unknown verdict',
  { skip: skipWithoutStub },
  async () => {
    await withAgentOnLab(async (stub, sc, agent) => {
      const { file } = await lastErrorsAfterQuiet(stub, sc);
      await quiet(stub);
      // the lab's last Node error 20 minutes later (past correlate.max_error_lag), from a local port and thread no
      // log has: nothing can explain it, and an undecided error is decided again after window.ts RETRY_AFTER (it
      // waits for the lines of a server's restart), which the quiet rule must reach too
      const last = fs.readFileSync(path.join(LAB, 'app-node.log'), 'utf8').trimEnd().split('\n').pop()!;
      const lone = JSON.parse(last) as { time: number; db: { localPort: number; threadId: number } };
      lone.time += 20 * 60_000;
      lone.db.localPort = 1;
      lone.db.threadId = 999_999;
      const offset = fs.statSync(file).size;
      fs.appendFileSync(file, JSON.stringify(lone) + '\n');
      let cause: string | undefined;
      await waitFor(
        async () => {
          const v = (await appErrors(stub)).find((x) => x.log.file.path === file && x.log.offset === offset);
          if (v) cause = String(v.goneaway.cause);
          return v ? true : undefined;
        },
        GUARD_MS,
        'the verdict of the lone error (no line written after it)',
      );
      assert.equal(cause, 'unknown');
      // released by the quiet rule: the watermark went past the lone error's own time, which no later record set
      const w = await watermark(agent);
      assert.ok(w >= lone.time + SETTLE_MS, `watermark ${w} is past the lone error (${lone.time}) by settle`);
    });
  },
);
