/**
 * The agent's loop lets I/O run while it builds a turn (src/agent/agent.ts `run`): behind a backlog every read's
 * lines are already queued, so a turn built from them runs on promise reactions alone, and a sink's answer — a
 * socket read, here one macrotask — was taken only once the whole next turn was built. The loop then sat idle
 * waiting for an answer that had been there all along (docs/benchmark-agent.md "The agent's loop").
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import type { Agent } from '../../src/agent/agent.js';
import { configSchema } from '../../src/config/schema.js';
import { emptyAck, type OutDoc, type Sink } from '../../src/sinks/sink.js';
import { tmp } from './helpers.js';
import { inProcessAgent, writeHaproxy } from './in-process-agent.js';

/**
 * A sink answering each write after one turn of the event loop, as an answer read from a socket is; when it
 * answers, it notes how many lines the agent had taken beyond those of the batches written so far (the lines of
 * the turn being built meanwhile).
 */
class MacrotaskSink implements Sink {
  /** per write: lines taken past the written ones when its answer was taken */
  readonly ahead: number[] = [];
  records = 0;
  agent: Agent | undefined;
  async write(batch: OutDoc[]) {
    this.records += batch.filter((d) => d.stream.includes('records')).length;
    await new Promise((r) => setImmediate(r));
    this.ahead.push(this.agent!.linesTaken - this.records);
    return { ...emptyAck(), indexed: batch.length };
  }
  async close() {}
}

test('behind a backlog, the answer to a write is taken while the next turn is built, not after it', async () => {
  const dir = tmp('loop-io');
  const file = path.join(dir, 'haproxy.log');
  const lines = 30_000;
  writeHaproxy(file, 7, lines, Date.UTC(2026, 11, 6, 12, 0, 0), 2);
  const config = configSchema.parse({
    timezone: 'UTC',
    haproxy: { files: [file] },
    agent: { state_dir: path.join(dir, 'state'), start_at: 'beginning' },
  });
  const sink = new MacrotaskSink();
  const batchLines = 2_000;
  const agent = inProcessAgent(config, sink, {
    idleMs: 600_000,
    // turns end full, not on time: the whole file is there from the start
    batchMs: 5_000,
    batchLines,
    maxResident: 10 * batchLines,
  });
  sink.agent = agent;
  await agent.start();
  const until = Date.now() + 60_000;
  while (sink.records < lines && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  await agent.stop();

  assert.equal(sink.records, lines, 'every line arrived');
  // a full turn is batchLines lines: an answer taken with fewer lines of the next turn taken came while it was built
  const early = sink.ahead.filter((n) => n < batchLines).length;
  assert.ok(
    early * 3 >= sink.ahead.length * 2,
    `answers taken before the next turn was whole: ${early} of ${sink.ahead.length} (${sink.ahead.join(', ')})`,
  );
});
