/**
 * Bad input through the whole agent: a 10 MB line and binary garbage (random bytes: NULs, invalid UTF-8,
 * stray CRs) written into a tailed HAProxy log between ordinary lines. The agent must keep going — every
 * ordinary line, those after the garbage too, stored once — and cut the long line as README "Agent inputs"
 * says: the record holds its first `agent.max_record_bytes` (1 MiB by default), the rest is skipped up to
 * the newline, the cut is counted (`goneaway_parse_failures_total{reason="line_cut"}`) and the record tagged
 * `truncated` (ECS `tags`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import path from 'node:path';
import {
  assertEachOnce,
  haproxyLine,
  metricSum,
  quiet,
  signalled,
  skipWithoutStub as skip,
  sleep,
  storedRecords,
  withAgent,
} from './agent-process.js';
import { SteadyWriter } from './helpers.js';

const MIB = 1 << 20;

test('a 10 MB line and binary garbage: the agent goes on, the long line is cut to 1 MiB and counted', { skip }, () =>
  withAgent(
    'agent-bad',
    (dir) => ({ haproxy: { files: [path.join(dir, 'haproxy.log')] } }),
    async ({ stub, dir, agent }) => {
      const file = path.join(dir, 'haproxy.log');
      const w = new SteadyWriter(file, 'bad', 2, (n) => haproxyLine(n));
      w.start(20);
      await sleep(800);
      w.stop();
      // the long line is written in pieces, as a writer would: the reader meets it half-written
      const longAt = fs.statSync(file).size;
      const after = new SteadyWriter(file, 'bad', 2, (n) => haproxyLine(100_000 + n));
      for (let i = 0; i < 10; i++) after.writeRaw(Buffer.alloc(MIB, 'L'));
      after.writeRaw(Buffer.from('\n'));
      after.write(20);
      after.writeRaw(randomBytes(256 * 1024));
      after.writeRaw(Buffer.from('\n'));
      after.start(20);
      await sleep(1000);
      after.stop();
      await quiet(stub, 3000); // HAProxy lines are records at once: nothing is held back
      const records = await storedRecords(stub);
      // the ordinary lines, before and after the bad input: each once, at its offset
      assertEachOnce(
        records.filter((r) => / haproxy\[4242\]: 10\.0\./.test(r._source.event.original)),
        new Map([...w.written, ...after.written]),
        assert.fail,
      );
      const long = records.filter((r) => r._source.log.offset === longAt);
      assert.equal(long.length, 1, 'the long line is one record');
      assert.equal(long[0]!._source.event.original, 'L'.repeat(MIB), 'cut to agent.max_record_bytes');
      assert.deepEqual(long[0]!._source.tags, ['truncated'], 'marked as cut (ECS tags)');
      assert.deepEqual(
        records.filter((r) => r._source.tags !== undefined).map((r) => r._source.log.offset),
        [longAt],
        'no other record is marked',
      );
      const m = await agent.metrics();
      assert.equal(metricSum(m, 'goneaway_parse_failures_total', { reason: 'line_cut' }), 1, 'the cut is counted');
      assert.ok(
        metricSum(m, 'goneaway_parse_failures_total', { reason: 'no_match' }) > 0,
        'the garbage is kept as unparsed records',
      );
      assert.equal((await signalled(agent.proc, 'SIGTERM')).code, 0, 'SIGTERM: exit 0');
    },
  ),
);
