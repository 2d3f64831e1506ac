/**
 * The watermark through the whole agent (issue "Streaming correlation: the watermark"; the merge's rule alone is
 * merge-like-batch.test.ts): (a) a MySQL error log that goes silent while the other logs are still written stops
 * holding the watermark back — verdicts are indexed while the writing goes on, not only once every input is
 * quiet; (b) an app error written when every input is quiet has its verdict indexed at most
 * `correlate.settle` + 15 s of wall clock after its line was written (the bound: a contract, not a speed
 * measurement), measured from the write to the moment the stand-in is seen holding it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import path from 'node:path';
import { editConfig, quiet, skipWithoutStub, spawnAgent, stubOutput } from './agent-process.js';
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

/** a short settle, so the bound of (b) is 16 s */
const SETTLE_MS = 1000;

async function withAgentOnLab(body: (stub: Stub, sc: Scenario) => Promise<void>): Promise<void> {
  const stub = await startStub();
  const sc = scenario(stub.url);
  editConfig(sc.config, (c) => {
    c.output = stubOutput(stub.url, sc.dir);
    c.correlate = { settle: `${SETTLE_MS}ms` };
  });
  const agent = await spawnAgent(sc.config, sc.dir);
  try {
    await body(stub, sc);
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
  'app errors written when every input is quiet: their verdicts are indexed within correlate.settle + 15 s',
  { skip: skipWithoutStub },
  async () => {
    await withAgentOnLab(async (stub, sc) => {
      const { file, written } = await lastErrorsAfterQuiet(stub, sc);
      const seen = new Map<number, number>();
      // the wait goes past the bound, so that a late verdict is reported with how late it was
      await waitFor(
        async () => {
          for (const v of await appErrors(stub))
            if (v.log.file.path === file && written.has(v.log.offset) && !seen.has(v.log.offset))
              seen.set(v.log.offset, Date.now());
          return seen.size === written.size ? true : undefined;
        },
        SETTLE_MS + 45_000,
        `${written.size} verdicts of the errors written last`,
      );
      const bound = SETTLE_MS + 15_000;
      for (const [offset, at] of written) {
        const late = seen.get(offset)! - at;
        assert.ok(late <= bound, `${file}:${offset} indexed ${late} ms after its line was written (bound ${bound} ms)`);
      }
    });
  },
);

test(
  'an app error no log explains, written when every input is quiet: its unknown verdict is indexed within correlate.settle + 15 s',
  { skip: skipWithoutStub },
  async () => {
    await withAgentOnLab(async (stub, sc) => {
      const { file } = await lastErrorsAfterQuiet(stub, sc);
      await quiet(stub);
      // the lab's last Node error 20 minutes later (past correlate.max_error_lag), from a local port and thread no
      // log has: nothing can explain it, and an undecided error is decided again after window.ts RETRY_AFTER (it
      // waits for the lines of a server's restart), which must fit in the bound too
      const last = fs.readFileSync(path.join(LAB, 'app-node.log'), 'utf8').trimEnd().split('\n').pop()!;
      const lone = JSON.parse(last) as { time: number; db: { localPort: number; threadId: number } };
      lone.time += 20 * 60_000;
      lone.db.localPort = 1;
      lone.db.threadId = 999_999;
      const offset = fs.statSync(file).size;
      const at = Date.now();
      fs.appendFileSync(file, JSON.stringify(lone) + '\n');
      let seen: number | undefined;
      let cause: string | undefined;
      await waitFor(
        async () => {
          const v = (await appErrors(stub)).find((x) => x.log.file.path === file && x.log.offset === offset);
          if (v) [seen, cause] = [Date.now(), String(v.goneaway.cause)];
          return v ? true : undefined;
        },
        SETTLE_MS + 45_000,
        'the verdict of the lone error',
      );
      assert.equal(cause, 'unknown');
      const bound = SETTLE_MS + 15_000;
      assert.ok(seen! - at <= bound, `indexed ${seen! - at} ms after its line was written (bound ${bound} ms)`);
    });
  },
);
