/**
 * Signals through the whole agent (README "The agent": signals). SIGTERM flushes, checkpoints and exits 0
 * within 10 s, and a restart repeats nothing that was acknowledged and loses nothing; SIGHUP reloads the
 * config — a file added, one removed — keeping the positions of the files kept; an app file's clients changed
 * are applied to the errors decided after the reload, a change of `correlate.*` is logged, one of
 * `agent.state_dir` refused.
 *
 * The steady writers here write lines no parser reads (kept as `unparsed` HAProxy records): such records
 * never enter the correlation window, so no hold keeps a checkpoint back and "nothing repeated" can be
 * exact — the stand-in must answer no create with 409. SIGTERM on the lab replay, where the window
 * legitimately holds positions back, is in agent-lab-faults.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import path from 'node:path';
import { Incident, T0 } from '../correlate/scenario.js';
import {
  assertEachOnce,
  checkpoints,
  editConfig,
  quiet,
  signalled,
  skipWithoutStub as skip,
  sleep,
  spawnAgent,
  storedRecords,
  stubStats,
  withAgent,
} from './agent-process.js';
import { SteadyWriter } from './helpers.js';
import { verdicts, waitFor } from './lab-replay-harness.js';

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
  "SIGHUP with an app file's clients changed: errors decided after the reload use the new clients; a correlate change is logged, a state_dir change refused",
  { skip, timeout: 120_000 },
  () => {
    const inputs = (dir: string, clients: string[]) => ({
      haproxy: { files: [path.join(dir, 'haproxy.log')] },
      app: { files: [{ path: path.join(dir, 'app-php.log'), clients }] },
    });
    // each part: one PHP 2006 error and its one closure, from 10.0.1.11 (test/correlate/scenario.ts shapes)
    const part = (t: number, port: number) =>
      new Incident()
        .session({ port, accept: t - 20_000, tt: 19_700, state: 'cD', ip: '10.0.1.11' })
        .php2006(t)
        // a quiet session later: the window moves on, the error is decided (and retried) without waiting
        .session({ port: port + 1, accept: t + 600_000, tt: 5, state: '--', ip: '10.0.3.3' });
    const text = (l: Array<{ t: number; line: string }>) => l.map((x) => x.line + '\n').join('');
    return withAgent(
      'agent-hup-clients',
      (dir) => inputs(dir, ['10.9.9.9']),
      async ({ stub, dir, agent, configure, config }) => {
        const [hap, app] = [path.join(dir, 'haproxy.log'), path.join(dir, 'app-php.log')];
        const verdictAt = (offset: number) => async () =>
          (await verdicts(stub)).find((d) => d.goneaway.kind === 'app_error' && d.log.offset === offset);
        const one = part(T0 + 30_000, 40000);
        fs.writeFileSync(hap, text(one.haproxy));
        fs.writeFileSync(app, text(one.php));
        const first = await waitFor(verdictAt(0), 60_000, "the first error's verdict");
        assert.equal(
          first.goneaway.cause,
          'unknown',
          'with clients 10.9.9.9, the closure from 10.0.1.11 is not the app',
        );

        configure(inputs(dir, ['10.0.1.11']));
        editConfig(config, (c) => (c.correlate.settle = '4s'));
        agent.proc.kill('SIGHUP');
        const restarts = () => agent.log().filter((l) => l.msg === 'agent restarted').length;
        await waitFor(async () => (restarts() === 1 ? true : undefined), 20_000, 'the reload');
        assert.ok(
          agent.log().some((l) => /correlate settings changed/.test(String(l.msg))),
          'the change is logged',
        );

        const two = part(T0 + 3_600_000, 41000);
        fs.appendFileSync(hap, text(two.haproxy));
        fs.appendFileSync(app, text(two.php));
        const second = await waitFor(verdictAt(Buffer.byteLength(text(one.php))), 60_000, "the second error's verdict");
        assert.equal(second.goneaway.cause, 'haproxy_timeout_client', 'the new clients are applied');
        assert.equal(second.source.port, 41000);

        // the positions are in the state dir: moving it on reload is refused, the agent goes on as it was
        editConfig(config, (c) => (c.agent.state_dir = path.join(dir, 'elsewhere')));
        agent.proc.kill('SIGHUP');
        await waitFor(
          async () => (agent.log().some((l) => /state_dir cannot change/.test(String(l.msg))) ? true : undefined),
          20_000,
          'the refusal',
        );
        assert.equal(restarts(), 1, 'no restart');
        assert.ok(!fs.existsSync(path.join(dir, 'elsewhere')), 'nothing written to the other state dir');
        assert.equal((await signalled(agent.proc, 'SIGTERM')).code, 0);
      },
    );
  },
);
