/**
 * SIGTERM while Elasticsearch is away (issue 14: "SIGTERM flushes, checkpoints and exits 0 within 10 s"). With
 * the cluster gone the sink retries a batch for `max_retry_time` (5 min here, as by default) before the spool
 * takes it; a stop that waited for that was cut off by its own timer and, with the endpoint and the request
 * still open, never exited. Now the stop interrupts the sink after a few seconds (Agent.interrupt, sink.ts
 * `interrupt`): the batch goes to the spool, the checkpoint is saved, exit 0; the next start drains the spool.
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
  stubOutput,
  writeConfig,
} from './agent-process.js';
import { SteadyWriter, tmp } from './helpers.js';
import { startStub } from './lab-replay-harness.js';

const OUTAGE_MS = 14_000;

test(
  'SIGTERM while the cluster is down and the sink retrying: exit 0 within 10 s, the batch spooled; the next start indexes every line once',
  { skip },
  async () => {
    const stub = await startStub();
    const dir = tmp('agent-stop-outage');
    const state = path.join(dir, 'state');
    const file = path.join(dir, 'haproxy.log');
    const config = writeConfig(dir, {
      timezone: 'UTC',
      haproxy: { files: [file] },
      correlate: { redact_sql: false },
      agent: { state_dir: state, start_at: 'beginning', http: '127.0.0.1:0' },
      output: stubOutput(stub.url, dir, { max_retry_time: '5m' }),
    });
    const w = new SteadyWriter(file, 'outage', 2).start(20);
    let agent = await spawnAgent(config, dir);
    try {
      await sleep(1500);
      await stub.command('down', { ms: OUTAGE_MS });
      // a turn or two sent into the outage: the sink is retrying them when the signal comes
      await sleep(2000);
      const stop = await signalled(agent.proc, 'SIGTERM');
      const said = agent.log().map((l) => `${String(l.time)} ${String(l.msg)}`);
      assert.equal(
        stop.code,
        0,
        `SIGTERM during the outage: exit 0 within 10 s (took ${stop.ms} ms):\n${said.join('\n')}`,
      );
      const spooled = fs.readdirSync(path.join(state, 'spool')).filter((f) => f.endsWith('.ndjson'));
      assert.ok(spooled.length > 0, 'the batch the cluster did not take is in the spool');
      assert.ok(
        agent.log().some((l) => String(l.msg).includes('spooling them instead of waiting')),
        'the stop said why it did not wait',
      );
      w.stop();
      // started while the cluster may still be down: the spool drains when it is back
      agent = await spawnAgent(config, dir);
      await sleep(OUTAGE_MS);
      await quiet(stub, 7000);
      assertEachOnce(await storedRecords(stub), w.written, assert.fail);
      assert.equal((await signalled(agent.proc, 'SIGTERM')).code, 0);
    } finally {
      w.stop();
      agent.proc.kill('SIGKILL');
      stub.stop();
    }
  },
);
