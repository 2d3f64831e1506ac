/**
 * Rotation under steady writes, through the whole agent (`goneaway agent --config`, Elasticsearch = the
 * recording stand-in): logrotate's two modes — rename + create, and copytruncate
 * (https://man7.org/linux/man-pages/man8/logrotate.8.html) —, a file deleted and recreated, and a glob
 * gaining a file, all at once under one input. Every written line must be in the records data stream
 * exactly once (one _id per line), at the byte offset it was written at. The Tailer-level tests of the
 * same cases are tail-rotation.test.ts; this one adds the decoder, merge, sink, acknowledgements and
 * checkpoints around it. The same with a MySQL general log, whose records may go on over several lines: the
 * record a file was assembling when it was rotated away or truncated must be indexed too.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import path from 'node:path';
import {
  assertEachOnce,
  generalLine,
  haproxyLine,
  quiet,
  signalled,
  skipWithoutStub as skip,
  sleep,
  spawnAgent,
  storedRecords,
  withAgent,
} from './agent-process.js';
import { SteadyWriter } from './helpers.js';

/**
 * Steady writers on dir/logs/h-{rename,copy,delete}.log, each rotated three times its own way, and a fourth
 * file the glob gains after the second rotation; `inputs` names the glob in the config.
 */
function rotateUnderSteadyWrites(line: (n: number) => string, inputs: (glob: string) => object, quietMs: number) {
  const ws: SteadyWriter[] = [];
  return withAgent(
    'agent-rot',
    (dir) => {
      fs.mkdirSync(path.join(dir, 'logs'));
      return inputs(path.join(dir, 'logs', 'h-*.log'));
    },
    async ({ stub, dir, agent }) => {
      const log = (name: string) => path.join(dir, 'logs', `h-${name}.log`);
      // one writer per case; each numbers its lines in its own million, so every text is unique
      const writer = (name: string, i: number) => new SteadyWriter(log(name), name, 2, (n) => line(i * 1_000_000 + n));
      ws.push(writer('rename', 1), writer('copy', 2), writer('delete', 3));
      try {
        for (const w of ws) w.start(20);
        for (let i = 1; i <= 3; i++) {
          await sleep(700);
          ws[0]!.rotateRename(`${log('rename')}.${i}`);
          ws[1]!.copyTruncate(`${log('copy')}.${i}`);
          ws[2]!.deleteRecreate();
          if (i === 2) ws.push(writer('new', 4).start(20)); // the glob gains a file
        }
        await sleep(700);
      } finally {
        for (const w of ws) w.stop();
      }
      await quiet(stub, quietMs); // also: nothing more may come (a line stored twice)
      assertEachOnce(await storedRecords(stub), new Map(ws.flatMap((w) => [...w.written])), assert.fail);
      const events = agent.log().filter((l) => l.msg === 'input file rotated' || l.msg === 'input file truncated');
      assert.ok(events.length >= 6, `the agent saw the rotations (${events.length} rotated/truncated)`);
      assert.equal((await signalled(agent.proc, 'SIGTERM')).code, 0, 'SIGTERM: exit 0');
    },
  );
}

test(
  'whole agent: rename + create, copytruncate, delete + recreate and a glob gaining a file under steady writes — every HAProxy line indexed once',
  { skip },
  // an HAProxy line is a record at once: 3 s without news is the end
  () => rotateUnderSteadyWrites(haproxyLine, (glob) => ({ haproxy: { files: [glob] } }), 3000),
);

test(
  'whole agent, MySQL general log: the record a file was assembling when rotated away or truncated is indexed, every line once',
  { skip },
  () =>
    // a general-log file's last record waits for the file to be quiet for 5 s
    rotateUnderSteadyWrites(
      generalLine,
      (glob) => ({ mysql: { instances: [{ server: 'db1', general_log: glob }] } }),
      7000,
    ),
);

test(
  'rotated, then restarted: the lines of the new file that are read again keep their _ids (each line once)',
  { skip },
  () =>
    withAgent(
      'agent-rot-restart',
      (dir) => ({ haproxy: { files: [path.join(dir, 'haproxy.log')] } }),
      async (env) => {
        const log = path.join(env.dir, 'haproxy.log');
        const w = new SteadyWriter(log, 'rr', 2, (n) => haproxyLine(n)).start(20);
        try {
          await sleep(800);
          w.rotateRename(`${log}.1`);
          await sleep(800);
          // HAProxy sessions stay in the correlation window: the restart reads the new file again from its start
          assert.equal((await signalled(env.agent.proc, 'SIGTERM')).code, 0);
          env.agent = await spawnAgent(env.config, env.dir);
          await sleep(800);
        } finally {
          w.stop();
        }
        await quiet(env.stub, 3000);
        assertEachOnce(await storedRecords(env.stub), w.written, assert.fail);
      },
    ),
);
