/**
 * /healthz through an Elasticsearch outage (issue: "200 only while the inputs are read and the sink has
 * acknowledged something recently"). The output is built as the agent builds it (`output()` of
 * src/cli/agent-setup.ts: the bulk sink, the clock of its acknowledgements, the spool in front), against the
 * recording stand-in: a batch written while the stand-in is down is spooled — acknowledged on disk, so nothing is
 * pending in the agent — yet /healthz must say 503 and why until the cluster is back and the spool drained.
 * Health is judged with a 1 s staleness here (the agent's is 60 s).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import pino from 'pino';
import { startHttp } from '../../src/agent/http.js';
import { createMetrics } from '../../src/agent/metrics.js';
import { output } from '../../src/cli/agent-setup.js';
import { configSchema } from '../../src/config/schema.js';
import type { OutDoc } from '../../src/sinks/sink.js';
import { skipWithoutStub, stubOutput } from './agent-process.js';
import { tmp } from './helpers.js';
import { startStub, waitFor } from './lab-replay-harness.js';

const doc = (n: number): OutDoc => ({
  stream: 'logs-goneaway.records-default',
  id: `health-${n}`,
  doc: { '@timestamp': new Date().toISOString(), message: `record ${n}` },
  position: { file: '/var/log/x.log', offset: n },
});

test(
  '/healthz: 200, then 503 with the spool named while the cluster is down, then 200 once the spool drained',
  { skip: skipWithoutStub },
  async () => {
    const stub = await startStub();
    const dir = tmp('health-spool');
    const cfg = configSchema.parse({
      haproxy: { files: [path.join(dir, 'haproxy.log')] },
      agent: { state_dir: path.join(dir, 'state') },
      output: stubOutput(stub.url, dir, { max_retry_time: '1s' }),
    });
    const metrics = createMetrics(false);
    const out = output(cfg, pino({ level: 'silent' }), metrics);
    assert.ok(out.spool, 'the Elasticsearch output has its spool');
    const server = await startHttp(
      { host: '127.0.0.1', port: 0 },
      metrics,
      {
        lastRead: () => Date.now(), // the inputs are read throughout: only the output is judged
        lastAck: () => out.clock.last,
        pending: () => 0, // every write below has returned: the agent holds nothing
        spooled: () => out.spool?.spooledBytes ?? 0,
      },
      () => 1000,
    );
    const healthz = async () => {
      const res = await fetch(`http://127.0.0.1:${(server.address() as { port: number }).port}/healthz`);
      return { status: res.status, body: (await res.json()) as { reasons: string[] } };
    };
    try {
      await out.sink.write([doc(1)]);
      assert.equal((await healthz()).status, 200, 'the cluster took the first batch');
      const acked = (await metrics.lastAck.get()).values[0]?.value;
      assert.ok(acked !== undefined && acked > 0, 'goneaway_last_ack_seconds set by the output');

      await stub.command('down', { ms: 6000 });
      await out.sink.write([doc(2), doc(3)]); // retried for max_retry_time, then spooled and acknowledged
      assert.ok(out.spool!.spooledBytes > 0, 'the batch is in the spool');
      const down = await waitFor(
        async () => {
          const h = await healthz();
          return h.status === 503 ? h : undefined;
        },
        15_000,
        '/healthz 503 while documents sit in the spool',
      );
      assert.match(down.body.reasons.join('; '), /bytes in the spool, nothing acknowledged by the output for \d+ s/);
      assert.equal((await metrics.lastAck.get()).values[0]?.value, acked, 'the spool is no acknowledgement');

      // back: the drainer sends the segment again (every 5 s), the spool empties, health comes back
      await waitFor(async () => ((await healthz()).status === 200 ? true : undefined), 30_000, '/healthz 200 again');
      assert.equal(out.spool!.spooledBytes, 0, 'the spool drained');
      const ids = (await stub.docs()).map((d) => d._id).sort();
      assert.deepEqual(ids, ['health-1', 'health-2', 'health-3'], 'every document indexed once');
      // the metrics see the detour: two spooled, then indexed by the drainer (with the first batch: three)
      const items = (await metrics.bulkItems.get()).values;
      const n = (outcome: string) => items.find((v) => v.labels.outcome === outcome)?.value ?? 0;
      assert.equal(n('spooled'), 2, 'bulk items spooled');
      assert.equal(n('indexed'), 2, 'bulk items the drainer indexed (the first batch went through the agent)');
    } finally {
      server.close();
      await out.sink.close();
      stub.stop();
    }
  },
);
