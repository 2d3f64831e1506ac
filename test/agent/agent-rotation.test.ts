/**
 * Rotation under steady writes, through the whole agent (`goneaway agent --config`, Elasticsearch = the
 * recording stand-in): logrotate's two modes — rename + create, and copytruncate
 * (https://man7.org/linux/man-pages/man8/logrotate.8.html) —, a file deleted and recreated, and a glob
 * gaining a file, all at once under one input. Every written line must be in the records data stream
 * exactly once (one _id per line), at the byte offset it was written at. The Tailer-level tests of the
 * same cases are tail-rotation.test.ts; this one adds the decoder, merge, sink, acknowledgements and
 * checkpoints around it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import path from 'node:path';
import {
  assertEachOnce,
  haproxyLine,
  sleep,
  spawnAgent,
  storedRecords,
  stubOutput,
  writeConfig,
} from './agent-process.js';
import { SteadyWriter, tmp } from './helpers.js';
import { exited, startStub, STUB, waitFor } from './lab-replay-harness.js';

const skip = fs.existsSync(STUB) ? false : `the stand-in ${STUB} is missing (../shared beside the checkout)`;

test(
  'whole agent: rename + create, copytruncate, delete + recreate and a glob gaining a file under steady writes — every line indexed once',
  { skip },
  async () => {
    const stub = await startStub();
    const dir = tmp('agent-rot');
    const logs = path.join(dir, 'logs');
    fs.mkdirSync(logs);
    const log = (name: string) => path.join(logs, `h-${name}.log`);
    // one writer per case; each numbers its lines in its own million, so every text is unique
    const writer = (name: string, i: number) =>
      new SteadyWriter(log(name), name, 2, (n) => haproxyLine(i * 1_000_000 + n));
    const ws = [writer('rename', 1), writer('copy', 2), writer('delete', 3)];
    const config = writeConfig(dir, {
      timezone: 'UTC',
      haproxy: { files: [path.join(logs, 'h-*.log')] },
      agent: { state_dir: path.join(dir, 'state'), start_at: 'beginning', http: '127.0.0.1:0' },
      output: stubOutput(stub.url, dir),
    });
    const agent = await spawnAgent(config, dir);
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
      for (const w of ws) w.stop();
      const written = new Map(ws.flatMap((w) => [...w.written]));
      await waitFor(
        async () => ((await storedRecords(stub)).length >= written.size ? true : undefined),
        60_000,
        `${written.size} records stored`,
      ).catch(() => undefined); // what is missing is reported below
      await sleep(1500); // nothing more may come (a line stored twice)
      assertEachOnce(await storedRecords(stub), written, assert.fail);
      const events = agent.log().filter((l) => l.msg === 'input file rotated' || l.msg === 'input file truncated');
      assert.ok(events.length >= 6, `the agent saw the rotations (${events.length} rotated/truncated)`);
      agent.proc.kill('SIGTERM');
      assert.equal(await exited(agent.proc, 10_000), 0, 'SIGTERM: exit 0');
    } finally {
      for (const w of ws) w.stop();
      agent.proc.kill('SIGKILL');
      stub.stop();
    }
  },
);
