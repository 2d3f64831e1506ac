/**
 * goneaway_checkpoint_lag_bytes (docs/agent-inputs.md "Checkpoint lag"): per file, the bytes read but not yet
 * covered by the saved checkpoint — what a restart would read again. The records of a MySQL general log stay in
 * the correlation window (its threads are still open), which holds the file's checkpoint at its first record:
 * the gauge shows the bytes read past it, equal to the file's size minus the position saved in
 * checkpoints.json, and grows as more lines are read.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { Agent } from '../../src/agent/agent.js';
import { createMetrics, type AgentMetrics } from '../../src/agent/metrics.js';
import { configSchema } from '../../src/config/schema.js';
import { zoneFrom } from '../../src/cli/common.js';
import { emptyAck, type OutDoc, type Sink } from '../../src/sinks/sink.js';
import { generalLine } from './agent-process.js';
import { tmp } from './helpers.js';

class KeepingSink implements Sink {
  readonly got: OutDoc[] = [];
  async write(batch: OutDoc[]) {
    this.got.push(...batch);
    return { ...emptyAck(), indexed: batch.length };
  }
  async close() {}
}

async function lagOf(m: AgentMetrics, file: string): Promise<number | undefined> {
  const samples = (await m.checkpointLag.get()).values;
  return samples.find((s) => s.labels.file === file)?.value;
}

/** the position saved for `file` in checkpoints.json (undefined before the first save) */
function saved(state: string, file: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(path.join(state, 'checkpoints.json'), 'utf8');
  } catch {
    return undefined;
  }
  const files = (JSON.parse(text) as { files: Array<{ path: string; offset: number }> }).files;
  return files.find((c) => c.path === file)?.offset;
}

/**
 * Waits (15 s at most) until the gauge of `file` is above `above` and equals `size` minus the saved position;
 * returns it. Without a sample, or one that disagrees with checkpoints.json, it fails.
 */
async function lagAgreeing(m: AgentMetrics, state: string, file: string, size: number, above: number) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const lag = await lagOf(m, file);
    const at = saved(state, file);
    if (lag !== undefined && lag > above && at !== undefined && lag === size - at) return lag;
    if (Date.now() > deadline) assert.fail(`gauge ${lag}, saved position ${at}, ${size} bytes read`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('checkpoint lag: per file, the bytes read past the saved checkpoint; it grows as more is read while held', async () => {
  const dir = tmp('ckpt-lag');
  const file = path.join(dir, 'db1-general.log');
  writeFileSync(file, Array.from({ length: 40 }, (_, i) => generalLine(i) + '\n').join(''));
  const size = statSync(file).size;
  const state = path.join(dir, 'state');
  const config = configSchema.parse({
    timezone: 'UTC',
    mysql: { instances: [{ server: 'db1', general_log: file }] },
    agent: { state_dir: state, start_at: 'beginning' },
  });
  const metrics = createMetrics(false);
  const agent = new Agent({
    config,
    settings: { skew: 1000, maxLag: 60_000, settle: 500, haproxySettings: undefined },
    contextFor: () => ({ zone: zoneFrom('UTC', 'timezone'), zoneGiven: true, redactSql: false }),
    sink: new KeepingSink(),
    log: pino({ level: 'silent' }),
    metrics,
    batchMs: 50,
  });
  await agent.start();
  try {
    const held = await lagAgreeing(metrics, state, file, size, 0);
    assert.ok(held > 0 && held <= size, `${held} bytes behind the checkpoint, of ${size} read`);
    // more lines read while the window still holds the first: the lag grows by what was read
    appendFileSync(file, Array.from({ length: 20 }, (_, i) => generalLine(100 + i) + '\n').join(''));
    const grown = await lagAgreeing(metrics, state, file, statSync(file).size, held);
    assert.ok(grown > held, `lag ${held} → ${grown} bytes`);
  } finally {
    await agent.stop();
  }
});
