/**
 * A line that comes behind the watermark — its input was quiet longer than `agent.idle_after`, so the agent's
 * watermark went on without it — is counted in goneaway_late_records_total{kind} and named in a warning that
 * suggests agent.idle_after (src/agent/late-report.ts). The waits are guards against hanging, not timings.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { Agent } from '../../src/agent/agent.js';
import { createMetrics } from '../../src/agent/metrics.js';
import { configSchema } from '../../src/config/schema.js';
import { zoneFrom } from '../../src/cli/common.js';
import { emptyAck, type OutDoc } from '../../src/sinks/sink.js';
import { sleep, tmp } from './helpers.js';
import { writeHaproxy } from './in-process-agent.js';
import { Incident } from '../correlate/scenario.js';

const GUARD_MS = 60_000;

async function until(cond: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + GUARD_MS;
  while (!(await cond())) {
    if (Date.now() > deadline) assert.fail(`gave up waiting for ${what}`);
    await sleep(50);
  }
}

test('an app line older than the watermark is counted as late and warned about, naming agent.idle_after', async () => {
  const dir = tmp('late');
  const haproxy = path.join(dir, 'haproxy.log');
  const app = path.join(dir, 'app.log');
  const t0 = Date.UTC(2026, 11, 6, 12, 0, 0);
  writeHaproxy(haproxy, 1, 10, t0, 1000);
  writeFileSync(app, '');
  const config = configSchema.parse({
    timezone: 'UTC',
    haproxy: { files: [haproxy] },
    app: { files: [app] },
    agent: { state_dir: path.join(dir, 'state'), start_at: 'beginning', idle_after: '1s' },
  });
  const logged: Array<Record<string, unknown>> = [];
  const log = pino(
    { level: 'warn' },
    new Writable({
      write(chunk: Buffer, _enc, done) {
        logged.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    }),
  );
  const metrics = createMetrics(false);
  const agent = new Agent({
    config,
    settings: { skew: 1000, maxLag: 15 * 60_000, settle: 5000, haproxySettings: undefined },
    contextFor: () => ({ zone: zoneFrom('UTC', 'timezone'), zoneGiven: true, redactSql: true }),
    sink: {
      write: async (docs: OutDoc[]) => ({ ...emptyAck(), indexed: docs.length }),
      close: async () => undefined,
    },
    log,
    metrics,
    batchMs: 50,
  });
  await agent.start();
  try {
    // every input quiet for agent.idle_after: the watermark moves on with the clock, past the newest record
    const newest = t0 + 9000;
    await until(
      async () => ((await metrics.watermark.get()).values[0]?.value ?? 0) * 1000 > newest + 1000,
      'the watermark past the newest record',
    );
    // every kind's series is there from the start, at 0
    assert.match(await metrics.registry.metrics(), /^goneaway_late_records_total\{kind="app"\} 0$/m);
    // then the app log writes an error stamped before it (a writer that had stalled)
    appendFileSync(app, new Incident().php2006(t0 + 2000).php[0]!.line + '\n');
    const late = async () => (await metrics.lateRecords.get()).values.find((v) => v.labels.kind === 'app')?.value;
    await until(async () => ((await late()) ?? 0) > 0, 'the late record counted');
    assert.equal(await late(), 1);
    assert.match(await metrics.registry.metrics(), /^goneaway_late_records_total\{kind="app"\} 1$/m);
    const warned = logged.filter((l) => l.late_records !== undefined);
    assert.equal(warned.length, 1, JSON.stringify(logged));
    assert.deepEqual(warned[0]!.late_records, { app: 1 });
    // the agent's quiet time is the config's agent.idle_after
    assert.equal(warned[0]!.idle_after_ms, 1000);
    assert.ok(Number((warned[0]!.most_behind_ms as Record<string, number>).app) > 7000, JSON.stringify(warned[0]));
    assert.match(String(warned[0]!.fix), /raise agent\.idle_after/);
  } finally {
    await agent.stop();
  }
});
