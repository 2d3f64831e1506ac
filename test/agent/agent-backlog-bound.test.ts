/**
 * The agent's backlog is bounded in records (src/agent/agent.ts `resident`): a writer far ahead of a slow sink,
 * and one file far ahead of the other in time (its records wait in the merge for the other's), never make the
 * agent hold more than `maxResident` records — lines queued, records in the merge, documents not acknowledged —
 * and every record still arrives, once, at its offset: a paused file resumes where it stopped.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { configSchema } from '../../src/config/schema.js';
import { emptyAck, type OutDoc, type Sink } from '../../src/sinks/sink.js';
import { tmp } from './helpers.js';
import { inProcessAgent, writeHaproxy } from './in-process-agent.js';

/** a sink that takes its time over every batch (a cluster slower than the writer) and keeps what it got */
class SlowSink implements Sink {
  readonly got: OutDoc[] = [];
  writes = 0;
  constructor(private readonly ms: number) {}
  async write(batch: OutDoc[]) {
    await new Promise((r) => setTimeout(r, this.ms));
    this.got.push(...batch);
    this.writes++;
    return { ...emptyAck(), indexed: batch.length };
  }
  async close() {}
}

test('a slow sink and a file far ahead of the other: resident records stay under the bound, every record arrives', async () => {
  const dir = tmp('backlog');
  const t0 = Date.UTC(2026, 11, 6, 12, 0, 0);
  // the same 60 s in both files; b has half the lines, so read at the same byte pace it runs ahead in time and
  // its records wait in the merge for a's
  const a = path.join(dir, 'a-haproxy.log');
  const b = path.join(dir, 'b-haproxy.log');
  const want = new Map([
    [a, writeHaproxy(a, 1, 24_000, t0, 2.5)],
    [b, writeHaproxy(b, 2, 12_000, t0, 5)],
  ]);
  const config = configSchema.parse({
    timezone: 'UTC',
    haproxy: { files: [a, b] },
    agent: { state_dir: path.join(dir, 'state'), start_at: 'beginning' },
  });
  const sink = new SlowSink(15);
  const maxResident = 6_000;
  const agent = inProcessAgent(config, sink, {
    // never idle: a quiet file keeps holding the merge, as a live one behind a backlog does
    idleMs: 600_000,
    batchMs: 50,
    maxResident,
  });
  await agent.start();
  const records = () => sink.got.filter((d) => d.stream.includes('records'));
  const until = Date.now() + 60_000;
  while (records().length < 36_000 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  await agent.stop();

  assert.ok(agent.peakResident <= maxResident, `held ${agent.peakResident} records at once (bound ${maxResident})`);
  // the bound was in play: more than the bound was read, and over many acknowledged writes
  assert.ok(sink.writes > 36_000 / maxResident, `${sink.writes} writes`);
  for (const [file, offsets] of want) {
    const got = records()
      .filter((d) => d.position.file === file)
      .map((d) => d.position.offset)
      .sort((x, y) => x - y);
    assert.deepEqual(got, offsets, `${path.basename(file)}: every record once, at its offset`);
  }
});
