/**
 * The agent's backlog is bounded in records (src/agent/agent.ts `resident`): a writer far ahead of a slow sink,
 * and one file far ahead of the other in time (its records wait in the merge for the other's), never make the
 * agent hold more than `maxResident` records — lines queued, records in the merge, documents not acknowledged —
 * and every record still arrives, once, at its offset: a paused file resumes where it stopped.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { Agent } from '../../src/agent/agent.js';
import { createMetrics } from '../../src/agent/metrics.js';
import { configSchema } from '../../src/config/schema.js';
import { zoneFrom } from '../../src/cli/common.js';
import { emptyAck, type OutDoc, type Sink } from '../../src/sinks/sink.js';
import { liveFiles } from '../../bench/agent/live-lines.js';
import { tmp } from './helpers.js';

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

/** `n` lines of the bench's HAProxy generator from `t0`, `stepMs` apart; the offset of each line */
function writeHaproxy(file: string, seed: number, n: number, t0: number, stepMs: number): number[] {
  const gen = liveFiles(path.dirname(file), seed)[0]!;
  const offsets: number[] = [];
  const parts: string[] = [];
  let at = 0;
  for (let i = 0; i < n; i++) {
    const line = gen.next(t0 + i * stepMs) + '\n';
    offsets.push(at);
    at += Buffer.byteLength(line);
    parts.push(line);
  }
  writeFileSync(file, parts.join(''));
  return offsets;
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
  const agent = new Agent({
    config,
    settings: { skew: 2000, maxLag: 15 * 60_000, settle: 5000, haproxySettings: undefined },
    contextFor: () => ({ zone: zoneFrom('UTC', 'timezone'), zoneGiven: true, redactSql: true }),
    sink,
    log: pino({ level: 'silent' }),
    metrics: createMetrics(false),
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
