/**
 * Signals through the whole agent (README "The agent": signals). SIGTERM flushes, checkpoints and exits 0
 * within 10 s, and a restart repeats nothing that was acknowledged and loses nothing; SIGHUP reloads the
 * config — a file added, one removed — keeping the positions of the files kept.
 *
 * The steady writers here write lines no parser reads (kept as `unparsed` HAProxy records): such records
 * never enter the correlation window, so no hold keeps a checkpoint back and "nothing repeated" can be
 * exact — the stand-in must answer no create with 409. The lab replay then checks the same with
 * verdicts, where the window legitimately holds positions back (those records are re-read and re-sent
 * under their _ids): only documents from the checkpoint on may come again.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import path from 'node:path';
import {
  assertEachOnce,
  quiet,
  signalled,
  skipWithoutStub as skip,
  sleep,
  spawnAgent,
  storedRecords,
  stubStats,
  withAgent,
} from './agent-process.js';
import { assertLabLikeBatch, recordKey, withLab } from './lab-records.js';
import { SteadyWriter } from './helpers.js';
import { replay, waitFor } from './lab-replay-harness.js';

interface Saved {
  files: Array<{ path: string; offset: number }>;
}
const checkpoints = (state: string): Map<string, number> =>
  new Map(
    (JSON.parse(fs.readFileSync(path.join(state, 'checkpoints.json'), 'utf8')) as Saved).files.map((c) => [
      c.path,
      c.offset,
    ]),
  );

test(
  'SIGTERM during steady writes: exit 0 within 10 s with every indexed line checkpointed; after a restart every line once, none sent twice',
  { skip },
  () =>
    withAgent(
      'agent-term',
      (dir) => ({ haproxy: { files: [path.join(dir, 'haproxy.log')] } }),
      async (env) => {
        const file = path.join(env.dir, 'haproxy.log');
        const w = new SteadyWriter(file, 'term', 2).start(20);
        try {
          await sleep(1500 + Math.floor(Math.random() * 1000));
          const stop = await signalled(env.agent.proc, 'SIGTERM');
          assert.equal(stop.code, 0, `SIGTERM: exit 0 (took ${stop.ms} ms)`);
          // Filebeat's contract at a clean stop: what was indexed is checkpointed, and only that
          const cp = checkpoints(env.state).get(file)!;
          const before = await storedRecords(env.stub);
          const upToCp = [...w.written.values()].filter((x) => x.offset < cp).map((x) => x.text);
          assert.ok(upToCp.length > 0, 'lines were indexed before SIGTERM');
          assert.deepEqual(before.map((r) => r._source.event.original as string).sort(), upToCp.sort());
          env.agent = await spawnAgent(env.config, env.dir);
          await sleep(1500);
        } finally {
          w.stop();
        }
        await quiet(env.stub, 3000);
        assertEachOnce(await storedRecords(env.stub), w.written, assert.fail);
        assert.equal((await stubStats(env.stub)).conflicts, 0, 'nothing acknowledged was sent again');
        assert.equal((await signalled(env.agent.proc, 'SIGTERM')).code, 0);
      },
    ),
);

test(
  'SIGHUP with a file added and one removed: the kept file goes on from its position, the added one is read from its start, the removed one no more',
  { skip },
  () => {
    const files = (dir: string, ...names: string[]) => ({ haproxy: { files: names.map((n) => path.join(dir, n)) } });
    return withAgent(
      'agent-hup',
      (dir) => files(dir, 'a.log', 'b.log'),
      async ({ stub, dir, agent, configure }) => {
        const [a, b, c] = ['a', 'b', 'c'].map((n) => path.join(dir, `${n}.log`)) as [string, string, string];
        const ws = [a, b, c].map((f, i) => new SteadyWriter(f, `hup-${i}`, 2).start(20));
        let bAtReload: Set<string>;
        try {
          await sleep(1500);
          configure(files(dir, 'a.log', 'c.log'));
          agent.proc.kill('SIGHUP');
          const reloaded = async () => (agent.log().some((l) => l.msg === 'agent restarted') ? true : undefined);
          await waitFor(reloaded, 20_000, 'the reload');
          bAtReload = new Set(ws[1]!.written.keys());
          await sleep(1500);
        } finally {
          for (const w of ws) w.stop();
        }
        await quiet(stub, 3000);
        const records = await storedRecords(stub);
        const of = (f: string) => records.filter((r) => r._source.log.file.path === f);
        assertEachOnce(of(a), ws[0]!.written, assert.fail);
        assertEachOnce(of(c), ws[2]!.written, assert.fail);
        const bStored = of(b).map((r) => r._source.event.original as string);
        assert.ok(bStored.length > 0, 'b was read before the reload');
        assert.equal(new Set(bStored).size, bStored.length, 'no line of b twice');
        assert.deepEqual(
          bStored.filter((t) => !bAtReload.has(t)),
          [],
          'nothing b got after the reload is read',
        );
        assert.equal((await stubStats(stub)).conflicts, 0, 'a is not read again from an earlier position');
        assert.equal((await signalled(agent.proc, 'SIGTERM')).code, 0);
      },
    );
  },
);

test(
  'lab replay, SIGTERM and restart: same verdicts as batch, every record once, and only documents from the checkpoints on sent again',
  { skip },
  () =>
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
    }),
);
